"""Cluster: group articles into stories, online, in publication order.

``run_cluster`` assigns every article not yet in a story; with ``rebuild=True`` it forgets all
stories and assigns everything again from the start, deterministically (same input, same
output). Exact and near copies found by dedupe follow their canonical article's story.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from storylens.cluster.features import Counts, Vectorizer, article_terms
from storylens.cluster.online import Decision, OnlineClusterer
from storylens.config import Settings
from storylens.parallel import parallel_map
from storylens.store import Store
from storylens.store import stories as story_table
from storylens.store.duplicates import canonical_of

__all__ = ["ClusterReport", "run_cluster"]


@dataclass(slots=True)
class ClusterReport:
    articles: int
    assigned: int
    stories: int
    new_stories: int
    seconds: float


@dataclass(slots=True)
class _Row:
    id: str
    title: str
    title_derived: bool
    outlet: str | None
    published: datetime | None
    body: str


def _rows(store: Store) -> list[_Row]:
    cur = store.conn.execute(
        "SELECT id, title, title_derived, outlet, published, body FROM articles"
        " ORDER BY published IS NULL, published, id"
    )
    return [
        _Row(r[0], r[1], bool(r[2]), r[3], datetime.fromisoformat(r[4]) if r[4] else None, r[5])
        for r in cur
    ]


def run_cluster(store: Store, settings: Settings, *, rebuild: bool = False) -> ClusterReport:
    started = time.perf_counter()
    threshold = float(settings.get("cluster.threshold"))
    entity_weight = float(settings.get("cluster.entity_weight"))
    clusterer = OnlineClusterer(threshold, float(settings.get("cluster.window_days")))
    vectorizer = Vectorizer()
    conn = store.conn
    rows = _rows(store)
    canonical = canonical_of(conn)
    if rebuild:
        with store.transaction():
            story_table.clear(conn)
    known = {
        r[0]: r[1]
        for r in conn.execute("SELECT article_id, story_id FROM story_members ORDER BY position")
    }
    story_of: dict[str, str] = {}
    members: list[story_table.Membership] = []
    touched: set[str] = set()
    title_terms: dict[str, Counts] = {}
    position = story_table.positions(conn)
    new_stories = 0
    work = ((r.id, r.title, r.body, entity_weight) for r in rows)
    featured = parallel_map(article_terms, work, len(rows))
    for row, (_, counts, title_counts) in zip(rows, featured, strict=True):
        vectorizer.observe(counts)
        vec = vectorizer.vector(counts)
        title_terms[row.id] = title_counts
        if row.id in known:  # replay what is stored: no decision, same state
            clusterer.add(known[row.id], row.id, vec, row.published)
            story_of[row.id] = known[row.id]
            continue
        root = canonical.get(row.id)
        if root is not None and root in story_of:
            decision = Decision(story_of[root], 1.0, None, None, new=False)
            clusterer.add(decision.story_id, row.id, vec, row.published)
            kind = "copy"
        else:
            decision = clusterer.assign(row.id, vec, row.published)
            kind = "new" if decision.new else "joined"
            new_stories += decision.new
        story_of[row.id] = decision.story_id
        touched.add(decision.story_id)
        members.append(
            story_table.Membership(
                row.id, decision.story_id, position, round(decision.score, 4),
                decision.runner_up,
                None if decision.runner_up_score is None else round(decision.runner_up_score, 4),
                threshold, kind,
            )
        )  # fmt: skip
        position += 1
    by_id = {r.id: r for r in rows}
    stories = [_story_row(clusterer, sid, by_id, title_terms) for sid in sorted(touched)]
    with store.transaction():
        story_table.save_stories(conn, stories)
        story_table.save_members(conn, members)
        story_table.prune(conn)
    return ClusterReport(
        len(rows), len(members), len(clusterer.stories), new_stories, time.perf_counter() - started
    )


def _story_row(
    clusterer: OnlineClusterer,
    story_id: str,
    by_id: dict[str, _Row],
    title_terms: dict[str, Counts],
) -> story_table.StoryRow:
    story = clusterer.stories[story_id]
    rows = [by_id[m] for m in story.members]
    titled = [r for r in rows if not r.title_derived] or rows
    centroid = story.centroid
    best = max(
        titled,
        key=lambda r: (
            sum(centroid.get(t, 0.0) for t in title_terms[r.id]) / (1 + len(title_terms[r.id])),
            r.id,
        ),
    )
    outlets = list(dict.fromkeys(r.outlet for r in rows if r.outlet))
    return story_table.StoryRow(
        id=story_id,
        title=best.title,
        first_seen=story.first_seen.isoformat() if story.first_seen else None,
        last_seen=story.last_seen.isoformat() if story.last_seen else None,
        size=len(rows),
        outlets=outlets,
        terms=clusterer.top_terms(story_id),
    )
