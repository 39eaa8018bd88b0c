"""Stored comparisons of stories (compare stage), keyed by a hash of what they were made from.

A :class:`~storylens.models.Comparison` is stored as JSON (:func:`to_json`) and read back into
the same dataclasses (:func:`from_json`); the JSON is also what ``storylens compare --json``
prints and what the API serves.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, fields
from functools import cache
from typing import Any

from storylens.models import (
    Claim,
    ComparedReport,
    Comparison,
    Fact,
    FactCell,
    Quote,
    Story,
    SummaryLine,
    SummarySource,
    TimelineDay,
    TimelineReport,
)
from storylens.store.db import now_iso


def to_json(c: Comparison) -> dict[str, Any]:
    """A comparison as plain JSON values (dataclass fields, in order)."""
    return asdict(c)


def from_json(data: dict[str, Any]) -> Comparison:
    """The comparison :func:`to_json` wrote."""
    return Comparison(
        story=_make(Story, data["story"]),
        outlets=list(data["outlets"]),
        articles=[_make(ComparedReport, a) for a in data["articles"]],
        facts=[_fact(f) for f in data["facts"]],
        summary=[
            _make(SummaryLine, s, sources=[_make(SummarySource, x) for x in s["sources"]])
            for s in data["summary"]
        ],
        timeline=[
            TimelineDay(d["day"], [_make(TimelineReport, r) for r in d["reports"]])
            for d in data["timeline"]
        ],
        compared=data.get("compared", 0),
        note=data.get("note"),
    )


def _fact(f: dict[str, Any]) -> Fact:
    outlets = {
        o: [
            _make(
                FactCell,
                c,
                claim=_make(Claim, c["claim"]) if c.get("claim") else None,
                quote=_make(Quote, c["quote"]) if c.get("quote") else None,
            )
            for c in cells
        ]
        if cells
        else cells  # (most cells of a story compared report by report are empty)
        for o, cells in f["outlets"].items()
    }
    fact: Fact = _make(Fact, f, outlets=outlets)
    return fact


def _make(cls: Any, data: dict[str, Any], **given: Any) -> Any:
    """``cls`` from the fields of ``data`` it knows (a stored comparison may predate a field)."""
    known = _names(cls)
    if known.issuperset(data):  # the usual case: made by this version (~6,000 cells a story)
        return cls(**(data | given) if given else data)
    values = {k: v for k, v in data.items() if k in known}
    values.update(given)
    return cls(**values)


@cache
def _names(cls: Any) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


def current(conn: sqlite3.Connection, story_id: str, members: str) -> Comparison | None:
    """The stored comparison of a story if it was made from ``members`` (its hash), else None."""
    row = conn.execute(
        "SELECT data FROM comparisons WHERE story_id = ? AND members = ?", (story_id, members)
    ).fetchone()
    return from_json(json.loads(row[0])) if row else None


def is_current(conn: sqlite3.Connection, story_id: str, members: str) -> bool:
    """Whether the stored comparison was made from ``members``, without reading it."""
    row = conn.execute(
        "SELECT 1 FROM comparisons WHERE story_id = ? AND members = ?", (story_id, members)
    ).fetchone()
    return row is not None


def save(conn: sqlite3.Connection, story_id: str, members: str, data: Comparison) -> None:
    conn.execute(
        "INSERT INTO comparisons VALUES (?, ?, ?, ?) ON CONFLICT(story_id) DO UPDATE SET"
        " members = excluded.members, data = excluded.data, computed_at = excluded.computed_at",
        (story_id, members, json.dumps(to_json(data), ensure_ascii=False), now_iso()),
    )


def drop(conn: sqlite3.Connection, story_id: str) -> None:
    """Forget a story's stored comparison (read afresh until it is stored again)."""
    conn.execute("DELETE FROM comparisons WHERE story_id = ?", (story_id,))


def stale(
    conn: sqlite3.Connection, min_size: int = 2, story_ids: list[str] | None = None
) -> list[str]:
    """Stories of at least ``min_size`` reports with some enriched: those to (re)compare
    (among ``story_ids`` when given)."""
    only = "" if story_ids is None else f" AND s.id IN ({','.join('?' * len(story_ids))})"
    rows = conn.execute(
        "SELECT s.id FROM stories s WHERE s.size >= ? AND EXISTS (SELECT 1 FROM story_members m"
        f" JOIN enrichments e ON e.article_id = m.article_id WHERE m.story_id = s.id){only}",
        (min_size, *(story_ids or ())),
    )
    return [r[0] for r in rows]
