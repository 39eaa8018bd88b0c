"""`compare --all` on the whole finescoop corpus after enrich: how long it takes and how it spreads.

Ingests the corpus (or ``--articles`` of it) into a store, runs dedupe + cluster, enriches every
article, then times ``run_compare`` over every story of two reports or more, and prints: stories
compared, facts, the total time, per-story time p50 / p95 / max with the size of the slowest, the
facts by status, and peak RSS. A store kept with ``--keep DIR`` is reused by a later run (the
enrich stage takes most of an hour on the whole corpus on a 2-core machine).

    python benchmarks/compare_finescoop.py [--corpus …/posts.tar.gz] [--articles N] [--keep DIR]
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import finescoop

from storylens.compare.story import compare_story, members_hash
from storylens.enrich.run import run_enrich
from storylens.pipeline import build_stories, ingest
from storylens.store import Store, comparisons


def build(store: Store, posts: Path, articles: int | None) -> None:
    settings = finescoop.settings()
    files = sorted(posts.iterdir())[:articles] if articles else [posts]
    started = time.perf_counter()
    ingest(store, [str(f) for f in files], settings)
    build_stories(store, settings)
    print(f"ingest + dedupe + cluster: {time.perf_counter() - started:.0f}s")
    started = time.perf_counter()
    report = run_enrich(store, settings)
    print(f"enrich: {report.seconds:.0f}s for {time.perf_counter() - started:.0f}s wall, "
          f"{report.claims:,} claims, {report.quotes:,} quotes")  # fmt: skip


def main() -> None:
    p = finescoop.parser(__doc__ or "")
    p.add_argument("--articles", type=int, default=None, help="posts to use (default: all)")
    p.add_argument("--keep", type=Path, default=None, help="keep (and reuse) the store here")
    args = p.parse_args()
    db = args.keep / "compare.db" if args.keep else None
    if db is None or not db.exists():
        with finescoop.unpacked(args.corpus) as (posts, tmp):
            target = db or tmp / "compare.db"
            target.parent.mkdir(parents=True, exist_ok=True)
            with Store(target) as store:
                build(store, posts, args.articles)
                measure(store)
            return
    with Store(db) as store:
        measure(store)


def measure(store: Store) -> None:
    ids = comparisons.stale(store.conn, 2)
    sizes = dict(store.conn.execute("SELECT id, size FROM stories"))
    times: list[tuple[float, str]] = []
    statuses: Counter[str] = Counter()
    facts = 0
    started = time.perf_counter()
    for story_id in ids:
        t = time.perf_counter()
        data = compare_story(store.conn, story_id)
        with store.transaction() as conn:
            comparisons.save(conn, story_id, members_hash(conn, story_id), data)
        times.append((time.perf_counter() - t, story_id))
        facts += len(data.facts)
        statuses.update(f.status for f in data.facts if f.kind == "claim")
    total = time.perf_counter() - started
    ms = sorted(t * 1000 for t, _ in times)
    slowest = max(times) if times else (0.0, "")
    print(f"compare --all: {len(ids):,} stories of 2+ reports, {facts:,} facts in {total:.1f}s")
    if ms:
        print(f"per story: p50 {statistics.median(ms):.1f} ms, "
              f"p95 {ms[int(0.95 * (len(ms) - 1))]:.1f} ms, max {ms[-1]:.0f} ms "
              f"({sizes.get(slowest[1], '?')} reports: {slowest[1]})")  # fmt: skip
    print("claim facts by status: " + ", ".join(f"{k} {v:,}" for k, v in statuses.most_common()))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: {own:.0f} MB main process, {kids:.0f} MB largest worker")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
