"""Online story assignment: each article joins the best live story or starts a new one.

A story (an *event*) keeps a centroid (the sum of its members' unit vectors, trimmed to its
heaviest terms), its first and last report times and the times of its newest members.
Candidates come from an inverted index of the stories' top terms, so the cost of one article
does not grow with the number of stories. Time is a feature: a story is live for an article
published within ``cluster.window_days`` of its last report and within ``cluster.span_days`` of
its first (so a subject covered every day cannot chain into one story for a month), and the
cosine is multiplied by ``2 ** (-max(0, gap - GRACE) / cluster.half_life_days)``, where ``gap``
is the time between the article and the story's time (the mean time of its dated reports).
Undated articles and stories are always live; their gap is taken to be ``UNDATED_GAP``.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import chain, repeat
from operator import itemgetter, mul
from typing import Any

import numpy as np

from storylens.cluster.dense import Ids, Query, Terms, Weights
from storylens.cluster.features import Vector

CENTROID_TERMS = 300  # terms kept per centroid
INDEX_TERMS = 40  # of those, terms a story is findable by
QUERY_TERMS = 25  # an article's heaviest terms used to find candidates
SHORTLIST = 6  # candidates scored exactly, best first by their overlap in the index
SPLIT_PART = 3  # least members of each half of a split story
SPLIT_MIN = 6  # a story is checked for a split from this size on
SPLIT_GROWTH = 1.5  # ... and again each time it has grown by half since its last check
SPLIT_WINDOW = 40  # the check reads the story's newest members only (its cost is quadratic)
GRACE = 0.5  # days: reports this close to a story's time are compared at face value
UNDATED_GAP = 1.0  # days: an undated report or story is taken to be this far away


_WEIGHT = itemgetter(1)


def dot(a: Vector, b: Vector) -> float:
    """The dot product of two sparse vectors, summed in the order of the smaller one's terms
    (``map`` over C functions: the same sum as a loop, at a third of the cost)."""
    small, large = (a, b) if len(a) < len(b) else (b, a)
    total: float = sum(map(mul, small.values(), map(large.get, small, repeat(0.0))))
    return total


def heaviest(vec: Vector, n: int) -> list[tuple[str, float]]:
    """The ``n`` heaviest (term, weight) pairs, heaviest first, ties in the vector's order:
    what ``heapq.nlargest`` returns, sorted in C."""
    return sorted(vec.items(), key=_WEIGHT, reverse=True)[:n]


def split_parts(members: list[str], vectors: dict[str, Vector], ratio: float) -> list[list[str]]:
    """Two events of the same kind merged into one story, told apart again.

    Spherical 2-means over the members' cosines, seeded by a spectral bisection (the sign of
    the second eigenvector of the normalised affinity matrix: the members' cosines, negatives
    cut to 0); the story splits when the mean cosine across the halves is below ``ratio``
    times the mean within them (each half at least ``SPLIT_PART`` members); each half is tried
    once more. The cosines come from one sparse matrix product (a few milliseconds for the 40
    members read).
    """
    if ratio <= 0 or len(members) < 2 * SPLIT_PART:
        return [members]
    sim = _cosines([vectors[m] for m in members])
    return [[members[i] for i in part] for part in _split(list(range(len(members))), sim, ratio, 2)]


def _cosines(vecs: list[Vector]) -> Any:
    """The matrix of dot products of unit vectors (1 on the diagonal)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    vocab: dict[str, int] = {}
    lengths = [len(vec) for vec in vecs]
    cols = np.fromiter(
        (vocab.setdefault(t, len(vocab)) for vec in vecs for t in vec), np.intp, sum(lengths)
    )
    data = np.fromiter(chain.from_iterable(vec.values() for vec in vecs), float, sum(lengths))
    rows = np.repeat(np.arange(len(vecs)), lengths)
    x = csr_matrix((data, (rows, cols)), shape=(len(vecs), max(1, len(vocab))))
    sim = np.asarray((x @ x.T).toarray(), dtype=float)
    np.fill_diagonal(sim, 1.0)
    return sim


def _split(idx: list[int], sim: Any, ratio: float, depth: int) -> list[list[int]]:
    import numpy as np

    n = len(idx)
    if depth == 0 or n < 2 * SPLIT_PART:
        return [idx]
    sub = sim[np.ix_(idx, idx)]
    # seed: the sign of the Fiedler vector of the normalised affinity (spectral bisection)
    affinity = np.clip(sub, 0.0, None)
    scale = 1.0 / np.sqrt(affinity.sum(axis=1))  # the diagonal is 1: never a zero degree
    _, vectors = np.linalg.eigh(scale[:, None] * affinity * scale[None, :])
    side = vectors[:, -2] * scale > 0
    for _ in range(10):
        if side.all() or not side.any():
            return [idx]
        new = sub[:, side].mean(axis=1) > sub[:, ~side].mean(axis=1)
        if (new == side).all():
            break
        side = new
    halves = [np.flatnonzero(~side), np.flatnonzero(side)]
    if min(len(h) for h in halves) < SPLIT_PART:
        return [idx]

    def within(h: Any) -> float:
        block = sub[np.ix_(h, h)]
        return float((block.sum() - np.trace(block)) / (len(h) * (len(h) - 1)))

    across = float(sub[np.ix_(halves[0], halves[1])].mean())
    if across >= ratio * (within(halves[0]) + within(halves[1])) / 2:
        return [idx]
    return [
        part
        for half in halves
        for part in _split([idx[int(j)] for j in half], sim, ratio, depth - 1)
    ]


@dataclass(slots=True)
class Story:
    id: str
    centroid: Vector = field(default_factory=dict)
    norm: float = 0.0
    members: list[str] = field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    indexed: set[str] = field(default_factory=set)
    checked: int = 0  # size at the last split check
    time_sum: float = 0.0  # POSIX times of its dated reports, added up
    dated: int = 0  # how many of its reports are dated
    closes: datetime | None = None  # when it stops taking reports (its entry in the heap)
    arrays: tuple[Ids, Weights] | None = None  # the centroid as arrays, until it changes

    def time(self) -> float | None:
        """The story's time: the mean POSIX time of its dated reports (None: undated)."""
        return self.time_sum / self.dated if self.dated else None

    def split_due(self) -> bool:
        n = len(self.members)
        return n >= SPLIT_MIN and n >= self.checked * SPLIT_GROWTH


@dataclass(slots=True)
class Decision:
    story_id: str
    score: float
    runner_up: str | None
    runner_up_score: float | None
    new: bool


class OnlineClusterer:
    def __init__(
        self,
        threshold: float,
        window_days: float,
        span_days: float = 0.0,
        half_life_days: float = 0.0,
    ) -> None:
        self.threshold = threshold
        self.window = window_days
        self.span = span_days or math.inf  # 0: no cap on a story's span
        self.half_life = half_life_days  # 0: no decay
        self.stories: dict[str, Story] = {}
        self.index: dict[str, set[str]] = defaultdict(set)
        self.expiry: list[tuple[datetime, str]] = []  # (closes, story): a heap
        self.latest: datetime | None = None
        self.expired: list[str] = []  # stories taken out of the index since last drained
        self.terms = Terms()  # term ids and scratch arrays for scoring

    def live(self, story: Story, when: datetime | None) -> bool:
        """Whether the story takes a report published at ``when`` (window and span)."""
        if when is None or story.last_seen is None or story.first_seen is None:
            return True
        gap = (when - story.last_seen).total_seconds() / 86400
        if gap > self.window or gap < -self.window:
            return False
        return (when - story.first_seen).total_seconds() <= self.span * 86400 and (
            story.last_seen - when
        ).total_seconds() <= self.span * 86400

    def decay(self, story: Story, when: datetime | None) -> float:
        """The factor a cosine is multiplied by: ``2 ** (-max(0, gap - GRACE) / half_life)``,
        ``gap`` in days between ``when`` and the story's time (``UNDATED_GAP`` when either is
        unknown)."""
        if not self.half_life:
            return 1.0
        at = story.time()
        gap = UNDATED_GAP if when is None or at is None else abs(when.timestamp() - at) / 86400
        return float(2.0 ** (-max(0.0, gap - GRACE) / self.half_life))

    def _closes(self, story: Story) -> datetime | None:
        if story.last_seen is None or story.first_seen is None:
            return None
        last = story.last_seen + timedelta(days=self.window)
        if self.span < math.inf:
            last = min(last, story.first_seen + timedelta(days=self.span))
        return last

    def _schedule(self, story: Story) -> None:
        """Keep the story's entry in the expiry heap at the time it closes."""
        closes = self._closes(story)
        if closes is not None and closes != story.closes:
            story.closes = closes
            heapq.heappush(self.expiry, (closes, story.id))

    def expire(self, when: datetime | None) -> None:
        """Take stories that closed (quiet for longer than the window, or open for longer than
        the span) out of the index.

        Articles arrive in time order, so a closed story stays out of reach; it stays in
        ``stories`` (a late article dated within its window can still be placed by ``add``,
        but will not be found by ``assign``).
        """
        if when is None:
            return
        if self.latest is None or when > self.latest:
            self.latest = when
        horizon = self.latest
        while self.expiry and self.expiry[0][0] < horizon:
            closes, story_id = heapq.heappop(self.expiry)
            story = self.stories[story_id]
            if story.closes != closes or not story.indexed:
                continue  # rescheduled since: a newer heap entry stands for it
            for term in story.indexed:
                self.index[term].discard(story_id)
            story.indexed = set()
            story.arrays = None
            self.expired.append(story_id)

    def candidates(self, vec: Vector) -> list[str]:
        """Live stories sharing the article's heaviest terms, most overlap first."""
        overlap: dict[str, float] = defaultdict(float)
        index = self.index
        for term, weight in heaviest(vec, QUERY_TERMS):
            ids = index.get(term)
            if ids:
                for story_id in ids:
                    overlap[story_id] += weight
        best = heapq.nlargest(SHORTLIST, overlap.items(), key=lambda kv: (kv[1], kv[0]))
        return [story_id for story_id, _ in best]

    def score(self, vec: Vector, story: Story) -> float:
        """The cosine of a unit vector with the story's centroid."""
        if not story.norm:
            return 0.0
        return dot(vec, story.centroid) / story.norm

    def score_of(self, query: Query, story: Story) -> float:
        """:meth:`score`, the same number, from the centroid's arrays (built once per change)."""
        if not story.norm:
            return 0.0
        if story.arrays is None:
            story.arrays = self.terms.arrays(story.centroid)
        return query.dot(*story.arrays) / story.norm

    def assign(
        self, article_id: str, vec: Vector, when: datetime | None, ids: Ids | None = None
    ) -> Decision:
        """Choose a story for an article (and add it there); ``ids``: its terms' ids, when
        the vectorizer gave them."""
        self.expire(when)
        live = [
            story for sid in self.candidates(vec) if self.live(story := self.stories[sid], when)
        ]
        scored: list[tuple[float, str]] = []
        if live:
            with Query(self.terms, vec, ids) as query:
                scored = [(self.score_of(query, s) * self.decay(s, when), s.id) for s in live]
            scored.sort(key=lambda s: (-s[0], s[1]))
        best = scored[0] if scored else (0.0, None)
        runner = scored[1] if len(scored) > 1 else (None, None)
        if best[1] is not None and best[0] >= self.threshold:
            self.add(best[1], article_id, vec, when, (query.ids, query.weights))
            return Decision(best[1], best[0], runner[1], runner[0], new=False)
        story_id = "s" + article_id[:15]
        self.add(story_id, article_id, vec, when)
        return Decision(story_id, 0.0, best[1], best[0] if best[1] else None, new=True)

    def add(
        self,
        story_id: str,
        article_id: str,
        vec: Vector,
        when: datetime | None,
        arrays: tuple[Ids, Weights] | None = None,
    ) -> None:
        """Put an article in a story (creating it), updating centroid and index (``arrays``:
        the article's vector as arrays, when the caller has them: the centroid's arrays are
        then brought up to date with numpy instead of built again when next scored)."""
        story = self.stories.get(story_id)
        if story is None:
            story = self.stories[story_id] = Story(story_id)
        story.members.append(article_id)
        centroid = story.centroid
        get = centroid.get
        for t, w in vec.items():
            centroid[t] = get(t, 0.0) + w
        story.arrays = (
            self.terms.merged(story.arrays, arrays)
            if story.arrays is not None and arrays is not None
            else None
        )
        ranked = None
        if len(centroid) > CENTROID_TERMS:
            if story.arrays is None:
                ranked = heaviest(centroid, CENTROID_TERMS)
            else:  # the same order (a stable sort by weight, heaviest first), from the arrays
                ids, weights = story.arrays
                order = np.argsort(-weights, kind="stable")[:CENTROID_TERMS]
                keys = list(centroid)
                ranked = list(
                    zip([keys[i] for i in order.tolist()], weights[order].tolist(), strict=True)
                )
                story.arrays = ids[order], weights[order]
            story.centroid = dict(ranked)
        if when is not None:
            if story.first_seen is None or when < story.first_seen:
                story.first_seen = when
            if story.last_seen is None or when > story.last_seen:
                story.last_seen = when
            story.time_sum += when.timestamp()
            story.dated += 1
            self._schedule(story)
        self._reindex(story, ranked)

    def _reindex(self, story: Story, ranked: list[tuple[str, float]] | None = None) -> None:
        """Norm and index entries after the centroid changed (``ranked``: the centroid's
        terms heaviest first, when the caller has them)."""
        story_id = story.id
        weights = story.centroid.values()
        story.norm = math.sqrt(sum(map(mul, weights, weights)))
        top = {t for t, _ in (ranked or heaviest(story.centroid, INDEX_TERMS))[:INDEX_TERMS]}
        for term in story.indexed - top:
            self.index[term].discard(story_id)
        for term in top - story.indexed:
            self.index[term].add(story_id)
        story.indexed = top

    def split_off(
        self,
        story_id: str,
        parts: list[list[str]],
        vectors: dict[str, Vector],
        when: dict[str, datetime | None],
    ) -> dict[str, str]:
        """Move each of ``parts`` (members of a story) out into a story of its own, with id
        ``s`` + its first member's id; the story keeps its id and its other members. Returns
        article → new story."""
        story = self.stories[story_id]
        leaving = {a for part in parts for a in part}
        story.members = [m for m in story.members if m not in leaving]
        centroid = story.centroid
        for article_id in (a for part in parts for a in part):  # in order (not the set's:
            for t, w in vectors[article_id].items():  # it changes with the hash seed)
                if t in centroid:
                    centroid[t] -= w
        story.centroid = {t: w for t, w in centroid.items() if w > 1e-9}
        story.arrays = None
        dates = [d for m in story.members if (d := when.get(m)) is not None]
        story.first_seen = min(dates, default=None)
        story.last_seen = max(dates, default=None)
        story.time_sum, story.dated = sum(d.timestamp() for d in dates), len(dates)
        self._schedule(story)
        self._reindex(story)
        story.checked = len(story.members)
        moved: dict[str, str] = {}
        for part in parts:
            new_id = "s" + part[0][:15]
            while new_id in self.stories:
                new_id += "'"
            for article_id in part:
                self.add(new_id, article_id, vectors[article_id], when.get(article_id))
                moved[article_id] = new_id
            self.stories[new_id].checked = len(part)
        return moved

    def top_terms(self, story_id: str, n: int = 8) -> list[str]:
        centroid = self.stories[story_id].centroid
        words = {t: w for t, w in centroid.items() if not t.startswith(("E:", "#"))}
        return [t for t, _ in heaviest(words, n)]
