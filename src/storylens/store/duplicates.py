"""Near duplicates and wire copies found by the dedupe stage."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Duplicate:
    article_id: str
    canonical_id: str
    kind: str
    similarity: float
    added: list[str]
    removed: list[str]


def clear(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM duplicates")


def save(conn: sqlite3.Connection, dup: Duplicate) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO duplicates VALUES (?, ?, ?, ?, ?, ?)",
        (
            dup.article_id,
            dup.canonical_id,
            dup.kind,
            dup.similarity,
            json.dumps(dup.added, ensure_ascii=False),
            json.dumps(dup.removed, ensure_ascii=False),
        ),
    )


def canonical(conn: sqlite3.Connection, article_id: str) -> str | None:
    """The canonical article ``article_id`` is a copy of (None: it is no copy)."""
    row = conn.execute(
        "SELECT canonical_id FROM duplicates WHERE article_id = ?", (article_id,)
    ).fetchone()
    return None if row is None else str(row[0])


def outlet_of(conn: sqlite3.Connection, article_id: str) -> str | None:
    row = conn.execute("SELECT outlet FROM articles WHERE id = ?", (article_id,)).fetchone()
    return None if row is None else row[0]


def canonical_of(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT article_id, canonical_id FROM duplicates").fetchall())


def groups(
    conn: sqlite3.Connection, kind: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Canonical articles with their copies, largest groups first."""
    where = "WHERE d.kind = ?" if kind else ""
    args: list[Any] = [kind] if kind else []
    rows = conn.execute(
        "SELECT d.canonical_id, count(*) AS copies FROM duplicates d "
        f"{where} GROUP BY d.canonical_id ORDER BY copies DESC, d.canonical_id LIMIT ?",
        [*args, limit],
    ).fetchall()
    out = []
    for canonical_id, _ in rows:
        head = conn.execute(
            "SELECT id, title, outlet, published FROM articles WHERE id=?", (canonical_id,)
        ).fetchone()
        copies = conn.execute(
            "SELECT a.id, a.title, a.outlet, a.published, d.kind, d.similarity, d.added, d.removed"
            " FROM duplicates d JOIN articles a ON a.id = d.article_id WHERE d.canonical_id=?"
            " ORDER BY a.published, a.id",
            (canonical_id,),
        ).fetchall()
        out.append(
            {
                "canonical": dict(head),
                "copies": [
                    {
                        **{k: c[k] for k in ("id", "title", "outlet", "published", "kind")},
                        "similarity": round(c["similarity"], 3),
                        "added": json.loads(c["added"]),
                        "removed": json.loads(c["removed"]),
                    }
                    for c in copies
                ],
            }
        )
    return out
