"""Enrichment throughput on finescoop posts, against spaCy's own ``nlp.pipe`` on the same texts.

Ingests the first ``--articles`` posts (by file name) into a temporary store, then times, in
one run and on exactly the paragraphs the enrich stage reads:

- baseline: ``nlp.pipe(texts, n_process=2)`` with every doc consumed (spaCy alone, no output);
- storylens: ``run_enrich`` with ``enrich.n_process=2`` (parse, entities, quotes, claims,
  and every write to the store);
- the baseline again, so drift on a noisy machine shows.

It prints words per second for each, the ratio storylens / baseline (target: within 1.3x), what
was found, and peak RSS of this process and of its largest worker.

    python benchmarks/enrich_finescoop.py [--corpus …/posts.tar.gz] [--articles 600]
"""

from __future__ import annotations

import resource
import sys
import time

import finescoop

from storylens.enrich import nlp
from storylens.enrich.run import article_work, run_enrich
from storylens.pipeline import ingest
from storylens.store import Store


def baseline(texts: list[str], model: str, n_process: int) -> float:
    started = time.perf_counter()
    for _ in nlp.load(model).pipe(texts, n_process=n_process, batch_size=64):
        pass
    return time.perf_counter() - started


def main() -> None:
    p = finescoop.parser(__doc__ or "")
    p.add_argument("--articles", type=int, default=600, help="posts to enrich")
    p.add_argument("--n-process", type=int, default=2)
    args = p.parse_args()
    settings = finescoop.settings(**{"enrich.n_process": args.n_process})
    model = str(settings.get("enrich.model"))
    with finescoop.unpacked(args.corpus) as (posts, tmp):
        files = sorted(posts.iterdir())[: args.articles]
        with Store(tmp / "enrich.db") as store:
            ingest(store, [str(f) for f in files], settings)
            ids = [r[0] for r in store.conn.execute("SELECT id FROM articles ORDER BY id")]
            work = article_work(store, ids, int(settings.get("enrich.max_chars")))
            texts = [t for _, _, paragraphs in work for _, t in paragraphs]
            words = sum(len(t.split()) for t in texts)
            print(f"{len(ids)} articles, {len(texts)} paragraphs, {words:,} words")
            nlp.load(model)  # loading is not timed on either side
            first = baseline(texts, model, args.n_process)
            print(f"baseline nlp.pipe(n_process={args.n_process}): {first:.1f}s "
                  f"({words / first:,.0f} words/s)")  # fmt: skip
            report = run_enrich(store, settings)
            print(f"storylens enrich (n_process={args.n_process}): {report.seconds:.1f}s "
                  f"({words / report.seconds:,.0f} words/s)")  # fmt: skip
            second = baseline(texts, model, args.n_process)
            print(f"baseline again: {second:.1f}s ({words / second:,.0f} words/s)")
            mean = (first + second) / 2
            print(
                f"ratio storylens / baseline: {report.seconds / mean:.2f}x "
                f"(against each: {report.seconds / first:.2f}x, {report.seconds / second:.2f}x)"
            )
            print(
                f"found: {report.sentences:,} sentences, {report.mentions:,} mentions, "
                f"{report.entities:,} entities, {report.quotes:,} quotes, {report.claims:,} claims"
            )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: {own:.0f} MB main process, {kids:.0f} MB largest worker")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
