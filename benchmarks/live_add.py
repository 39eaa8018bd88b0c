"""One article at a time through every stage, on a store of N articles: latency and memory.

1. The 24,833 finescoop posts are read and cleaned, then replicated to N + 400 records:
   copy k of the corpus is shifted by 35·k days and its words get a per-copy suffix, so copies
   are neither exact nor near duplicates of each other (copy 0 is the corpus itself, captions
   left out). In publication order, the first N are stored (`ingest`); the newest 400 are
   held out, to be added live.
2. Batch, in this process: dedupe + cluster over the N articles (`pipeline.run`, until
   cluster), then enrich the newest stored articles (`--enriched`, 500: the open stories the
   held-out articles join) and compare the stories they are in: the batch cost per article.
3. Live, in a fresh process (the long-running process whose memory counts): open a
   `LivePipeline` on the store (the stories replayed once, closed ones evicted), add 200
   held-out articles without enrich and compare, then 200 with them (each add: store, dedupe,
   place, enrich, re-compare its story, one transaction). Prints p50/p95/p99 of each, and the
   process's resident memory (now and peak).

    python benchmarks/live_add.py [--n 100000] [--enriched 500] [--corpus …/posts.tar.gz]
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import finescoop

from storylens.store import Store

_WORD = re.compile(r"[A-Za-z]+")
HELD_OUT = 400


def record(article: Any, k: int) -> dict[str, object]:
    """Copy ``k`` of an article as an export record (0: the article itself)."""
    suffix = "q" * k

    def rename(text: str) -> str:
        return _WORD.sub(lambda m: m.group(0) + suffix, text) if k else text

    shifted = article.published + timedelta(days=35 * k) if article.published else None
    return {
        "title": rename(article.title),
        "text": "\n\n".join(rename(p.text) for p in article.paragraphs if p.kind == "body"),
        "date": shifted.isoformat() if shifted else None,
        "source": article.outlet,
    }


def rss_mb() -> tuple[float, float]:
    """(resident now, resident peak) of this process, in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def build(args: Any, tmp: Path, posts: Path) -> tuple[Path, Path]:
    from storylens.enrich.run import run_enrich
    from storylens.pipeline import ingest, run
    from storylens.queries import list_articles

    settings = finescoop.settings()
    files = sorted(posts.glob("*.md"))
    if args.n + HELD_OUT < len(files):  # a smaller store: read no more posts than it holds
        files = files[: args.n + HELD_OUT]
    with Store(tmp / "corpus.db") as scratch:
        ingest(scratch, [str(f) for f in files], settings)
        articles = list_articles(scratch, limit=None)
    print(f"corpus                {len(articles)} finescoop posts read", flush=True)
    copies = -(-(args.n + HELD_OUT) // len(articles))
    records = [record(a, k) for k in range(copies) for a in articles]
    records.sort(key=lambda r: (r["date"] is None, str(r["date"])))
    records = records[: args.n + HELD_OUT]
    stored, held = records[:-HELD_OUT], records[-HELD_OUT:]
    data, holdout = tmp / "stored.jsonl", tmp / "held_out.jsonl"
    for path, rows in ((data, stored), (holdout, held)):
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    db = tmp / "live.db"
    with Store(db) as store:
        started = time.perf_counter()
        report = ingest(store, [str(data)], settings)
        n = store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        print(f"stored                {n} articles ({report.seconds:.0f} s to ingest)", flush=True)
        started = time.perf_counter()
        run(store, [], settings, until="cluster")
        batch = time.perf_counter() - started
        print(f"batch dedupe+cluster  {batch:.0f} s: {batch / n * 1000:.2f} ms per article")
        newest = [
            r[0]
            for r in store.conn.execute(
                "SELECT id FROM articles ORDER BY published DESC, id LIMIT ?", (args.enriched,)
            )
        ]
        started = time.perf_counter()
        enriched = run_enrich(store, settings, only=newest)
        took = time.perf_counter() - started
        print(
            f"batch enrich          {enriched.articles} articles in {took:.0f} s:"
            f" {took / max(1, enriched.articles) * 1000:.0f} ms per article"
            f" ({settings.get('enrich.n_process')} processes)"
        )
        from storylens.compare.run import run_compare

        compared = run_compare(store)
        print(
            f"batch compare         {compared.computed} stories in {compared.seconds:.0f} s:"
            f" {compared.seconds / max(1, compared.computed) * 1000:.0f} ms per story"
        )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"batch peak RSS        {own:.0f} MB (this process)")
    return db, holdout


def live(db: Path, holdout: Path) -> None:
    """The live half, in its own process."""
    from storylens.clean import clean_item
    from storylens.ingest.fields import record_to_item
    from storylens.live import LivePipeline
    from storylens.pipeline import clean_options

    settings = finescoop.settings()
    options = clean_options(settings)
    rows = [json.loads(line) for line in holdout.read_text("utf-8").splitlines()]
    articles = [
        clean_item(record_to_item(r, "<live>", "jsonl", i), options) for i, r in enumerate(rows)
    ]
    with Store(db) as store:
        started = time.perf_counter()
        pipeline = LivePipeline(store, settings, catch_up=False)
        n = store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        now, peak = rss_mb()
        print(
            f"live pipeline loaded  in {time.perf_counter() - started:.0f} s on {n} articles;"
            f" RSS {now:.0f} MB (peak {peak:.0f} MB)"
        )
        enricher, pipeline.enricher = pipeline.enricher, None
        plain = [pipeline.add(a) for a in articles[: HELD_OUT // 2]]
        pipeline.enricher = enricher
        full = [pipeline.add(a) for a in articles[HELD_OUT // 2 :]]
        behind = len(pipeline.deferred)
        started = time.perf_counter()
        caught_up = pipeline.compare_deferred()  # what a watch does after a round of polls
        after = time.perf_counter() - started
        pipeline.close()
        now, peak = rss_mb()
    for name, done in (("store+dedupe+cluster", plain), ("every stage", full)):
        added = [d for d in done if d.outcome == "added"]
        print(f"add ({name:20}) {finescoop.pct([d.ms for d in added])}  ({len(added)} adds)")
        if name == "every stage":
            print(f"  of which parsing      {finescoop.pct([d.parse_ms for d in added])}")
            print(f"  the rest              {finescoop.pct([d.ms - d.parse_ms for d in added])}")
    joined = sum(d.decision != "new" for d in full)
    compared = sum(d.compared for d in full)
    deferred = sum(d.deferred for d in full)
    print(
        f"                      {joined} joined a story, {compared} comparisons recomputed in"
        f" the adds, {deferred} left to compare_deferred (stories over"
        f" {pipeline.compare_max} reports)"
    )
    print(f"compare_deferred      {caught_up} of {behind} stories in {after:.1f} s, after the adds")
    print(f"live RSS              {now:.0f} MB now, {peak:.0f} MB peak (after {len(rows)} adds)")
    print("targets               every stage p95 <= 150 ms; without enrich p95 <= 20 ms;"
          " RSS <= 2 GB at 100k")  # fmt: skip


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--live":
        live(Path(sys.argv[2]), Path(sys.argv[3]))
        return 0
    parser = finescoop.parser(__doc__ or "")
    parser.add_argument("--n", type=int, default=100_000, help="articles in the store")
    parser.add_argument("--enriched", type=int, default=500, help="newest articles enriched")
    args = parser.parse_args()
    with finescoop.unpacked(args.corpus) as (posts, tmp):
        db, holdout = build(args, tmp, posts)
        sys.stdout.flush()
        subprocess.run([sys.executable, __file__, "--live", str(db), str(holdout)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
