"""Dedupe: near duplicates and wire copies, linked to a canonical article, never deleted.

Exact copies are caught at ingest (same normalised text: one article, several sightings).
Here, every article gets a MinHash signature of its word shingles; in publication order, an
article whose text is at least ``dedupe.near_threshold`` alike (estimated Jaccard) to an earlier
one is linked to that article's canonical. A copy from another outlet is ``wire`` copy (a
syndication group: the earliest is the original), else ``near`` (the same report re-scraped
under a new headline). For each copy the sentences it adds and leaves out are recorded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from storylens.config import Settings
from storylens.dedupe.near import NearIndex, from_bytes, sentence_diff, signature, to_bytes
from storylens.parallel import Mapper, parallel_map
from storylens.store import Store
from storylens.store import duplicates as dup_table
from storylens.store.articles import get_article
from storylens.text import first_words, sentences

__all__ = [
    "DedupeReport",
    "DuplicateFinder",
    "dedupe_store",
    "describe",
    "run_dedupe",
    "sign_missing",
]


@dataclass(slots=True)
class DedupeReport:
    articles: int
    near: int
    wire: int
    seconds: float


class DuplicateFinder:
    """The near-duplicate state: an LSH index of every article seen, and each one's canonical."""

    def __init__(self, settings: Settings) -> None:
        self.threshold = float(settings.get("dedupe.near_threshold"))
        self.num_perm = int(settings.get("dedupe.num_perm"))
        self.max_words = int(settings.get("dedupe.max_words"))
        self.index = NearIndex(self.threshold, self.num_perm)
        self.canonical: dict[str, str] = {}
        self.outlets: dict[str, str | None] = {}

    def check(
        self, article_id: str, outlet: str | None, sig: np.ndarray[Any, np.dtype[np.uint64]]
    ) -> dup_table.Duplicate | None:
        """Index an article (in publication order); return its link if it copies an earlier one."""
        self.outlets[article_id] = outlet
        match = next(((k, s) for k, s in self.index.similar(sig) if s >= self.threshold), None)
        self.index.add(article_id, sig)
        if match is None:
            return None
        root = self.canonical.get(match[0], match[0])
        self.canonical[article_id] = root
        root_outlet = self.outlets.get(root)
        kind = "wire" if outlet and root_outlet and outlet != root_outlet else "near"
        return dup_table.Duplicate(article_id, root, kind, match[1], [], [])


def body_sentences(store: Store, article_id: str) -> list[str]:
    article = get_article(store.conn, article_id)
    if article is None:
        return []
    return [s for p in article.paragraphs if p.kind == "body" for s in sentences(p.text)]


def describe(store: Store, dup: dup_table.Duplicate) -> dup_table.Duplicate:
    """Fill in the sentences a copy adds and leaves out."""
    dup.added, dup.removed = sentence_diff(
        body_sentences(store, dup.article_id), body_sentences(store, dup.canonical_id)
    )
    return dup


def _signed(item: tuple[str, str, int, int]) -> tuple[str, bytes]:
    article_id, body, num_perm, max_words = item
    return article_id, to_bytes(signature(first_words(body, max_words), num_perm))


def sign_missing(
    store: Store, num_perm: int, max_words: int, mapper: Mapper = parallel_map
) -> None:
    """Store the MinHash signature of every article that has none yet (computed by
    ``mapper``, one article per item)."""
    missing = store.conn.execute(
        "SELECT id, body FROM articles WHERE id NOT IN (SELECT article_id FROM minhashes)"
    ).fetchall()
    work = ((row[0], row[1], num_perm, max_words) for row in missing)
    store.conn.executemany(
        "INSERT INTO minhashes VALUES (?, ?)", mapper(_signed, work, len(missing))
    )


def run_dedupe(
    store: Store, settings: Settings, *, rebuild: bool = False, mapper: Mapper = parallel_map
) -> DedupeReport:
    """Link near duplicates and wire copies across the whole store (deterministic)."""
    return dedupe_store(store, settings, rebuild=rebuild, mapper=mapper)[0]


def dedupe_store(
    store: Store, settings: Settings, *, rebuild: bool = False, mapper: Mapper = parallel_map
) -> tuple[DedupeReport, DuplicateFinder]:
    """:func:`run_dedupe`, also returning the finder, ready to check further articles."""
    started = time.perf_counter()
    finder = DuplicateFinder(settings)
    conn = store.conn
    with store.transaction():
        if rebuild:
            conn.execute("DELETE FROM minhashes")
        sign_missing(store, finder.num_perm, finder.max_words, mapper)
        rows = conn.execute(
            "SELECT a.id, a.outlet, m.signature FROM articles a JOIN minhashes m"
            " ON m.article_id = a.id ORDER BY a.published IS NULL, a.published, a.id"
        ).fetchall()
        found = [d for a, o, blob in rows if (d := finder.check(a, o, from_bytes(blob)))]
        dup_table.clear(conn)
        for dup in found:
            dup_table.save(conn, describe(store, dup))
    wire = sum(d.kind == "wire" for d in found)
    report = DedupeReport(len(rows), len(found) - wire, wire, time.perf_counter() - started)
    return report, finder
