"""Latency of the story page and the API story detail with the finescoop corpus loaded.

Ingests and clusters the 24,833 finescoop posts (or opens a store given with --db), then times,
over the in-process client (the whole ASGI app: routing, queries, templates, JSON), the story
page and the API story detail for the biggest stories and a random sample of the others,
beside a baseline measured in the same run: a trivial API call through the same stack
(``/api/v1/problems?limit=1``). Prints p50 / p95 / max in ms and the peak memory.

    python benchmarks/web_story.py [--corpus …/posts.tar.gz] [--db STORE] [--keep STORE]
"""

from __future__ import annotations

import random
import resource
import shutil
import statistics
import sys
import time
import warnings
from pathlib import Path

import finescoop

from storylens import queries
from storylens.pipeline import build_stories, ingest
from storylens.store import Store

BIGGEST, SAMPLE, ROUNDS = 10, 90, 3


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(client: object, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)  # type: ignore[attr-defined]
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def measure(db: Path) -> None:
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

    from storylens.web.app import create_app

    with Store(db, create=False) as store:
        stories, total = queries.stories_page(store, limit=1_000_000_000)
        articles = queries.stats(store)["articles"]
    by_size = sorted(stories, key=lambda s: -s["size"])
    rng = random.Random(5)
    sample = by_size[:BIGGEST] + rng.sample(by_size[BIGGEST:], min(SAMPLE, total - BIGGEST))
    print(f"store: {articles} articles, {total} stories; biggest: "
          + ", ".join(str(s["size"]) for s in by_size[:BIGGEST]) + " reports")  # fmt: skip
    print(f"timing {len(sample)} stories ({BIGGEST} biggest + {len(sample) - BIGGEST} random),"
          f" {ROUNDS} rounds each")  # fmt: skip
    with TestClient(create_app(db)) as client:
        for s in sample[:5]:  # warm up: templates compiled, pages cached by SQLite
            timed(client, f"/stories/{s['id']}")
        times: dict[str, list[float]] = {"baseline": [], "page": [], "api": []}
        big: dict[str, list[float]] = {"page": [], "api": []}
        for _ in range(ROUNDS):
            for i, s in enumerate(sample):
                times["baseline"].append(timed(client, "/api/v1/problems?limit=1"))
                for kind, url in (("page", f"/stories/{s['id']}"),
                                  ("api", f"/api/v1/stories/{s['id']}")):  # fmt: skip
                    ms = timed(client, url)
                    times[kind].append(ms)
                    if i < BIGGEST:
                        big[kind].append(ms)
    base = statistics.median(times["baseline"])
    print(f"{'':28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p50/baseline':>13}")
    rows = [("baseline (trivial API call)", times["baseline"]),
            ("story page", times["page"]), ("API story detail", times["api"]),
            (f"story page, {BIGGEST} biggest", big["page"]),
            (f"API detail, {BIGGEST} biggest", big["api"])]  # fmt: skip
    for name, values in rows:
        p50 = statistics.median(values)
        print(f"{name:28} {p50:8.1f} {percentile(values, 95):8.1f} {max(values):8.1f}"
              f" {p50 / base:12.1f}x")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (whole process, including ingest when run here): {peak:.0f} MB")


def main() -> int:
    p = finescoop.parser(__doc__ or "")
    p.add_argument("--db", type=Path, help="use this clustered store instead of ingesting")
    p.add_argument("--keep", type=Path, help="save the store built here to this file")
    args = p.parse_args()
    if args.db:
        measure(args.db)
        return 0
    settings = finescoop.settings()
    with finescoop.unpacked(args.corpus) as (posts, tmp):
        db = tmp / "web.db"
        started = time.perf_counter()
        with Store(db) as store:
            ingest(store, [str(posts)], settings)
            build_stories(store, settings, rebuild=True)
        print(f"ingest + cluster: {time.perf_counter() - started:.0f}s", flush=True)
        if args.keep:
            with Store(db) as store:
                store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copyfile(db, args.keep)
        measure(db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
