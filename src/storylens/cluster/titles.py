"""A story's row as stored: its title (the member headline closest to the centroid), span,
size, outlets and top terms."""

from __future__ import annotations

from itertools import repeat

from storylens.cluster.features import Counts
from storylens.cluster.online import OnlineClusterer
from storylens.store import stories as story_table


def story_row(
    clusterer: OnlineClusterer,
    story_id: str,
    heads: dict[str, tuple[str, bool, str | None]],
    title_terms: dict[str, Counts],
    pool: list[str] | None = None,
) -> tuple[story_table.StoryRow, str]:
    """A story's row: its title is the member headline closest to the centroid (among
    ``pool`` when given). Returns the row and the article the title comes from."""
    story = clusterer.stories[story_id]
    members = story.members
    candidates = [m for m in pool or members if m in heads]
    titled = [m for m in candidates if not heads[m][1]] or candidates
    weight = story.centroid.get
    zeros = repeat(0.0)  # (map stops at the shorter: the title's words)

    def closeness(article_id: str) -> tuple[float, str]:
        words = title_terms[article_id]  # the same sum, in the same order, at C speed
        return sum(map(weight, words, zeros)) / (1 + len(words)), article_id

    best = max(titled, key=closeness)
    outlets = list(dict.fromkeys(o for m in members if m in heads and (o := heads[m][2])))
    row = story_table.StoryRow(
        id=story_id,
        title=heads[best][0],
        first_seen=story.first_seen.isoformat() if story.first_seen else None,
        last_seen=story.last_seen.isoformat() if story.last_seen else None,
        size=len(members),
        outlets=outlets,
        terms=clusterer.top_terms(story_id),
    )
    return row, best
