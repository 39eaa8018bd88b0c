"""Ingest runs: what was asked, when, and how it went."""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass

from storylens.store.db import now_iso


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
    cur = conn.execute(
        "INSERT INTO runs (command, pid, inputs, started_at) VALUES (?, ?, ?, ?)",
        (command, os.getpid(), json.dumps(inputs), now_iso()),
    )
    return int(cur.lastrowid or 0)


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
