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
from storylens.dedupe.near import (
    NearIndex,
    band_keys,
    band_shape,
    from_bytes,
    rank,
    sentence_diff,
    signature,
    to_bytes,
)
from storylens.parallel import Mapper, parallel_map
from storylens.store import Store, minhashes
from storylens.store import duplicates as dup_table
from storylens.store.articles import get_article
from storylens.text import first_words, sentences

__all__ = [
    "DedupeReport",
    "DuplicateFinder",
    "LiveDedupe",
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


def _signed(item: tuple[str, str, int, int, int, int]) -> tuple[str, bytes, list[int]]:
    article_id, body, num_perm, max_words, bands, rows = item
    sig = signature(first_words(body, max_words), num_perm)
    return article_id, to_bytes(sig), band_keys(sig, bands, rows)


def sign_missing(store: Store, finder: DuplicateFinder, mapper: Mapper = parallel_map) -> None:
    """Store the MinHash signature and band keys of every article that has none yet (computed
    by ``mapper``, one article per item)."""
    conn = store.conn
    missing = conn.execute(
        "SELECT id, body FROM articles WHERE id NOT IN (SELECT article_id FROM minhashes)"
    ).fetchall()
    bands, rows = finder.index.bands, finder.index.rows
    work = ((r[0], r[1], finder.num_perm, finder.max_words, bands, rows) for r in missing)
    for article_id, sig, keys in mapper(_signed, work, len(missing)):
        minhashes.save(conn, article_id, sig, keys)
    minhashes.save_keys(
        conn, ((a, band_keys(from_bytes(b), bands, rows)) for a, b in minhashes.unbanded(conn))
    )


class LiveDedupe:
    """The dedupe stage for one article at a time, against the index kept in the store.

    Nothing is held in memory: a new article's band keys find its candidates among the stored
    signatures, so a long-running process costs the same on 100 articles as on 100,000, and
    it takes the decision a batch run over the same articles, in publication order, takes."""

    def __init__(self, settings: Settings) -> None:
        self.threshold = float(settings.get("dedupe.near_threshold"))
        self.num_perm = int(settings.get("dedupe.num_perm"))
        self.max_words = int(settings.get("dedupe.max_words"))
        self.bands, self.rows = band_shape(self.threshold, self.num_perm)

    def add(
        self, store: Store, article_id: str, outlet: str | None, body: str
    ) -> dup_table.Duplicate | None:
        """Sign and index a stored article; link it (and return the link) if it copies an
        earlier one. Runs inside the caller's transaction."""
        conn = store.conn
        sig = signature(first_words(body, self.max_words), self.num_perm)
        keys = band_keys(sig, self.bands, self.rows)
        found = minhashes.candidates(conn, keys)
        found.pop(article_id, None)
        minhashes.save(conn, article_id, to_bytes(sig), keys)
        ranked = rank(sig, {k: from_bytes(v) for k, v in found.items()})
        match = next(((k, s) for k, s in ranked if s >= self.threshold), None)
        if match is None:
            return None
        root = dup_table.canonical(conn, match[0]) or match[0]
        root_outlet = dup_table.outlet_of(conn, root)
        kind = "wire" if outlet and root_outlet and outlet != root_outlet else "near"
        dup = describe(store, dup_table.Duplicate(article_id, root, kind, match[1], [], []))
        dup_table.save(conn, dup)
        return dup


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
            minhashes.clear(conn)
        sign_missing(store, finder, mapper)
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
