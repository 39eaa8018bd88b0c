"""Outlet profiles and the user's scale of leanings (``storylens outlets``): what the user says
about each outlet. Nothing here is guessed: a profile exists only when the user imported or set
it."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime

TYPES = ("wire", "national", "local", "aggregator")
FIELDS = ("name", "domains", "country", "language", "leaning", "owner", "type")


@dataclass(slots=True)
class OutletProfile:
    name: str
    domains: list[str] = field(default_factory=list)
    country: str | None = None
    language: str | None = None
    leaning: str | None = None
    owner: str | None = None
    type: str | None = None
    source: str = "set"  # the file it was imported from, or "set" (storylens outlets set)


def scale(conn: sqlite3.Connection) -> list[str]:
    """The user's leanings, from one end of the scale to the other ([] when none is defined)."""
    return [r[0] for r in conn.execute("SELECT label FROM outlet_scale ORDER BY position")]


def set_scale(conn: sqlite3.Connection, labels: list[str]) -> None:
    """Replace the scale (the caller checks that every profile's leaning is on it)."""
    conn.execute("UPDATE outlet_profiles SET leaning = NULL WHERE leaning NOT IN"
                 f" ({','.join('?' * len(labels))})", labels)  # fmt: skip
    conn.execute("DELETE FROM outlet_scale")
    conn.executemany("INSERT INTO outlet_scale VALUES (?, ?)", list(enumerate(labels)))


def profiles(conn: sqlite3.Connection) -> list[OutletProfile]:
    """Every profile, by name."""
    rows = conn.execute(
        "SELECT name, domains, country, language, leaning, owner, type, source"
        " FROM outlet_profiles ORDER BY name COLLATE NOCASE"
    ).fetchall()
    return [OutletProfile(r[0], json.loads(r[1]), r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows]


def get(conn: sqlite3.Connection, name: str) -> OutletProfile | None:
    return next((p for p in profiles(conn) if p.name.casefold() == name.casefold()), None)


def save(conn: sqlite3.Connection, items: list[OutletProfile]) -> None:
    """Insert or replace profiles (a name matches whatever its case)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    conn.executemany(
        "INSERT INTO outlet_profiles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO"
        " UPDATE SET name=excluded.name, domains=excluded.domains, country=excluded.country,"
        " language=excluded.language, leaning=excluded.leaning, owner=excluded.owner,"
        " type=excluded.type, source=excluded.source, updated_at=excluded.updated_at",
        [
            (p.name, json.dumps(p.domains, ensure_ascii=False), p.country, p.language,
             p.leaning, p.owner, p.type, p.source, now)
            for p in items
        ],
    )  # fmt: skip


def delete(conn: sqlite3.Connection, names: list[str]) -> int:
    """Forget these profiles; how many there were."""
    return sum(
        conn.execute("DELETE FROM outlet_profiles WHERE name = ?", (n,)).rowcount for n in names
    )
