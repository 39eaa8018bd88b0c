"""Latency of the story page and the API story detail with the finescoop corpus loaded.

Ingests and clusters the 24,833 finescoop posts (or opens a store given with --db), then times,
over the in-process client (the whole ASGI app: routing, queries, templates, JSON), the story
page and the API story detail for the biggest stories and a random sample of the others,
beside a baseline measured in the same run: a trivial API call through the same stack
(``/api/v1/problems?limit=1``). Prints p50 / p95 / max in ms and the peak memory.

The story page and the API detail carry the story's comparison (summary, facts × outlets,
timeline): stored by ``compare --all`` and read when current, else made on the fly. The corpus
is not enriched (24k posts take ~30 min), so those comparisons are mostly empty; with
``--enrich N`` the N biggest stories are then enriched, their comparison is timed on the fly,
stored (``run_compare``), and the pages are timed again: the "enriched" rows.
``--enrich`` writes to the store given with ``--db``: give it a copy.

Then the page of the largest story alone, 40 times, each beside the baseline call, with
whether its comparison is shown (``--profiles FILE`` imports outlet profiles first, so its
coverage chart and headlines are grouped as a reader with profiles sees them).

    python benchmarks/web_story.py [--corpus …/posts.tar.gz] [--db STORE] [--keep STORE]
                                   [--enrich N] [--profiles FILE]
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
from storylens.config import Settings
from storylens.pipeline import build_stories, ingest
from storylens.store import Store

BIGGEST, SAMPLE, ROUNDS = 10, 90, 3
LARGEST_ROUNDS = 40  # the largest story's page, each beside a baseline call


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(client: object, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)  # type: ignore[attr-defined]
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def stats_row(name: str, values: list[float], base: float) -> None:
    p50 = statistics.median(values)
    print(f"{name:34} {p50:8.1f} {percentile(values, 95):8.1f} {max(values):8.1f}"
          f" {p50 / base:12.1f}x")  # fmt: skip


def sample_stories(db: Path) -> list[dict[str, object]]:
    with Store(db, create=False) as store:
        stories, total = queries.stories_page(store, limit=1_000_000_000)
        articles = queries.stats(store)["articles"]
    by_size = sorted(stories, key=lambda s: -int(s["size"]))
    rng = random.Random(5)
    sample = by_size[:BIGGEST] + rng.sample(by_size[BIGGEST:], min(SAMPLE, total - BIGGEST))
    print(f"store: {articles} articles, {total} stories; biggest: "
          + ", ".join(str(s["size"]) for s in by_size[:BIGGEST]) + " reports")  # fmt: skip
    return sample


def measure(db: Path, sample: list[dict[str, object]], title: str) -> None:
    """Time the story page and API detail of every story of ``sample`` (the first BIGGEST are
    the biggest), ROUNDS times, beside the trivial baseline call."""
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

    from storylens.web.app import create_app

    print(f"\n{title}: {len(sample)} stories ({BIGGEST} biggest + {len(sample) - BIGGEST}"
          f" random), {ROUNDS} rounds each")  # fmt: skip
    # the host the app serves: it refuses any other
    with TestClient(create_app(db), base_url="http://127.0.0.1:8000") as client:
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
    print(f"{'':34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p50/baseline':>13}")
    stats_row("baseline (trivial API call)", times["baseline"], base)
    stats_row(f"story page, all {len(sample)}", times["page"], base)
    stats_row(f"API story detail, all {len(sample)}", times["api"], base)
    stats_row(f"story page, {BIGGEST} biggest", big["page"], base)
    stats_row(f"API detail, {BIGGEST} biggest", big["api"], base)
    largest(client_for(db), sample[0])


def client_for(db: Path) -> object:
    from fastapi.testclient import TestClient

    from storylens.web.app import create_app

    return TestClient(create_app(db), base_url="http://127.0.0.1:8000")


def largest(client: object, story: dict[str, object]) -> None:
    """The page of the largest story, LARGEST_ROUNDS times, each beside the baseline call: the
    page as a reader gets it (headlines, coverage, the comparison, a page of reports)."""
    url = f"/stories/{story['id']}"
    with client as c:  # type: ignore[attr-defined]
        page = c.get(url).text
        shown = page.count('<tr id="f-')
        enriched = "not-enriched" not in page
        base, times = [], []
        for _ in range(LARGEST_ROUNDS):
            base.append(timed(c, "/api/v1/problems?limit=1"))
            times.append(timed(c, url))
    b = statistics.median(base)
    print(f"largest story {story['id']} ({story['size']} reports): comparison shown"
          f" {'yes' if enriched else 'NO (not enriched)'}, {shown} fact rows,"
          f" page {len(page.encode()) / 1024:.0f} KB; {LARGEST_ROUNDS} rounds")  # fmt: skip
    stats_row("baseline (same rounds)", base, b)
    stats_row("largest story page", times, b)


def enrich_biggest(db: Path, sample: list[dict[str, object]], n: int, settings: Settings) -> None:
    """Enrich the n biggest stories, time their comparison made on the fly, then store it."""
    from storylens.compare.run import run_compare
    from storylens.compare.story import compare_story
    from storylens.enrich.run import run_enrich

    ids = [str(s["id"]) for s in sample[:n]]
    with Store(db) as store:
        members = [r["id"] for i in ids for r in queries.story_detail(store, i)["reports"]]
        started = time.perf_counter()
        report = run_enrich(store, settings, only=members)
        print(f"\nenriched the {n} biggest stories: {report.articles} articles in"
              f" {time.perf_counter() - started:.0f}s")  # fmt: skip
        fly = []
        for i in ids:
            start = time.perf_counter()
            data = compare_story(store.conn, i)
            fly.append((time.perf_counter() - start) * 1000)
            print(f"  {i}: {len(data.articles)} reports compared, {len(data.facts)} facts,"
                  f" on the fly {fly[-1]:.0f} ms")  # fmt: skip
        print(f"comparison made on the fly: p50 {statistics.median(fly):.0f} ms,"
              f" max {max(fly):.0f} ms")  # fmt: skip
        started = time.perf_counter()
        done = run_compare(store)
        print(f"run_compare stored {done.computed} comparisons in"
              f" {time.perf_counter() - started:.1f}s")  # fmt: skip


def import_profiles(db: Path, path: Path | None) -> None:
    if path is None:
        return
    from storylens.outlets import import_profiles as load

    with Store(db) as store:
        got = load(store, path)
    print(f"outlet profiles: {len(got.profiles)} from {path} (coverage and headlines by them)")


def run(db: Path, enrich: int, settings: Settings, profiles: Path | None = None) -> None:
    import_profiles(db, profiles)
    sample = sample_stories(db)
    measure(db, sample, "before enriching" if enrich else "as stored")
    if enrich:
        enrich_biggest(db, sample, min(enrich, BIGGEST), settings)
        measure(db, sample, f"after enriching the {min(enrich, BIGGEST)} biggest (stored)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (whole process, including ingest/enrich when run here): {peak:.0f} MB")


def main() -> int:
    p = finescoop.parser(__doc__ or "")
    p.add_argument("--db", type=Path, help="use this clustered store instead of ingesting")
    p.add_argument("--keep", type=Path, help="save the store built here to this file")
    more = f"then enrich the N biggest stories (up to {BIGGEST}) and time again"
    p.add_argument("--enrich", type=int, default=0, metavar="N", help=more)
    p.add_argument("--profiles", type=Path, help="import this outlet profile file first")
    args = p.parse_args()
    settings = finescoop.settings()
    if args.db:
        run(args.db, args.enrich, settings, args.profiles)
        return 0
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
        run(db, args.enrich, settings, args.profiles)
    return 0


if __name__ == "__main__":
    sys.exit(main())
