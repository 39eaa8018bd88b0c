"""The problems table: every input that could not be used, with the reason."""

from __future__ import annotations

import sqlite3

from storylens.models import Problem
from storylens.store.db import now_iso


def add_problem(conn: sqlite3.Connection, run_id: int | None, problem: Problem) -> None:
    """Record a problem; an older problem for the same input and item is replaced."""
    conn.execute(
        "DELETE FROM problems WHERE origin=? AND item IS ?", (problem.origin, problem.item)
    )
    conn.execute(
        "INSERT INTO problems (run_id, origin, item, reason, detail, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (run_id, problem.origin, problem.item, problem.reason, problem.detail, now_iso()),
    )


def clear_problems(conn: sqlite3.Connection, origin: str) -> None:
    """Forget the problems of an input being read again: this run's verdict replaces them."""
    conn.execute("DELETE FROM problems WHERE origin=?", (origin,))
