"""Stored comparisons of stories (compare stage), keyed by a hash of what they were made from."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from storylens.store.db import now_iso


def current(conn: sqlite3.Connection, story_id: str, members: str) -> dict[str, Any] | None:
    """The stored comparison of a story if it was made from ``members`` (its hash), else None."""
    row = conn.execute(
        "SELECT data FROM comparisons WHERE story_id = ? AND members = ?", (story_id, members)
    ).fetchone()
    return json.loads(row[0]) if row else None


def is_current(conn: sqlite3.Connection, story_id: str, members: str) -> bool:
    """Whether the stored comparison was made from ``members``, without reading it."""
    row = conn.execute(
        "SELECT 1 FROM comparisons WHERE story_id = ? AND members = ?", (story_id, members)
    ).fetchone()
    return row is not None


def save(conn: sqlite3.Connection, story_id: str, members: str, data: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO comparisons VALUES (?, ?, ?, ?) ON CONFLICT(story_id) DO UPDATE SET"
        " members = excluded.members, data = excluded.data, computed_at = excluded.computed_at",
        (story_id, members, json.dumps(data, ensure_ascii=False), now_iso()),
    )


def stale(conn: sqlite3.Connection, min_size: int = 2) -> list[str]:
    """Stories of at least ``min_size`` reports with some enriched: those to (re)compare."""
    rows = conn.execute(
        "SELECT s.id FROM stories s WHERE s.size >= ? AND EXISTS (SELECT 1 FROM story_members m"
        " JOIN enrichments e ON e.article_id = m.article_id WHERE m.story_id = s.id)",
        (min_size,),
    )
    return [r[0] for r in rows]
