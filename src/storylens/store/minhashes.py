"""MinHash signatures (dedupe) and the LSH band keys that find near-duplicate candidates.

The band keys are the near-duplicate index kept in the store: a live process looks a new
article's keys up here instead of holding every signature in memory.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def save(conn: sqlite3.Connection, article_id: str, signature: bytes, keys: list[int]) -> None:
    """Store one article's signature and band keys (replacing what it had)."""
    conn.execute("INSERT OR REPLACE INTO minhashes VALUES (?, ?)", (article_id, signature))
    conn.execute("DELETE FROM minhash_bands WHERE article_id = ?", (article_id,))
    conn.executemany("INSERT INTO minhash_bands VALUES (?, ?)", [(key, article_id) for key in keys])


def save_keys(conn: sqlite3.Connection, rows: Iterable[tuple[str, list[int]]]) -> None:
    """Band keys of articles whose signatures are stored already."""
    conn.executemany(
        "INSERT INTO minhash_bands VALUES (?, ?)",
        ((key, article_id) for article_id, keys in rows for key in keys),
    )


def candidates(conn: sqlite3.Connection, keys: list[int]) -> dict[str, bytes]:
    """The signatures of the articles sharing a band key with ``keys``."""
    if not keys:
        return {}
    marks = ",".join("?" * len(keys))
    rows = conn.execute(
        "SELECT m.article_id, m.signature FROM minhashes m WHERE m.article_id IN"
        f" (SELECT article_id FROM minhash_bands WHERE key IN ({marks}))",
        keys,
    )
    return {r[0]: r[1] for r in rows}


def unbanded(conn: sqlite3.Connection) -> list[tuple[str, bytes]]:
    """Stored signatures without band keys (a store written before the keys were kept)."""
    return conn.execute(
        "SELECT article_id, signature FROM minhashes WHERE article_id NOT IN"
        " (SELECT article_id FROM minhash_bands)"
    ).fetchall()


def clear(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM minhash_bands")
    conn.execute("DELETE FROM minhashes")
