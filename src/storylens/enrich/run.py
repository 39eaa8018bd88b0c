"""The enrich stage over the store: every article not yet enriched (or changed since).

spaCy parses in ``enrich.n_process`` worker processes (forked after the model is loaded here,
so each starts at once); each worker turns its parses into plain :class:`Enrichment` records,
which are much smaller to send back than spaCy docs. Writes stay in this process, one
transaction per batch, so an interrupted run keeps whole articles and a re-run completes it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from storylens.config import Settings
from storylens.enrich import nlp, places
from storylens.enrich.stage import enrich_docs
from storylens.models import Article, Enrichment
from storylens.parallel import Mapper, parallel_map
from storylens.store import Store
from storylens.store import enrich as enrich_store
from storylens.store.entities import fold_people

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# one article's work: (article id, content hash, [(paragraph index, text)])
Work = tuple[str, str, list[tuple[int, str]]]
Progress = Callable[[int, int], None]


@dataclass(slots=True)
class EnrichReport:
    articles: int = 0
    sentences: int = 0
    mentions: int = 0
    quotes: int = 0
    claims: int = 0
    entities: int = 0
    folded: int = 0
    seconds: float = 0.0


def run_enrich(
    store: Store,
    settings: Settings,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    only: list[str] | None = None,
    mapper: Mapper = parallel_map,
) -> EnrichReport:
    """Enrich what is not enriched yet (everything, with ``rebuild``); with ``only``, just those
    of the articles listed that need it. ``mapper`` parses the batches (forked processes here,
    or an engine's workers, each loading the model once); the writes stay in this process."""
    started = time.perf_counter()
    model = str(settings.get("enrich.model"))
    batch = max(1, int(settings.get("enrich.batch_size")))
    max_chars = int(settings.get("enrich.max_chars"))
    nlp.load(model)  # fail early with the install hint; forked workers inherit the model
    if rebuild:
        with store.transaction() as conn:
            enrich_store.clear(conn)
    ids = enrich_store.pending(store.conn)
    if only is not None:
        wanted = set(only)
        ids = [i for i in ids if i in wanted]
    report = EnrichReport()
    chunks = [ids[i : i + batch] for i in range(0, len(ids), batch)]
    tasks = ((model, article_work(store, chunk, max_chars)) for chunk in chunks)
    workers = int(settings.get("enrich.n_process"))
    done = 0
    setup = partial(load_models, model)
    for results in mapper(
        _enrich_task, tasks, len(chunks), workers=workers, chunk=1, min_items=2, setup=setup
    ):
        with store.transaction() as conn:
            for e, content_hash in results:
                enrich_store.save(conn, e, content_hash, model)
                _count(report, e)
        done += len(results)
        if progress:
            progress(done, len(ids))
    with store.transaction() as conn:
        report.folded = fold_people(conn)
        enrich_store.prune_entities(conn)
        report.entities = conn.execute("SELECT count(*) FROM entities").fetchone()[0]
    report.seconds = time.perf_counter() - started
    log.info("enrich: %d articles in %.1fs", report.articles, report.seconds)
    return report


def load_models(model: str) -> None:
    """What a worker loads once before it parses: the spaCy model and the place tables."""
    nlp.load(model)
    places.lookup("")


def article_work(store: Store, ids: list[str], max_chars: int) -> list[Work]:
    """What the stage parses for each stored article (see :func:`work_of`)."""
    from storylens.store.articles import get_article

    return [work_of(a, max_chars) for aid in ids if (a := get_article(store.conn, aid))]


def work_of(article: Article, max_chars: int) -> Work:
    """What the stage parses of an article: its paragraphs but captions, up to ``max_chars``
    characters."""
    texts, used = [], 0
    for i, p in enumerate(article.paragraphs):
        if p.kind == "caption" or not p.text.strip():
            continue
        if max_chars and used + len(p.text) > max_chars:
            break
        texts.append((i, p.text))
        used += len(p.text)
    return article.id, article.content_hash, texts


def _enrich_task(task: tuple[str, list[Work]]) -> list[tuple[Enrichment, str]]:
    model, work = task
    return list(enrich_many(work, model))


def enrich_many(
    work: list[Work], model: str = nlp.DEFAULT_MODEL
) -> Iterator[tuple[Enrichment, str]]:
    """Parse every paragraph of ``work`` in one ``nlp.pipe`` and enrich each article."""
    texts = [text for _, _, paragraphs in work for _, text in paragraphs]
    docs = iter(nlp.parse(texts, model))
    for aid, content_hash, paragraphs in work:
        parsed = [(i, next(docs)) for i, _ in paragraphs]
        yield enrich_docs(aid, parsed), content_hash


def _count(report: EnrichReport, e: Enrichment) -> None:
    report.articles += 1
    report.sentences += len(e.sentences)
    report.mentions += len(e.mentions)
    report.quotes += len(e.quotes)
    report.claims += len(e.claims)


class Enricher:
    """The enrich stage for one article at a time, in this process (the model loaded once).

    :meth:`parse` reads and parses outside any transaction (the slow part); :meth:`save`
    writes the result and folds the surnames it names, inside the caller's transaction."""

    def __init__(self, settings: Settings) -> None:
        self.model = str(settings.get("enrich.model"))
        self.max_chars = int(settings.get("enrich.max_chars"))
        nlp.load(self.model)
        places.lookup("")

    def parse(self, articles: list[Article]) -> list[tuple[Enrichment, str]]:
        work = [work_of(a, self.max_chars) for a in articles]
        return list(enrich_many(work, self.model))

    def save(self, store: Store, results: list[tuple[Enrichment, str]]) -> set[str]:
        """Store enrichments; return the articles whose people were folded into a full name
        (their stories' comparisons change)."""
        conn = store.conn
        for e, content_hash in results:
            enrich_store.save(conn, e, content_hash, self.model)
        names = {
            surname
            for e, _ in results
            for x in e.entities
            if (surname := enrich_store.surname(x.name, x.label))
        }
        touched: set[str] = set()
        if names:
            fold_people(conn, names, touched)
        return touched
