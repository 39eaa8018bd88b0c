"""Full-text search over titles and bodies (SQLite FTS5, BM25 ranking)."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from storylens.errors import StorylensError

MARK_START, MARK_END = "\x02", "\x03"  # snippet markers; the reader decides how to highlight


@dataclass(slots=True)
class Hit:
    article_id: str
    title: str
    outlet: str | None
    published: str | None
    score: float
    snippet: str  # matched words wrapped in MARK_START … MARK_END


_WORD = re.compile(r"\w+", re.UNICODE)


def to_match(query: str) -> str:
    """Turn what a user types into an FTS5 query.

    Plain words are ANDed (each quoted, so ``-`` or ``:`` in them is not syntax); a query that
    already uses FTS5 syntax (quotes, OR, NOT, NEAR, ``*``) is passed through unchanged.
    """
    if re.search(r'"|\bOR\b|\bNOT\b|\bAND\b|\bNEAR\b|\*', query):
        return query
    words = _WORD.findall(query)
    return " ".join(f'"{w}"' for w in words)


def search(conn: sqlite3.Connection, query: str, limit: int = 20, offset: int = 0) -> list[Hit]:
    match = to_match(query)
    if not match.strip():
        raise StorylensError(
            f"nothing to search for in {query!r}", hint="Give at least one word to look for."
        )
    sql = (
        "SELECT a.id, a.title, a.outlet, a.published, bm25(articles_fts, 5.0, 1.0) AS score,"
        f" snippet(articles_fts, 1, '{MARK_START}', '{MARK_END}', ' … ', 16) AS snip"
        " FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
        " WHERE articles_fts MATCH ? ORDER BY score LIMIT ? OFFSET ?"
    )
    try:
        rows = conn.execute(sql, (match, limit, offset)).fetchall()
    except sqlite3.OperationalError as exc:
        raise StorylensError(
            f"cannot search for {query!r}: {exc}",
            hint='Check quotes and operators (OR, NOT, NEAR, "exact phrase", prefix*).',
        ) from None
    return [Hit(r[0], r[1], r[2], r[3], -float(r[4]), r[5] or "") for r in rows]
