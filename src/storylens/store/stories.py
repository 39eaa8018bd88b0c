"""Stories and their members, written by the cluster stage."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Membership:
    article_id: str
    story_id: str
    position: int
    score: float
    runner_up: str | None
    runner_up_score: float | None
    threshold: float
    decision: str


@dataclass(slots=True)
class StoryRow:
    id: str
    title: str
    first_seen: str | None
    last_seen: str | None
    size: int
    outlets: list[str]
    terms: list[str]


def clear(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM story_members")
    conn.execute("DELETE FROM stories")


def save_members(conn: sqlite3.Connection, members: list[Membership]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO story_members VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                m.article_id, m.story_id, m.position, m.score, m.runner_up, m.runner_up_score,
                m.threshold, m.decision,
            )
            for m in members
        ],
    )  # fmt: skip


def move_members(conn: sqlite3.Connection, moved: dict[str, str]) -> None:
    """Stored members moved to another story by a split (article → story)."""
    conn.executemany(
        "UPDATE story_members SET story_id = ?, decision = 'split' WHERE article_id = ?",
        [(story_id, article_id) for article_id, story_id in moved.items()],
    )


def save_stories(conn: sqlite3.Connection, stories: list[StoryRow]) -> None:
    conn.executemany(
        # an upsert, not INSERT OR REPLACE: replacing would delete the row and, through the
        # foreign key, every member of the story
        "INSERT INTO stories VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
        " title=excluded.title, first_seen=excluded.first_seen, last_seen=excluded.last_seen,"
        " size=excluded.size, outlets=excluded.outlets, terms=excluded.terms",
        [
            (
                s.id, s.title, s.first_seen, s.last_seen, s.size,
                json.dumps(s.outlets, ensure_ascii=False), json.dumps(s.terms, ensure_ascii=False),
            )
            for s in stories
        ],
    )  # fmt: skip


def prune(conn: sqlite3.Connection) -> None:
    """Drop stories left without members."""
    conn.execute(
        "DELETE FROM stories WHERE id NOT IN (SELECT DISTINCT story_id FROM story_members)"
    )


def positions(conn: sqlite3.Connection) -> int:
    return int(
        conn.execute("SELECT coalesce(max(position), -1) + 1 FROM story_members").fetchone()[0]
    )


def list_stories(
    conn: sqlite3.Connection, limit: int | None = 50, offset: int = 0, min_size: int = 1
) -> list[StoryRow]:
    sql = "SELECT * FROM stories WHERE size >= ? ORDER BY last_seen IS NULL, last_seen DESC, id" + (
        " LIMIT ? OFFSET ?" if limit is not None else ""
    )
    args: list[Any] = [min_size] + ([limit, offset] if limit is not None else [])
    return [_row(r) for r in conn.execute(sql, args)]


def _row(r: sqlite3.Row) -> StoryRow:
    return StoryRow(
        r["id"], r["title"], r["first_seen"], r["last_seen"], r["size"],
        json.loads(r["outlets"]), json.loads(r["terms"]),
    )  # fmt: skip


def get_story(conn: sqlite3.Connection, story_id: str) -> StoryRow | None:
    row = conn.execute("SELECT * FROM stories WHERE id=?", (story_id,)).fetchone()
    if row is None and len(story_id) >= 4:
        rows = conn.execute(
            "SELECT * FROM stories WHERE id >= ? AND id < ? LIMIT 2",
            (story_id, story_id + "\uffff"),
        ).fetchall()
        row = rows[0] if len(rows) == 1 else None
    return _row(row) if row else None


def members(conn: sqlite3.Connection, story_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT a.id, a.title, a.outlet, a.origin, a.published, m.score, m.decision"
        " FROM story_members m"
        " JOIN articles a ON a.id = m.article_id WHERE m.story_id=?"
        " ORDER BY a.published IS NULL, a.published, a.id",
        (story_id,),
    )
    return [dict(r) for r in rows]


def membership(conn: sqlite3.Connection, article_id: str) -> Membership | None:
    row = conn.execute(
        "SELECT article_id, story_id, position, score, runner_up, runner_up_score, threshold,"
        " decision FROM story_members WHERE article_id=?",
        (article_id,),
    ).fetchone()
    return Membership(*row) if row else None


def outlets_seen(conn: sqlite3.Connection, story_ids: list[str]) -> list[str]:
    """The outlets of the stories' reports, in the order a cluster run sees the reports."""
    rows = conn.execute(
        "SELECT a.outlet FROM story_members m JOIN articles a ON a.id = m.article_id"
        f" WHERE m.story_id IN ({','.join('?' * len(story_ids))}) AND a.outlet IS NOT NULL"
        " ORDER BY a.published IS NULL, a.published, a.id",
        story_ids,
    )
    return list(dict.fromkeys(r[0] for r in rows))
