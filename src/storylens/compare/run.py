"""The compare stage over the store: a comparison for every story whose reports changed."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from storylens.compare.story import compare_story, compared_reports, members_hash, with_story
from storylens.models import Comparison
from storylens.store import Store, comparisons


@dataclass(slots=True)
class CompareReport:
    stories: int = 0
    computed: int = 0
    facts: int = 0
    seconds: float = 0.0


def comparison(store: Store, story_id: str) -> Comparison:
    """The comparison of a story: the stored one while it is current, else made now (not
    stored: reading never writes; ``storylens compare --all`` stores them)."""
    from storylens.store.stories import get_story

    story = get_story(store.conn, story_id)
    if story is not None:
        stored = comparisons.current(store.conn, story.id, members_hash(store.conn, story.id))
        if stored is not None:
            return with_story(stored, story)
    return compare_story(store.conn, story_id)


def run_compare(
    store: Store, progress: Callable[[int, int], None] | None = None, min_size: int = 2
) -> CompareReport:
    """Compare every story of ``min_size`` reports or more whose stored comparison is stale."""
    started = time.perf_counter()
    report = CompareReport()
    ids = comparisons.stale(store.conn, min_size)
    report.stories = len(ids)
    for n, story_id in enumerate(ids, 1):
        key = members_hash(store.conn, story_id)
        if not comparisons.is_current(store.conn, story_id, key):
            data = compare_story(store.conn, story_id)
            with store.transaction() as conn:
                comparisons.save(conn, story_id, key, data)
            report.computed += 1
            report.facts += len(data.facts)
        if progress:
            progress(n, len(ids))
    report.seconds = time.perf_counter() - started
    return report


LIVE_MAX_REPORTS = 8  # a live add re-compares a story of up to this many compared reports


@dataclass(slots=True)
class Changed:
    """What :func:`compare_changed` did: comparisons computed, and stories left behind."""

    computed: int = 0
    deferred: list[str] = field(default_factory=list)


def compare_changed(
    store: Store,
    story_ids: list[str],
    min_size: int = 2,
    renamed: frozenset[str] = frozenset(),
    max_reports: int | None = None,
) -> Changed:
    """Bring the stored comparisons of ``story_ids`` up to date (a live add: the story it
    joined, and any a split changed), inside the caller's transaction. The same stories as
    ``run_compare`` would pick: ``min_size`` reports or more, some enriched. Stories in
    ``renamed`` (an outlet of theirs took a new name) are compared again even when their
    reports did not change.

    A comparison's cost grows with the square of its reports' sentences (a 40-report story:
    over a second): with ``max_reports``, a story whose comparison would be made from more
    reports than that is not compared here but returned in ``deferred`` (its stored
    comparison stays stale, so reading it compares it afresh, never an outdated one, until
    :func:`compare_changed` without ``max_reports`` or ``storylens compare --all`` stores
    it)."""
    conn = store.conn
    due = set(comparisons.stale(conn, min_size, story_ids))
    done = Changed()
    for story_id in story_ids:
        if story_id not in due:
            continue
        reports = compared_reports(conn, story_id)
        key = members_hash(conn, story_id, reports)
        if story_id in renamed or not comparisons.is_current(conn, story_id, key):
            if max_reports is not None and len(reports) > max_reports:
                if story_id in renamed:  # current by its hash, but names an outlet wrongly
                    comparisons.drop(conn, story_id)
                done.deferred.append(story_id)
                continue
            comparisons.save(conn, story_id, key, compare_story(conn, story_id))
            done.computed += 1
    return done
