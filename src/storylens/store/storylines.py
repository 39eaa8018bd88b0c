"""Storylines and the events (stories) they link, written by the cluster stage."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class StorylineRow:
    id: str
    title: str
    first_seen: str | None
    last_seen: str | None
    events: int
    size: int
    outlets: list[str]
    terms: list[str]


@dataclass(slots=True)
class EventLink:
    story_id: str
    storyline_id: str
    score: float
    decision: str


def clear(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM storyline_events")
    conn.execute("DELETE FROM storylines")


def save(conn: sqlite3.Connection, lines: list[StorylineRow], links: list[EventLink]) -> None:
    """Upsert storylines, then the links of events to them."""
    conn.executemany(
        "INSERT INTO storylines VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
        " title=excluded.title, first_seen=excluded.first_seen, last_seen=excluded.last_seen,"
        " events=excluded.events, size=excluded.size, outlets=excluded.outlets,"
        " terms=excluded.terms",
        [
            (
                s.id, s.title, s.first_seen, s.last_seen, s.events, s.size,
                json.dumps(s.outlets, ensure_ascii=False), json.dumps(s.terms, ensure_ascii=False),
            )
            for s in lines
        ],
    )  # fmt: skip
    known = {s.id for s in lines}
    conn.executemany(
        "INSERT OR REPLACE INTO storyline_events VALUES (?, ?, ?, ?)",
        [
            (e.story_id, e.storyline_id, e.score, e.decision)
            for e in links
            if e.storyline_id in known
            or conn.execute("SELECT 1 FROM storylines WHERE id=?", (e.storyline_id,)).fetchone()
        ],
    )


def prune(conn: sqlite3.Connection) -> None:
    """Drop links of events that are gone, then storylines left without events."""
    conn.execute("DELETE FROM storyline_events WHERE story_id NOT IN (SELECT id FROM stories)")
    conn.execute(
        "DELETE FROM storylines"
        " WHERE id NOT IN (SELECT DISTINCT storyline_id FROM storyline_events)"
    )


def links(conn: sqlite3.Connection) -> dict[str, EventLink]:
    """Every stored event → storyline link, by story id."""
    rows = conn.execute("SELECT story_id, storyline_id, score, decision FROM storyline_events")
    return {r[0]: EventLink(*r) for r in rows}


def _row(r: sqlite3.Row) -> StorylineRow:
    return StorylineRow(
        r["id"], r["title"], r["first_seen"], r["last_seen"], r["events"], r["size"],
        json.loads(r["outlets"]), json.loads(r["terms"]),
    )  # fmt: skip


def list_storylines(
    conn: sqlite3.Connection, limit: int | None = 50, offset: int = 0, min_events: int = 1
) -> tuple[list[StorylineRow], int]:
    """Storylines with at least ``min_events`` events, most recently active first; and how
    many there are in all."""
    total = conn.execute("SELECT count(*) FROM storylines WHERE events >= ?", (min_events,))
    sql = (
        "SELECT * FROM storylines WHERE events >= ?"
        " ORDER BY last_seen IS NULL, last_seen DESC, id"
        + (" LIMIT ? OFFSET ?" if limit is not None else "")
    )
    args: list[Any] = [min_events] + ([limit, offset] if limit is not None else [])
    return [_row(r) for r in conn.execute(sql, args)], int(total.fetchone()[0])


def get_storyline(conn: sqlite3.Connection, line_id: str) -> StorylineRow | None:
    """A storyline by id or unique id start (at least 4 characters)."""
    row = conn.execute("SELECT * FROM storylines WHERE id=?", (line_id,)).fetchone()
    if row is None and len(line_id) >= 4:
        rows = conn.execute(
            "SELECT * FROM storylines WHERE id >= ? AND id < ? LIMIT 2",
            (line_id, line_id + "\uffff"),
        ).fetchall()
        row = rows[0] if len(rows) == 1 else None
    return _row(row) if row else None


def events(conn: sqlite3.Connection, line_id: str) -> list[dict[str, Any]]:
    """A storyline's events in time order (undated last), with how each joined it."""
    rows = conn.execute(
        "SELECT s.id, s.title, s.first_seen, s.last_seen, s.size, s.outlets, s.terms,"
        " e.score, e.decision FROM storyline_events e JOIN stories s ON s.id = e.story_id"
        " WHERE e.storyline_id=? ORDER BY s.first_seen IS NULL, s.first_seen, s.id",
        (line_id,),
    )
    out = []
    for r in rows:
        item = dict(r)
        item["outlets"], item["terms"] = json.loads(item["outlets"]), json.loads(item["terms"])
        out.append(item)
    return out


def storyline_of(conn: sqlite3.Connection, story_id: str) -> StorylineRow | None:
    """The storyline an event (story) belongs to."""
    row = conn.execute(
        "SELECT l.* FROM storyline_events e JOIN storylines l ON l.id = e.storyline_id"
        " WHERE e.story_id=?",
        (story_id,),
    ).fetchone()
    return _row(row) if row else None
