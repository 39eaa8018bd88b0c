"""Clustering a stored set of articles many times over, for choosing settings.

:func:`prepare` reads the articles, their copies and their features once;
:func:`assign` then runs the same :class:`StoryBuilder` decisions as ``cluster --rebuild``
(without writing to the store) for any settings that leave the features unchanged
(threshold, split ratio, window, span, decay, storyline settings), in a fraction of the time.
"""

from __future__ import annotations

from dataclasses import dataclass

from storylens.cluster import Row, StoryBuilder, _rows
from storylens.cluster.features import Counts
from storylens.config import Settings
from storylens.store import Store
from storylens.store.duplicates import canonical_of

__all__ = ["Prepared", "assign", "prepare"]


@dataclass(slots=True)
class Prepared:
    rows: list[Row]
    features: list[tuple[Counts, Counts]]
    canonical: dict[str, str]
    article_of: dict[str, str]  # origin → the article stored for it (a copy: its original)

    @property
    def dated(self) -> bool:
        return any(r.published is not None for r in self.rows)


def prepare(store: Store, settings: Settings) -> Prepared:
    builder = StoryBuilder(settings)
    rows = _rows(store)
    features = [(counts, title) for _, counts, title in builder.features(rows)]
    article_of = dict(store.conn.execute("SELECT origin, article_id FROM sightings").fetchall())
    article_of.update(store.conn.execute("SELECT origin, id FROM articles").fetchall())
    return Prepared(rows, features, canonical_of(store.conn), article_of)


def assign(prepared: Prepared, settings: Settings) -> tuple[dict[str, str], dict[str, str]]:
    """(article → story, article → storyline), as a rebuild with ``settings`` gives them."""
    builder = StoryBuilder(settings)
    for row, (counts, title_counts) in zip(prepared.rows, prepared.features, strict=True):
        builder.place(row, counts, title_counts, prepared.canonical.get(row.id))
    stories = dict(builder.story_of)
    line_of = builder.linker.line_of
    return stories, {a: line_of[s] for a, s in stories.items()}
