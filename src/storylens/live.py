"""The pipeline one article at a time: what a feed watcher or the API runs for each new report.

:class:`LivePipeline` takes the stages in the order :data:`storylens.pipeline.STAGES` declares
and hands each article to the stages' own live objects: the store (``write_article``),
:class:`~storylens.dedupe.LiveDedupe` (against the near-duplicate index kept in the store),
:class:`~storylens.cluster.StoryBuilder` (the open stories, in memory; closed ones evicted),
:class:`~storylens.enrich.run.Enricher` and :func:`~storylens.compare.run.compare_changed`
(only the stories the article changed; a story compared on more than ``compare_max`` reports
is deferred to :meth:`LivePipeline.compare_deferred`). The slow part, parsing, runs before the write
transaction; everything one article changes is then written in **one** transaction, so a
killed process leaves each article whole or absent.

Added in publication order, articles come out exactly as a batch :func:`~storylens.pipeline.run`
over the same articles makes them (stories, storylines, duplicates, enrichment, comparisons,
once the deferred ones are compared; a stored comparison's heading is the story's when it was
made, and is read from the story): ``tests/test_live.py`` checks it.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from storylens.config import Settings
from storylens.ingest.sources import Source
from storylens.models import Article, Enrichment, Problem
from storylens.pipeline import STAGES, IngestReport, check_order, run
from storylens.store import Store
from storylens.store.articles import get_article, learned_hosts, relabel_one, write_article
from storylens.store.stories import get_story

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


@dataclass(slots=True)
class Added:
    """What one :meth:`LivePipeline.add` did."""

    outcome: str  # added | updated | unchanged | duplicate
    article: str
    story: str | None = None
    decision: str | None = None  # new | joined | copy | split (added articles)
    score: float | None = None
    duplicate_of: str | None = None  # the canonical article of a near or wire copy
    changed: tuple[str, ...] = ()  # stories written (the article's, and any a split changed)
    enriched: bool = False
    compared: int = 0  # comparisons computed
    deferred: int = 0  # stories too large to re-compare in the add (see compare_deferred)
    ms: float = 0.0  # the whole add
    parse_ms: float = 0.0  # of which parsing (spaCy), before the transaction

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}


class LivePipeline:
    """Every stage, one article at a time, over a store that stays consistent.

    Opening it brings what is stored up to date with the batch stages (new articles ingested
    by other means are deduped, placed, enriched and compared) and replays the stored stories
    into memory once; closed stories are evicted as time moves on, so memory holds the open
    stories only. ``enrich=False`` leaves enrich and compare to a later batch run;
    ``catch_up=False`` does not enrich and compare what was stored before (a server starting on
    a big store answers at once; ``storylens run`` does that work).
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        enrich: bool = True,
        catch_up: bool = True,
        compare_max: int | None = None,
    ) -> None:
        from storylens.cluster import cluster_store
        from storylens.compare.run import LIVE_MAX_REPORTS
        from storylens.dedupe import LiveDedupe

        check_order()
        self.store, self.settings = store, settings
        self.stages = [s.name for s in STAGES if enrich or s.name not in {"enrich", "compare"}]
        unsigned = store.conn.execute(
            "SELECT 1 FROM articles WHERE id NOT IN (SELECT article_id FROM minhashes) LIMIT 1"
        ).fetchone()
        if unsigned:  # articles stored by another command: the batch stage links them first
            run(store, [], settings, until="dedupe")
        self.dedupe = LiveDedupe(settings)
        self.stories = cluster_store(store, settings)[1]  # replays, places what is unplaced
        self.lock = threading.RLock()  # one add at a time (the API's and watch's threads)
        self.reloads = 0
        # an add re-compares a story made from up to this many reports; larger ones wait for
        # compare_deferred (after a watch round, at close): their cost grows with the square
        self.compare_max = LIVE_MAX_REPORTS if compare_max is None else compare_max
        self.deferred: dict[str, None] = {}
        self.enricher: Any = None
        if enrich:
            from storylens.enrich.run import Enricher

            self.enricher = Enricher(settings)
            for s in STAGES[3:] if catch_up else ():  # enrich and compare what is not yet
                assert s.run is not None
                s.run(store, settings, False, None)
        # checkpoints in a thread of their own, not inside whichever add's commit fills the log
        self.checkpoints = store.background_checkpoints()

    def compare_deferred(self) -> int:
        """Compare and store the stories the adds since the last call left behind (too large
        to compare in an add), one transaction each; return how many were computed. ``watch``
        calls it when a round of polls is done, :meth:`close` at the end."""
        from storylens.compare.run import compare_changed

        computed = 0
        while self.deferred:
            with self.lock:
                if not self.deferred:
                    break
                story_id = next(iter(self.deferred))
                with self.store.transaction():
                    if get_story(self.store.conn, story_id) is not None:
                        computed += compare_changed(self.store, [story_id]).computed
                    self.deferred.pop(story_id, None)
        return computed

    def close(self) -> None:
        """Compare the stories left behind, stop the background checkpoints (the store stays
        open)."""
        if self.enricher is not None:
            self.compare_deferred()
        if self.checkpoints is not None:
            self.checkpoints.stop()
            self.checkpoints = None

    def __enter__(self) -> LivePipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _parse(self, article: Article) -> list[tuple[Enrichment, str]] | None:
        """The article's parse when it is new or changed (before any lock is taken)."""
        if self.enricher is None:
            return None
        row = self.store.conn.execute(
            "SELECT content_hash FROM articles WHERE id = ?", (article.id,)
        ).fetchone()
        if row is not None and row[0] == article.content_hash:
            return None
        twin = self.store.conn.execute(
            "SELECT 1 FROM articles WHERE content_hash = ? LIMIT 1", (article.content_hash,)
        ).fetchone()
        if twin is not None:
            return None  # an exact copy: a sighting only
        parsed: list[tuple[Enrichment, str]] = self.enricher.parse([article])
        return parsed

    def add(
        self,
        article: Article,
        run_id: int | None = None,
        also: Callable[[sqlite3.Connection], object] | None = None,
    ) -> Added:
        """Store, dedupe, place, enrich one cleaned article and re-compare the stories it
        changed, in one transaction; say what happened. ``also`` runs inside the same
        transaction (``watch`` records what it has seen that way)."""

        with self.lock:
            return self._add(article, run_id, also)

    def _add(
        self,
        article: Article,
        run_id: int | None,
        also: Callable[[sqlite3.Connection], object] | None,
    ) -> Added:
        from storylens.cluster import cluster_store
        from storylens.compare.run import compare_changed
        from storylens.store.duplicates import canonical
        from storylens.store.stories import positions

        started = time.perf_counter()
        parsed = self._parse(article)
        parse_ms = (time.perf_counter() - started) * 1000
        conn = self.store.conn
        relabelled: list[str] = []
        with self.store.transaction():
            if positions(conn) != self.stories.position:
                # another process placed articles since (a batch run, another server worker):
                # the stories in memory are behind the store; replay them (under the lock)
                self.stories = cluster_store(self.store, self.settings, transaction=False)[1]
                self.reloads += 1
            hosts = learned_hosts(conn)
            result = write_article(conn, article, run_id)
            done = Added(result.outcome, result.article_id)
            if result.outcome == "added":
                renamed = relabel_one(
                    conn, article.id, hosts
                )  # outlets named by what others taught
                if article.id in renamed:
                    article = get_article(conn, article.id) or article
                elif renamed:  # it taught a host's name: earlier reports of that host take it
                    relabelled = self.stories.renamed(self.store, renamed)
                dup = self.dedupe.add(self.store, article.id, article.outlet, article.body)
                placed = self.stories.add(self.store, article, canonical(conn, article.id))
                member = placed.member
                done.story, done.decision, done.score = (
                    member.story_id,
                    member.decision,
                    member.score,
                )
                done.duplicate_of = dup.canonical_id if dup else None
                done.changed = tuple(dict.fromkeys([*placed.changed, *relabelled]))
            else:
                done.story = self.stories.story_of.get(result.article_id)
                if result.outcome == "updated" and done.story:
                    done.changed = (done.story,)
            stored = conn.execute(
                "SELECT content_hash FROM articles WHERE id = ?", (result.article_id,)
            ).fetchone()
            if parsed and stored is not None and stored[0] == parsed[0][1]:
                folded_into = self.enricher.save(self.store, parsed)
                done.enriched = True
                # a surname folded into a full name changes the facts of those articles' stories
                done.changed = tuple(dict.fromkeys([*done.changed, *self._stories(folded_into)]))
            if self.enricher is not None and done.changed:
                changed = compare_changed(
                    self.store,
                    list(done.changed),
                    renamed=frozenset(relabelled),
                    max_reports=self.compare_max,
                )
                done.compared, done.deferred = changed.computed, len(changed.deferred)
                self.deferred.update(dict.fromkeys(changed.deferred))
                for story_id in done.changed:  # compared now: no longer behind
                    if story_id not in changed.deferred:
                        self.deferred.pop(story_id, None)
            if also is not None:
                also(conn)
        done.ms, done.parse_ms = (time.perf_counter() - started) * 1000, parse_ms
        return done

    def story_of(self, article_id: str) -> str | None:
        return self.stories.story_of.get(article_id)

    def _stories(self, article_ids: set[str]) -> list[str]:
        return sorted({s for a in article_ids if (s := self.stories.story_of.get(a))})


def ingest_live(
    pipeline: LivePipeline,
    inputs: list[str],
    settings: Settings,
    sources: list[Source | Problem] | None = None,
) -> tuple[IngestReport, list[Added]]:
    """:func:`storylens.pipeline.ingest` through the live pipeline: every article read from
    ``inputs`` (or ``sources``) goes through every stage at once. One ingest run records it."""
    from storylens.ingest import find_sources
    from storylens.pipeline import IngestReport, read_articles
    from storylens.store.problems import add_problem, clear_problems
    from storylens.store.runs import RunCounts, save_counts, start_run

    started = time.perf_counter()
    store = pipeline.store
    with store.transaction() as conn:
        run_id = start_run(conn, "ingest", inputs)
    report = IngestReport(run_id=run_id, counts=RunCounts())
    found = list(sources if sources is not None else find_sources(inputs))
    done: list[Added] = []
    status = "interrupted"
    try:
        for source, items in read_articles(found, settings):
            with store.transaction() as conn:
                clear_problems(conn, source.origin)
                for p in items:
                    if isinstance(p, Problem):
                        add_problem(conn, run_id, p)
                        report.problems.append(p)
            for item in items:
                if isinstance(item, Problem):
                    continue
                added = pipeline.add(item, run_id)
                done.append(added)
                field = "duplicates" if added.outcome == "duplicate" else added.outcome
                setattr(report.counts, field, getattr(report.counts, field) + 1)
        pipeline.compare_deferred()  # one ingest is one round: the large stories, once each
        status = "done"
    finally:
        report.counts.problems = len(report.problems)
        with store.transaction() as conn:
            save_counts(conn, run_id, report.counts, status)
    report.seconds = time.perf_counter() - started
    report.sources = len(found)
    return report, done
