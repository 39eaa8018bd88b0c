"""The problems table: every input that could not be used, with the reason."""

from __future__ import annotations

import sqlite3

from storylens.models import Problem
from storylens.store.db import now_iso


def add_problem(conn: sqlite3.Connection, run_id: int | None, problem: Problem) -> None:
    """Record a problem; an older problem for the same input and item is replaced. Text that
    is not Unicode (a lone surrogate quoted from the input) is stored escaped."""
    origin, reason, detail = (
        _storable(t) for t in (problem.origin, problem.reason, problem.detail)
    )
    conn.execute("DELETE FROM problems WHERE origin=? AND item IS ?", (origin, problem.item))
    conn.execute(
        "INSERT INTO problems (run_id, origin, item, reason, detail, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (run_id, origin, problem.item, reason, detail, now_iso()),
    )


def clear_problems(conn: sqlite3.Connection, origin: str) -> None:
    """Forget the problems of an input being read again: this run's verdict replaces them."""
    conn.execute("DELETE FROM problems WHERE origin=?", (_storable(origin),))


def _storable(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text
