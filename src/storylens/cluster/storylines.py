"""Storylines: events (stories) linked over days to months by shared names and subject.

An event is one happening, tight in time (:mod:`storylens.cluster.online`). A storyline links
the events of one developing subject: a strike from walkout to deal, a month of protests. It
is built online beside the events, one decision per event: when an article starts a new
event, that event joins the live storyline whose centroid is most like the article (cosine at
least ``cluster.storyline_threshold``) or starts a storyline of its own; every article that
joins an event then adds its vector to the event's storyline. A storyline is live for an event
starting within ``cluster.storyline_window_days`` of the storyline's last report; there is no
cap on its span. Names (``E:`` features) count ``NAME_BOOST`` times in a
storyline's centroid and query, since shared people, places and organisations are what tie
the events of a storyline together when their words differ (a walkout, a rally, a deal).

A storyline's id is ``l`` + the first 15 characters of its first article's id. Undated events
and storylines are always live, as for events.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from storylens.cluster.features import Vector
from storylens.cluster.online import dot, heaviest

CENTROID_TERMS = 400  # terms kept per storyline centroid
INDEX_TERMS = 40  # of those, terms a storyline is findable by
QUERY_TERMS = 25  # an event's heaviest terms used to find candidates
SHORTLIST = 6  # candidates scored exactly
REINDEX = 8  # a storyline's index entries are refreshed at its first 8 reports, then every 8th
NAME_BOOST = 2.0  # names weigh this much more than words in a storyline's similarity
LINE_TERMS = 60  # an article's heaviest terms that count in its storyline


def names_boosted(vec: Vector) -> Vector:
    """The vector's heaviest ``LINE_TERMS`` terms, names weighted up, of unit length (what a
    storyline compares and adds up: its subject, at a fraction of the cost of every word)."""
    boosted = {t: w * NAME_BOOST if t.startswith("E:") else w for t, w in vec.items()}
    out = dict(heaviest(boosted, LINE_TERMS))
    norm = math.sqrt(sum(w * w for w in out.values())) or 1.0
    return {t: w / norm for t, w in out.items()}


@dataclass(slots=True)
class Storyline:
    id: str
    centroid: Vector = field(default_factory=dict)
    norm: float = 0.0
    events: list[str] = field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    indexed: set[str] = field(default_factory=set)
    grows: int = 0  # reports added
    closed_terms: list[str] | None = None  # its top terms when it closed (centroid dropped)


@dataclass(slots=True)
class Link:
    storyline_id: str
    score: float
    decision: str  # new | linked


class StorylineLinker:
    """The storylines of a stream of events, kept current one article at a time."""

    def __init__(self, threshold: float, window_days: float) -> None:
        self.threshold = threshold
        self.window = window_days
        self.lines: dict[str, Storyline] = {}
        self.line_of: dict[str, str] = {}  # event → storyline
        self.links: dict[str, Link] = {}  # event → how it joined its storyline
        self.index: dict[str, set[str]] = defaultdict(set)
        self.expiry: list[tuple[datetime, str]] = []  # (last seen, storyline): a heap
        self.latest: datetime | None = None

    def _live(self, line: Storyline, when: datetime | None) -> bool:
        if when is None or line.last_seen is None:
            return True
        return abs((when - line.last_seen).total_seconds()) <= self.window * 86400

    def expire(self, when: datetime | None) -> None:
        if when is None:
            return
        if self.latest is None or when > self.latest:
            self.latest = when
        horizon = self.latest - timedelta(days=self.window)
        while self.expiry and self.expiry[0][0] < horizon:
            seen, line_id = heapq.heappop(self.expiry)
            line = self.lines[line_id]
            if line.last_seen != seen:
                continue
            for term in line.indexed:
                self.index[term].discard(line_id)
            line.indexed = set()
            # closed: keep its top terms, drop the centroid (a process holds open ones only)
            line.closed_terms = self.top_terms(line_id)
            line.centroid = {}

    def _score(self, vec: Vector, line: Storyline) -> float:
        if line.norm < 0:
            line.norm = math.sqrt(sum(v * v for v in line.centroid.values()))
        if not line.norm:
            return 0.0
        return dot(vec, line.centroid) / line.norm

    def link(self, event_id: str, article_id: str, vec: Vector, when: datetime | None) -> Link:
        """Place a new event (started by ``article_id`` with ``vec``) in a storyline."""
        self.expire(when)
        query = names_boosted(vec)
        top = heaviest(query, QUERY_TERMS)
        overlap: dict[str, float] = defaultdict(float)
        for term, weight in top:
            for line_id in self.index.get(term, ()):
                overlap[line_id] += weight
        shortlist = heapq.nlargest(SHORTLIST, overlap.items(), key=lambda kv: (kv[1], kv[0]))
        scored = sorted(
            (
                (self._score(query, line), lid)
                for lid, _ in shortlist
                if self._live(line := self.lines[lid], when)
            ),
            key=lambda s: (-s[0], s[1]),
        )
        if scored and scored[0][0] >= self.threshold:
            found = Link(scored[0][1], scored[0][0], "linked")
        else:
            found = Link("l" + article_id[:15], 0.0, "new")
            while found.storyline_id in self.lines and self.lines[found.storyline_id].events:
                found.storyline_id += "'"
        self.line_of[event_id] = found.storyline_id
        self.links[event_id] = found
        line = self.lines.setdefault(found.storyline_id, Storyline(found.storyline_id))
        line.events.append(event_id)
        self._grow(line, query, when)
        return found

    def restore(self, event_id: str, line_id: str, score: float, decision: str) -> None:
        """Put an event back in the storyline a stored decision gave it (no new decision)."""
        self.line_of[event_id] = line_id
        self.links[event_id] = Link(line_id, score, decision)
        self.lines.setdefault(line_id, Storyline(line_id)).events.append(event_id)

    def follow(self, event_id: str, article_id: str, vec: Vector, when: datetime | None) -> str:
        """An article joined an event: its storyline grows by it (an event not yet in a
        storyline, e.g. one replayed from an older store, is linked now)."""
        line_id = self.line_of.get(event_id)
        if line_id is None:
            return self.link(event_id, article_id, vec, when).storyline_id
        self._grow(self.lines[line_id], names_boosted(vec), when)
        return line_id

    def moved(self, old_event: str, new_event: str) -> None:
        """A split made ``new_event`` out of members of ``old_event``: it stays in the same
        storyline (the two were alike enough to be merged once)."""
        line_id = self.line_of[old_event]
        self.line_of[new_event] = line_id
        self.links[new_event] = Link(line_id, self.links[old_event].score, "split")
        self.lines[line_id].events.append(new_event)

    def _grow(self, line: Storyline, vec: Vector, when: datetime | None) -> None:
        """Add a report's vector to the storyline. The centroid is trimmed to its heaviest
        ``CENTROID_TERMS`` when it holds twice that many, and the index is brought up to date
        at each of the first ``REINDEX`` reports and every ``REINDEX``-th after (a storyline is
        looked up once per new event, not per report: this keeps a report's cost small)."""
        centroid = line.centroid
        if line.closed_terms is None:  # a closed storyline's terms stay as they closed
            get = centroid.get
            for t, w in vec.items():
                centroid[t] = get(t, 0.0) + w
        if len(centroid) > 2 * CENTROID_TERMS:
            line.centroid = dict(heaviest(centroid, CENTROID_TERMS))
        line.norm = -1.0  # computed when next scored
        line.grows += 1
        if when is not None:
            if line.first_seen is None or when < line.first_seen:
                line.first_seen = when
            if line.last_seen is None or when > line.last_seen:
                line.last_seen = when
                heapq.heappush(self.expiry, (when, line.id))
        if line.grows > REINDEX and line.grows % REINDEX:
            return
        top = {t for t, _ in heaviest(line.centroid, INDEX_TERMS)}
        if (
            line.last_seen is not None
            and self.latest is not None
            and not self._live(line, self.latest)
        ):
            top = set()  # closed: not findable (a late report grew it)
        for term in line.indexed - top:
            self.index[term].discard(line.id)
        for term in top - line.indexed:
            self.index[term].add(line.id)
        line.indexed = top

    def top_terms(self, line_id: str, n: int = 8) -> list[str]:
        line = self.lines[line_id]
        if line.closed_terms is not None:
            return line.closed_terms[:n]
        centroid = line.centroid
        words = {t: w for t, w in centroid.items() if not t.startswith(("E:", "#"))}
        return [t for t, _ in heaviest(words, n)]
