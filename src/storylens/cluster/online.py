"""Online story assignment: each article joins the best live story or starts a new one.

A story keeps a centroid (the sum of its members' unit vectors, trimmed to its heaviest terms)
and the time it was last seen. Candidates come from an inverted index of the stories' top terms,
so the cost of one article does not grow with the number of stories. A story is live for an
article published within ``cluster.window_days`` of the story's last report; undated articles
and stories are always live.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from storylens.cluster.features import Vector

CENTROID_TERMS = 300  # terms kept per centroid
INDEX_TERMS = 40  # of those, terms a story is findable by
QUERY_TERMS = 25  # an article's heaviest terms used to find candidates
SHORTLIST = 6  # candidates scored exactly, best first by their overlap in the index


@dataclass(slots=True)
class Story:
    id: str
    centroid: Vector = field(default_factory=dict)
    norm: float = 0.0
    members: list[str] = field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    indexed: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Decision:
    story_id: str
    score: float
    runner_up: str | None
    runner_up_score: float | None
    new: bool


class OnlineClusterer:
    def __init__(self, threshold: float, window_days: float) -> None:
        self.threshold = threshold
        self.window = window_days
        self.stories: dict[str, Story] = {}
        self.index: dict[str, set[str]] = defaultdict(set)
        self.expiry: list[tuple[datetime, str]] = []  # (last seen, story): a heap
        self.latest: datetime | None = None

    def _live(self, story: Story, when: datetime | None) -> bool:
        if when is None or story.last_seen is None:
            return True
        gap = (when - story.last_seen).total_seconds() / 86400
        return gap <= self.window and gap >= -self.window

    def _expire(self, when: datetime | None) -> None:
        """Take stories quiet for longer than the window out of the index.

        Articles arrive in time order, so a story that has gone quiet stays out of reach; it
        stays in ``stories`` (a late article dated within its window can still be placed by
        ``add``, but will not be found by ``assign``).
        """
        if when is None:
            return
        if self.latest is None or when > self.latest:
            self.latest = when
        horizon = self.latest.timestamp() - self.window * 86400
        while self.expiry and self.expiry[0][0].timestamp() < horizon:
            seen, story_id = heapq.heappop(self.expiry)
            story = self.stories[story_id]
            if story.last_seen != seen:
                continue  # seen again since: a newer heap entry stands for it
            for term in story.indexed:
                self.index[term].discard(story_id)
            story.indexed = set()

    def candidates(self, vec: Vector) -> list[str]:
        """Live stories sharing the article's heaviest terms, most overlap first."""
        top = heapq.nlargest(QUERY_TERMS, vec.items(), key=lambda kv: kv[1])
        overlap: dict[str, float] = defaultdict(float)
        for term, weight in top:
            for story_id in self.index.get(term, ()):
                overlap[story_id] += weight
        best = heapq.nlargest(SHORTLIST, overlap.items(), key=lambda kv: (kv[1], kv[0]))
        return [story_id for story_id, _ in best]

    def score(self, vec: Vector, story: Story) -> float:
        if not story.norm:
            return 0.0
        centroid = story.centroid
        small, large = (vec, centroid) if len(vec) < len(centroid) else (centroid, vec)
        return sum(w * large.get(t, 0.0) for t, w in small.items()) / story.norm

    def assign(self, article_id: str, vec: Vector, when: datetime | None) -> Decision:
        """Choose a story for an article (and add it there)."""
        self._expire(when)
        scored = sorted(
            (
                (self.score(vec, self.stories[sid]), sid)
                for sid in self.candidates(vec)
                if self._live(self.stories[sid], when)
            ),
            key=lambda s: (-s[0], s[1]),
        )
        best = scored[0] if scored else (0.0, None)
        runner = scored[1] if len(scored) > 1 else (None, None)
        if best[1] is not None and best[0] >= self.threshold:
            self.add(best[1], article_id, vec, when)
            return Decision(best[1], best[0], runner[1], runner[0], new=False)
        story_id = "s" + article_id[:15]
        self.add(story_id, article_id, vec, when)
        return Decision(story_id, 0.0, best[1], best[0] if best[1] else None, new=True)

    def add(self, story_id: str, article_id: str, vec: Vector, when: datetime | None) -> None:
        """Put an article in a story (creating it), updating centroid and index."""
        story = self.stories.get(story_id)
        if story is None:
            story = self.stories[story_id] = Story(story_id)
        story.members.append(article_id)
        for t, w in vec.items():
            story.centroid[t] = story.centroid.get(t, 0.0) + w
        if len(story.centroid) > CENTROID_TERMS:
            story.centroid = dict(
                heapq.nlargest(CENTROID_TERMS, story.centroid.items(), key=lambda kv: kv[1])
            )
        story.norm = math.sqrt(sum(v * v for v in story.centroid.values()))
        if when is not None:
            if story.first_seen is None or when < story.first_seen:
                story.first_seen = when
            if story.last_seen is None or when > story.last_seen:
                story.last_seen = when
                heapq.heappush(self.expiry, (when, story_id))
        top = {
            t for t, _ in heapq.nlargest(INDEX_TERMS, story.centroid.items(), key=lambda kv: kv[1])
        }
        for term in story.indexed - top:
            self.index[term].discard(story_id)
        for term in top - story.indexed:
            self.index[term].add(story_id)
        story.indexed = top

    def top_terms(self, story_id: str, n: int = 8) -> list[str]:
        centroid = self.stories[story_id].centroid
        words = [(t, w) for t, w in centroid.items() if not t.startswith(("E:", "#"))]
        return [t for t, _ in heapq.nlargest(n, words, key=lambda kv: kv[1])]
