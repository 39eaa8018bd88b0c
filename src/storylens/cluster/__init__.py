"""Cluster: group articles into stories (events), and events into storylines, online, in
publication order.

``run_cluster`` assigns every article not yet in a story; with ``rebuild=True`` it forgets all
stories and storylines and assigns everything again from the start, deterministically (same
input, same output). Exact and near copies found by dedupe follow their canonical article's
story. Each new story joins a storyline (:mod:`storylens.cluster.storylines`).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime

from storylens.cluster.dense import Ids
from storylens.cluster.features import Counts, Vector, Vectorizer, article_terms
from storylens.cluster.online import (
    SPLIT_WINDOW,
    Decision,
    OnlineClusterer,
    split_parts,
)
from storylens.cluster.online import (
    dot as _dot,
)
from storylens.cluster.storylines import StorylineLinker
from storylens.cluster.titles import story_row
from storylens.config import Settings
from storylens.models import Article
from storylens.parallel import Mapper, parallel_map
from storylens.store import Store
from storylens.store import stories as story_table
from storylens.store import storylines as line_table
from storylens.store.articles import outlets_of
from storylens.store.duplicates import canonical_of

__all__ = ["ClusterReport", "Placed", "Row", "StoryBuilder", "cluster_store", "run_cluster"]


@dataclass(slots=True)
class ClusterReport:
    articles: int
    assigned: int
    stories: int
    new_stories: int
    seconds: float


@dataclass(slots=True)
class Placed:
    """Where a live add put its article, and every story it changed (a split changes more)."""

    member: story_table.Membership
    changed: list[str]


@dataclass(slots=True)
class Row:
    id: str
    title: str
    title_derived: bool
    outlet: str | None
    published: datetime | None
    body: str

    @classmethod
    def of(cls, article: Article) -> Row:
        return cls(
            article.id, article.title, article.title_derived, article.outlet,
            article.published, article.body,
        )  # fmt: skip


def _rows(store: Store) -> list[Row]:
    cur = store.conn.execute(
        "SELECT id, title, title_derived, outlet, published, body FROM articles"
        " ORDER BY published IS NULL, published, id"
    )
    return [
        Row(r[0], r[1], bool(r[2]), r[3], datetime.fromisoformat(r[4]) if r[4] else None, r[5])
        for r in cur
    ]


class StoryBuilder:
    """The clustering state: vectorizer, stories, and what each article was assigned.

    ``run_cluster`` drives it over the store; a long-lived process (a feed watcher, the API)
    keeps one and calls :meth:`place` for each new article, so a new article costs one
    assignment, not a rebuild.
    """

    def __init__(
        self, settings: Settings, position: int = 0, mapper: Mapper = parallel_map
    ) -> None:
        self.mapper = mapper  # computes the features (here, or on another engine)
        self.threshold = float(settings.get("cluster.threshold"))
        self.entity_weight = float(settings.get("cluster.entity_weight"))
        self.max_words = int(settings.get("cluster.max_words"))
        self.split_ratio = float(settings.get("cluster.split_ratio"))
        self.vectors: dict[str, Vector] = {}  # members' vectors, for splitting stories
        self.when: dict[str, datetime | None] = {}
        self.moved: dict[str, str] = {}  # article → story, for members moved by splits
        self.split_stories: set[str] = set()  # stories that lost members to a split
        self.clusterer = OnlineClusterer(
            self.threshold,
            float(settings.get("cluster.window_days")),
            float(settings.get("cluster.span_days")),
            float(settings.get("cluster.half_life_days")),
        )
        self.linker = StorylineLinker(
            float(settings.get("cluster.storyline_threshold")),
            float(settings.get("cluster.storyline_window_days")),
        )
        self.vectorizer = Vectorizer(self.clusterer.terms)
        self.story_of: dict[str, str] = {}
        self.title_terms: dict[str, Counts] = {}
        self.heads: dict[str, tuple[str, bool, str | None]] = {}  # id → title, derived, outlet
        self.titles: dict[str, str] = {}  # story → the article whose headline is its title
        self.line_outlets: dict[str, dict[str, None]] = {}  # storyline → its outlets, in order
        self.closed: dict[str, story_table.StoryRow] = {}  # evicted stories' final rows
        self.position = position

    def features(self, rows: list[Row]) -> Iterator[tuple[Row, Counts, Counts]]:
        work = ((r.id, r.title, r.body, self.entity_weight, self.max_words) for r in rows)
        for row, (_, counts, title_counts) in zip(
            rows, self.mapper(article_terms, work, len(rows)), strict=True
        ):
            yield row, counts, title_counts

    def terms(self, row: Row) -> tuple[Counts, Counts]:
        """One article's (title + body, title-only) feature counts, in this process."""
        _, counts, title_counts = article_terms(
            (row.id, row.title, row.body, self.entity_weight, self.max_words)
        )
        return counts, title_counts

    def _observe(self, row: Row, counts: Counts, title_counts: Counts) -> tuple[Vector, Ids]:
        self.title_terms[row.id] = title_counts
        self.heads[row.id] = (row.title, row.title_derived, row.outlet)
        vec, ids = self.vectorizer.add(counts)
        self.vectors[row.id] = vec
        self.when[row.id] = row.published
        return vec, ids

    def _joined(self, story_id: str) -> None:
        """Bookkeeping after a story grew: forget vectors no split check will read again."""
        members = self.clusterer.stories[story_id].members
        if len(members) > SPLIT_WINDOW:
            self.vectors.pop(members[-SPLIT_WINDOW - 1], None)
        expired, self.clusterer.expired = self.clusterer.expired, []
        for sid in expired:  # out of reach for new articles: no more growth, no more checks
            self._evict(sid)

    def _evict(self, story_id: str) -> None:
        """Forget what a closed story holds (its centroid, its members' headlines and terms),
        keeping its final row: a long-running process holds the open stories only."""
        story = self.clusterer.stories[story_id]
        for article_id in story.members[-SPLIT_WINDOW:]:
            self.vectors.pop(article_id, None)
        self.closed[story_id] = self.story_row(story_id)
        for article_id in story.members:
            self.heads.pop(article_id, None)
            self.title_terms.pop(article_id, None)
            self.when.pop(article_id, None)
        self.titles.pop(story_id, None)
        story.centroid, story.arrays = {}, None

    def replay(
        self,
        row: Row,
        counts: Counts,
        title_counts: Counts,
        story_id: str,
        storyline: line_table.EventLink | None = None,
        decision: str | None = None,
    ) -> None:
        """Restore a stored assignment: same state as when it was made, no new decision
        (``storyline``: the story's stored storyline, restored the first time it is seen).

        ``decision`` (the stored one) says what the placement did to the clock: a ``new`` or
        ``joined`` article was scored (the stories that had closed by its date were taken out
        of reach then, and are evicted here at the same point, so a replay holds the open
        stories only, as the process that placed them did); a ``new`` one also linked a
        storyline (closing the storylines past their window)."""
        if decision in ("new", "joined"):
            self.clusterer.expire(row.published)
        if decision == "new":
            self.linker.expire(row.published)
        vec, _ = self._observe(row, counts, title_counts)
        self.closed.pop(story_id, None)  # (a stored assignment made by other rules reopens it)
        self.clusterer.add(story_id, row.id, vec, row.published)
        self.story_of[row.id] = story_id
        linker = self.linker
        if storyline is not None and story_id not in linker.line_of:
            linker.restore(story_id, storyline.storyline_id, storyline.score, storyline.decision)
        self._outlet_of_line(linker.follow(story_id, row.id, vec, row.published), row)
        story = self.clusterer.stories[story_id]
        if story.split_due():  # checked when it was assigned: the stored stories say how
            story.checked = len(story.members)
        self._joined(story_id)

    def place(
        self, row: Row, counts: Counts, title_counts: Counts, canonical: str | None
    ) -> story_table.Membership:
        """Assign a new article: a copy follows its canonical article (when that story is
        still open at the copy's date: a copy published weeks later is scored like any
        report), others are scored.

        A story that has grown enough since its last check is then checked for a split; the
        members that moved are collected in :attr:`moved` (the new article may be one)."""
        vec, ids = self._observe(row, counts, title_counts)
        followed = self.story_of.get(canonical) if canonical is not None else None
        if followed in self.closed:
            followed = None  # closed: an undated copy too is scored like any report
        if followed is not None and self.clusterer.live(
            self.clusterer.stories[followed], row.published
        ):
            decision = Decision(followed, 1.0, None, None, new=False)
            self.clusterer.add(decision.story_id, row.id, vec, row.published)
            kind = "copy"
        else:
            decision = self.clusterer.assign(row.id, vec, row.published, ids)
            kind = "new" if decision.new else "joined"
        self.story_of[row.id] = decision.story_id
        if decision.new:
            line = self.linker.link(decision.story_id, row.id, vec, row.published).storyline_id
        else:
            line = self.linker.follow(decision.story_id, row.id, vec, row.published)
        self._outlet_of_line(line, row)
        self._joined(decision.story_id)
        self.position += 1
        member = story_table.Membership(
            row.id, decision.story_id, self.position - 1, round(decision.score, 4),
            decision.runner_up,
            None if decision.runner_up_score is None else round(decision.runner_up_score, 4),
            self.threshold, kind,
        )  # fmt: skip
        if self.split_ratio > 0 and self.clusterer.stories[decision.story_id].split_due():
            self.split(decision.story_id)
            member.story_id = self.story_of[row.id]
        return member

    def split(self, story_id: str) -> dict[str, str]:
        """Split a story whose newest members form separate groups (two events of the same
        kind merged early); returns article → story for the members that moved.

        The check reads the newest ``SPLIT_WINDOW`` members. The part holding the story's
        first member keeps the story id (and the members older than the window, when the
        first member is not in it: then the part closest to those older members keeps it)."""
        story = self.clusterer.stories[story_id]
        story.checked = len(story.members)
        window = [m for m in story.members[-SPLIT_WINDOW:] if m in self.vectors]
        parts = split_parts(window, self.vectors, self.split_ratio)
        if len(parts) == 1:
            return {}
        first = story.members[0]
        keeper = next((p for p in parts if first in p), None)
        if keeper is None:
            rest = dict(story.centroid)
            for article_id in window:
                for t, w in self.vectors[article_id].items():
                    rest[t] = rest.get(t, 0.0) - w
            keeper = max(parts, key=lambda p: sum(_dot(self.vectors[a], rest) for a in p) / len(p))
        leaving = [p for p in parts if p is not keeper]
        moved = self.clusterer.split_off(story_id, leaving, self.vectors, self.when)
        for new_id in dict.fromkeys(moved.values()):
            self.linker.moved(story_id, new_id)
        self.story_of.update(moved)
        self.moved.update(moved)
        self.split_stories.add(story_id)
        self.titles.pop(story_id, None)
        return moved

    def add(self, store: Store, article: Article, canonical: str | None) -> Placed:
        """Place one new stored article and write what changed (its membership, the stories
        it and any split touched, their storylines), inside the caller's transaction."""
        conn = store.conn
        row = Row.of(article)
        counts, title_counts = self.terms(row)
        member = self.place(row, counts, title_counts, canonical)
        moved, split = self.take_moved()  # a story that grew by half may have split
        changed = sorted(split | set(moved.values()) | {member.story_id})
        # titles chosen among all members, as a batch run does (a few headlines' terms each)
        story_table.save_stories(conn, [self.story_row(sid) for sid in changed])
        if row.id in moved:
            member.decision = "split"
        story_table.save_members(conn, [member])
        story_table.move_members(conn, {a: s for a, s in moved.items() if a != row.id})
        if split:
            story_table.prune(conn)
        line_table.save(conn, *self.storyline_rows(changed))
        if split:
            line_table.prune(conn)
        return Placed(member, changed)

    def renamed(self, store: Store, article_ids: list[str]) -> list[str]:
        """Stored articles took a new outlet name: their stories and storylines say so (in
        the caller's transaction). Returns those stories."""
        conn = store.conn
        for article_id, new in outlets_of(conn, article_ids).items():
            head = self.heads.get(article_id)
            if head is not None:
                self.heads[article_id] = (head[0], head[1], new)
        touched = sorted({s for a in article_ids if (s := self.story_of.get(a))})
        for story_id in touched:
            closed = self.closed.get(story_id)
            if closed is not None:
                members = self.clusterer.stories[story_id].members
                known = outlets_of(conn, members)
                closed.outlets = list(dict.fromkeys(o for m in members if (o := known.get(m))))
        for line_id in {self.linker.line_of[s] for s in touched if s in self.linker.line_of}:
            events = list(dict.fromkeys(self.linker.lines[line_id].events))
            self.line_outlets[line_id] = dict.fromkeys(story_table.outlets_seen(conn, events))
        story_table.save_stories(conn, [self.story_row(sid) for sid in touched])
        line_table.save(conn, *self.storyline_rows(touched))
        return touched

    def take_moved(self) -> tuple[dict[str, str], set[str]]:
        """The members moved by splits since the last call (article → story) and the stories
        they left; both are then forgotten."""
        moved, split = self.moved, self.split_stories
        self.moved, self.split_stories = {}, set()
        return moved, split

    def story_row(self, story_id: str, newcomer: str | None = None) -> story_table.StoryRow:
        """The story's row. With ``newcomer`` (a live add), the title is chosen between the
        current title's article and the newcomer, not from every member again."""
        if story_id in self.closed:
            return self.closed[story_id]
        known = self.titles.get(story_id)
        pool = [known, newcomer] if newcomer and known else None
        row, best = story_row(self.clusterer, story_id, self.heads, self.title_terms, pool)
        self.titles[story_id] = best
        return row

    def _outlet_of_line(self, line_id: str, row: Row) -> None:
        outlets = self.line_outlets.setdefault(line_id, {})
        if row.outlet:
            outlets.setdefault(row.outlet, None)

    def storyline_rows(
        self, story_ids: set[str] | list[str]
    ) -> tuple[list[line_table.StorylineRow], list[line_table.EventLink]]:
        """The rows of the storylines of ``story_ids`` and those stories' links to them.

        A storyline's title is the title of its largest event (the earliest of equals)."""
        stories, linker = self.clusterer.stories, self.linker
        links = [
            line_table.EventLink(sid, linker.line_of[sid], round(link.score, 4), link.decision)
            for sid in sorted(story_ids)
            if sid in linker.line_of and (link := linker.links[sid])
        ]
        rows = []
        for line_id in sorted({link.storyline_id for link in links}):
            line = linker.lines[line_id]
            events = [
                e for e in dict.fromkeys(line.events) if stories.get(e) and stories[e].members
            ]
            if not events:
                continue
            sizes = {e: len(stories[e].members) for e in events}
            firsts = [d for e in events if (d := stories[e].first_seen) is not None]
            lasts = [d for e in events if (d := stories[e].last_seen) is not None]
            biggest = min(events, key=lambda e: (-sizes[e], stories[e].first_seen is None,
                                                 stories[e].first_seen or 0, e))  # fmt: skip
            title = self.titles.get(biggest)
            title_text = (
                self.heads[title][0] if title in self.heads else self.story_row(biggest).title
            )
            outlets = list(self.line_outlets.get(line_id, ()))
            rows.append(
                line_table.StorylineRow(
                    id=line_id,
                    title=title_text,
                    first_seen=min(firsts).isoformat() if firsts else None,
                    last_seen=max(lasts).isoformat() if lasts else None,
                    events=len(events),
                    size=sum(sizes.values()),
                    outlets=outlets,
                    terms=linker.top_terms(line_id),
                )
            )
        return rows, links


def run_cluster(
    store: Store, settings: Settings, *, rebuild: bool = False, mapper: Mapper = parallel_map
) -> ClusterReport:
    """Assign every article not yet in a story (all of them with ``rebuild``)."""
    return cluster_store(store, settings, rebuild=rebuild, mapper=mapper)[0]


def cluster_store(
    store: Store,
    settings: Settings,
    *,
    rebuild: bool = False,
    transaction: bool = True,
    mapper: Mapper = parallel_map,
) -> tuple[ClusterReport, StoryBuilder]:
    """:func:`run_cluster`, also returning the builder, ready to place further articles
    (``transaction=False``: written inside the caller's open transaction)."""
    started = time.perf_counter()
    conn = store.conn
    if rebuild:
        with store.transaction():
            story_table.clear(conn)
            line_table.clear(conn)
    builder = StoryBuilder(settings, story_table.positions(conn), mapper)
    rows = _rows(store)
    canonical = canonical_of(conn)
    known = {
        r[0]: (r[1], r[2])
        for r in conn.execute("SELECT article_id, story_id, decision FROM story_members")
    }
    lines = line_table.links(conn)
    members: list[story_table.Membership] = []
    with _collector_paused():
        for row, counts, title_counts in builder.features(rows):
            if row.id in known:
                story_id, decision = known[row.id]
                builder.replay(row, counts, title_counts, story_id, lines.get(story_id), decision)
            else:
                members.append(builder.place(row, counts, title_counts, canonical.get(row.id)))
    moved, split = builder.take_moved()
    members = [
        replace(m, story_id=moved[m.article_id], decision="split") if m.article_id in moved else m
        for m in members
    ]
    placed = {m.article_id for m in members}
    earlier = {a: s for a, s in moved.items() if a not in placed}
    touched = sorted({m.story_id for m in members} | set(moved.values()) | split)
    stories = [builder.story_row(sid) for sid in touched]
    unlinked = {s for s in builder.clusterer.stories if s not in lines}  # e.g. an older store
    storylines, event_links = builder.storyline_rows(set(touched) | unlinked)
    with store.transaction() if transaction else nullcontext():
        story_table.save_stories(conn, stories)
        story_table.save_members(conn, members)
        story_table.move_members(conn, earlier)
        story_table.prune(conn)
        line_table.save(conn, storylines, event_links)
        line_table.prune(conn)
    report = ClusterReport(
        len(rows),
        len(members),
        len(builder.clusterer.stories),
        sum(m.decision == "new" for m in members),
        time.perf_counter() - started,
    )
    return report, builder


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the loop over the articles: the loop keeps
    hundreds of thousands of small dicts alive (vectors, centroids, counts), every full
    collection walks them all, and they hold no reference cycles (reference counting frees
    them). 9% of the cluster stage's time on finescoop."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
