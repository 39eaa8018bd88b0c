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

from storylens.config import Settings
from storylens.dedupe.near import NearIndex, from_bytes, sentence_diff, signature, to_bytes
from storylens.parallel import parallel_map
from storylens.store import Store
from storylens.store import duplicates as dup_table
from storylens.store.articles import get_article
from storylens.text import sentences, words

__all__ = ["DedupeReport", "run_dedupe"]


@dataclass(slots=True)
class DedupeReport:
    articles: int
    near: int
    wire: int
    seconds: float


def _body_sentences(store: Store, article_id: str) -> list[str]:
    article = get_article(store.conn, article_id)
    if article is None:
        return []
    return [s for p in article.paragraphs if p.kind == "body" for s in sentences(p.text)]


def _signed(item: tuple[str, str, int]) -> tuple[str, bytes]:
    article_id, body, num_perm = item
    return article_id, to_bytes(signature(words(body), num_perm))


def run_dedupe(store: Store, settings: Settings, *, rebuild: bool = False) -> DedupeReport:
    """Link near duplicates and wire copies across the whole store (deterministic)."""
    started = time.perf_counter()
    threshold = float(settings.get("dedupe.near_threshold"))
    num_perm = int(settings.get("dedupe.num_perm"))
    conn = store.conn
    with store.transaction():
        if rebuild:
            conn.execute("DELETE FROM minhashes")
        missing = conn.execute(
            "SELECT id, body FROM articles WHERE id NOT IN (SELECT article_id FROM minhashes)"
        ).fetchall()
        work = ((row[0], row[1], num_perm) for row in missing)
        conn.executemany(
            "INSERT INTO minhashes VALUES (?, ?)", parallel_map(_signed, work, len(missing))
        )
        rows = conn.execute(
            "SELECT a.id, a.outlet, m.signature FROM articles a JOIN minhashes m"
            " ON m.article_id = a.id ORDER BY a.published IS NULL, a.published, a.id"
        ).fetchall()
        index = NearIndex(threshold, num_perm)
        canonical: dict[str, str] = {}
        outlets: dict[str, str | None] = {}
        found: list[dup_table.Duplicate] = []
        for article_id, outlet, blob in rows:
            sig = from_bytes(blob)
            outlets[article_id] = outlet
            match = next(((k, s) for k, s in index.similar(sig) if s >= threshold), None)
            if match is not None:
                root = canonical.get(match[0], match[0])
                canonical[article_id] = root
                root_outlet = outlets.get(root)
                kind = "wire" if outlet and root_outlet and outlet != root_outlet else "near"
                found.append(dup_table.Duplicate(article_id, root, kind, match[1], [], []))
            index.add(article_id, sig)
        dup_table.clear(conn)
        for dup in found:
            dup.added, dup.removed = sentence_diff(
                _body_sentences(store, dup.article_id), _body_sentences(store, dup.canonical_id)
            )
            dup_table.save(conn, dup)
    wire = sum(d.kind == "wire" for d in found)
    return DedupeReport(len(rows), len(found) - wire, wire, time.perf_counter() - started)
