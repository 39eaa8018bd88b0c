"""What ``storylens watch`` has read: each file's size and modification time when all its
reports were fed through the pipeline (written in the transaction of its last report)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storylens.store.db import now_iso


def stat(path: Path) -> tuple[int, int] | None:
    """(size, modification time in ns) of a file, None when it cannot be read."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def unchanged(conn: sqlite3.Connection, origin: str, path: Path) -> bool:
    """Whether the file was read whole before and has not changed since."""
    now = stat(path)
    row = conn.execute(
        "SELECT size, mtime_ns FROM watch_seen WHERE origin = ?", (origin,)
    ).fetchone()
    return now is not None and row is not None and (row[0], row[1]) == now


def mark(conn: sqlite3.Connection, origin: str, now: tuple[int, int], items: int) -> None:
    """Record that every report of the file, as it was when ``now`` (its :func:`stat`) was
    taken before reading it, went through the pipeline."""
    conn.execute(
        "INSERT INTO watch_seen VALUES (?, ?, ?, ?, ?) ON CONFLICT(origin) DO UPDATE SET"
        " size = excluded.size, mtime_ns = excluded.mtime_ns, items = excluded.items,"
        " seen_at = excluded.seen_at",
        (origin, now[0], now[1], items, now_iso()),
    )
