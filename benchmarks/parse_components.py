"""Where the spaCy parse of a live add goes: each pipeline component's cost per article.

Ingests every ``--step``-th of the first ``--articles`` finescoop posts, then prints, one
thread, the cost per article of each component run alone over the article's paragraphs, and
the p50/p95/p99 of ``nlp.pipe`` over one article's paragraphs with the whole pipeline, without the
entity recogniser and without the parser (the live add parses one article at a time):

    OPENBLAS_NUM_THREADS=1 python benchmarks/parse_components.py [--articles 2000 --step 10]
"""

from __future__ import annotations

import time

import finescoop

from storylens.enrich import nlp
from storylens.enrich.run import article_work
from storylens.pipeline import ingest
from storylens.store import Store


def main() -> None:
    p = finescoop.parser(__doc__ or "")
    p.add_argument("--articles", type=int, default=2000)
    p.add_argument("--step", type=int, default=10)
    args = p.parse_args()
    settings = finescoop.settings()
    with finescoop.unpacked(args.corpus) as (posts, tmp):
        files = sorted(posts.iterdir())[: args.articles : args.step]
        with Store(tmp / "parse.db") as store:
            ingest(store, [str(f) for f in files], settings)
            ids = [r[0] for r in store.conn.execute("SELECT id FROM articles ORDER BY id")]
            work = article_work(store, ids, int(settings.get("enrich.max_chars")))
    articles = [[text for _, text in paragraphs] for _, _, paragraphs in work]
    words = sum(len(t.split()) for a in articles for t in a) / len(articles)
    print(f"{len(articles)} articles, {words:.0f} words each on average")
    model = nlp.load(str(settings.get("enrich.model")))
    docs = [model.make_doc(t) for a in articles for t in a]
    for name, component in model.pipeline:
        started = time.perf_counter()
        docs = [component(d) for d in docs]
        print(f"  {name:16} {(time.perf_counter() - started) / len(articles) * 1000:6.1f} ms")
    # the tagger and the parser listen to tok2vec, and the lemmatizer needs the tags
    for left_out in [[], ["ner"], ["parser"]]:
        costs = []
        with model.select_pipes(disable=left_out):
            for paragraphs in articles:
                started = time.perf_counter()
                list(model.pipe(paragraphs, batch_size=64))
                costs.append((time.perf_counter() - started) * 1000)
        label = f"without {left_out[0]}" if left_out else "whole pipeline"
        print(f"nlp.pipe, {label:26} {finescoop.pct(costs)}")


if __name__ == "__main__":
    main()
