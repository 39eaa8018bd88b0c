"""Ingest runs: what was asked, when, and how it went."""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from typing import Any

from storylens.store.db import now_iso, process_start


@dataclass(slots=True)
class RunCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    problems: int = 0

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged + self.duplicates + self.problems


def start_run(conn: sqlite3.Connection, command: str, inputs: list[str]) -> int:
    """Record a run as ``running``, with the identity of this process (pid and start time)."""
    pid = os.getpid()
    cur = conn.execute(
        "INSERT INTO runs (command, pid, process_start, inputs, started_at) VALUES (?, ?, ?, ?, ?)",
        (command, pid, process_start(pid), json.dumps(inputs), now_iso()),
    )
    return int(cur.lastrowid or 0)


def interrupted_runs(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Runs that stopped before their end (killed, or the machine went down) and were not
    completed since by a run of the same inputs, newest first."""
    rows = conn.execute(
        "SELECT id, command, inputs, started_at, finished_at, added, updated, unchanged,"
        " duplicates, problems FROM runs r WHERE status='interrupted' AND NOT EXISTS"
        " (SELECT 1 FROM runs d WHERE d.status='done' AND d.id > r.id AND d.inputs = r.inputs)"
        " ORDER BY id DESC"
    ).fetchall()
    return [{**dict(r), "inputs": json.loads(r["inputs"])} for r in rows]


def save_counts(conn: sqlite3.Connection, run_id: int, counts: RunCounts, status: str) -> None:
    conn.execute(
        "UPDATE runs SET added=?, updated=?, unchanged=?, duplicates=?, problems=?, status=?,"
        " finished_at=CASE WHEN ?='running' THEN NULL ELSE ? END WHERE id=?",
        (
            counts.added,
            counts.updated,
            counts.unchanged,
            counts.duplicates,
            counts.problems,
            status,
            status,
            now_iso(),
            run_id,
        ),
    )
