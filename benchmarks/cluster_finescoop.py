"""Story building on the finescoop corpus, and adding one article to a 100,000-article store.

1. Ingest the 24,833 posts, then time dedupe and cluster (``--rebuild``) over them, beside a
   baseline measured in the same run on the same texts: tokenising every article (the least
   any text clusterer must do). Peak RSS is printed.
2. Grow the store to about 100,000 articles with re-dated copies of the corpus (each copy
   shifted by five weeks, its words given a per-copy suffix so copies are neither exact nor
   near duplicates of each other), bring the stories up to date, open a LivePipeline without
   enrich and compare (once), then add 200 more re-dated articles one at a time and print the
   50th / 95th / 99th percentile latency of an add (store + dedupe + place, one transaction
   each). ``benchmarks/live_add.py`` measures adds through every stage.

    python benchmarks/cluster_finescoop.py [--corpus …/posts.tar.gz] [--skip-large]
"""

from __future__ import annotations

import json
import re
import resource
import sys
import time
from datetime import timedelta

import finescoop

from storylens.clean import clean_item
from storylens.ingest.fields import record_to_item
from storylens.live import LivePipeline
from storylens.pipeline import build_stories, clean_options, ingest
from storylens.queries import list_articles
from storylens.store import Store
from storylens.text import words

_WORD = re.compile(r"[A-Za-z]+")


def peak_mb() -> str:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"{own:.0f} MB main process, {kids:.0f} MB largest worker"


def copy_record(article, k: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """A re-dated, re-worded copy of an article as an export record."""
    suffix = "q" * k

    def rename(text: str) -> str:
        return _WORD.sub(lambda m: m.group(0) + suffix, text)

    shifted = article.published + timedelta(days=35 * k) if article.published else None
    return {
        "title": rename(article.title),
        "text": "\n\n".join(rename(p.text) for p in article.paragraphs if p.kind == "body"),
        "date": shifted.isoformat() if shifted else None,
        "source": article.outlet,
    }


def main() -> int:
    parser = finescoop.parser(__doc__ or "")
    parser.add_argument("--skip-large", action="store_true", help="only part 1")
    args = parser.parse_args()
    settings = finescoop.settings()
    with finescoop.unpacked(args.corpus) as (posts, tmp), Store(tmp / "bench.db") as store:
        report = ingest(store, [str(posts)], settings)
        print(f"ingested              {report.counts.added} articles in {report.seconds:.1f} s")
        bodies = [r[0] for r in store.conn.execute("SELECT body FROM articles")]
        started = time.perf_counter()
        for body in bodies:
            words(body)
        base = time.perf_counter() - started
        dedupe, cluster = build_stories(store, settings, rebuild=True)
        n = cluster.articles
        print(f"baseline tokenise     {base:6.1f} s")
        print(
            f"dedupe                {dedupe.seconds:6.1f} s"
            f"  ({dedupe.near} near, {dedupe.wire} wire)"
        )
        print(
            f"cluster               {cluster.seconds:6.1f} s"
            f"  {n / cluster.seconds:6.0f} articles/s, {cluster.stories} stories"
        )
        print(f"ratio cluster/base    {cluster.seconds / base:6.1f}x")
        print(f"peak RSS              {peak_mb()}")
        print("target                ratio cluster/base <= 10x")
        lines = store.conn.execute(
            "SELECT count(*), sum(events > 1), max(events) FROM storylines"
        ).fetchone()
        print(
            f"storylines            {lines[0]} ({lines[1]} of several events, the largest"
            f" {lines[2]} events)"
        )
        longest = store.conn.execute(
            "SELECT max(julianday(last_seen) - julianday(first_seen)) FROM stories"
        ).fetchone()[0]
        print(f"longest event         {longest:.1f} days (cluster.span_days caps it)")
        print("10 largest events:")
        for size, first, last, title in store.conn.execute(
            "SELECT size, first_seen, last_seen, title FROM stories ORDER BY size DESC, id LIMIT 10"
        ):
            print(f"  {size:4d}  {first[:10]} → {last[5:10]}  {title[:90]}")
        print("10 largest storylines:")
        for events, size, first, last, title in store.conn.execute(
            "SELECT events, size, first_seen, last_seen, title FROM storylines"
            " ORDER BY size DESC, id LIMIT 10"
        ):
            print(
                f"  {events:3d} events {size:4d} reports  {first[:10]} → {last[5:10]}  {title[:80]}"
            )
        if args.skip_large:
            return 0
        articles = list_articles(store, limit=None)
        copies = tmp / "copies.jsonl"
        wanted = 100_000 - len(articles)
        with copies.open("w", encoding="utf-8") as out:
            for k in (1, 2, 3, 4, 5):
                for a in articles[: max(0, wanted)]:
                    out.write(json.dumps(copy_record(a, k), ensure_ascii=False) + "\n")
                wanted -= len(articles)
        grown = ingest(store, [str(copies)], settings)
        total = store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        print(
            f"grown store           {total} articles"
            f" (+{grown.counts.added} in {grown.seconds:.0f} s)"
        )
        started = time.perf_counter()
        build_stories(store, settings)
        print(f"stories brought up to date in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        live = LivePipeline(store, settings, enrich=False)
        print(f"LivePipeline loaded in {time.perf_counter() - started:.0f} s (once per process)")
        options = clean_options(settings)
        fresh = [copy_record(a, 9) for a in articles[:200]][::-1]
        timings = []
        for i, record in enumerate(fresh):
            article = clean_item(record_to_item(record, "<bench>", "jsonl", i), options)
            started = time.perf_counter()
            live.add(article)
            timings.append((time.perf_counter() - started) * 1000)
        live.close()
        print(f"add one article       {finescoop.pct(timings)} (200 adds)")
        print("target                p95 < 20 ms")
        print(f"peak RSS              {peak_mb()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
