"""The fetches and fetch_cache tables: what each HTTP fetch did, and the validators per URL.

A :class:`FetchRecord` is filled while a URL is fetched (by :mod:`storylens.ingest.fetch`) and
written with the ingest run's last batch by :func:`save_fetches`, in the same transaction as the
articles it produced: the validators that make the next poll a conditional GET are only
remembered once what the response held is stored, so an interrupted run fetches again rather
than losing items behind a 304.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storylens.store.db import now_iso


@dataclass(slots=True)
class FetchRecord:
    """One URL fetched (its redirects and retries included): what was asked and what came."""

    url: str
    kind: str = "page"  # page | feed | item | robots
    final_url: str | None = None
    status: int | None = None
    outcome: str = "failed"  # fetched | not_modified | failed | refused
    bytes: int = 0
    seconds: float = 0.0
    retries: int = 0
    redirects: int = 0
    detail: str = ""
    etag: str | None = None
    last_modified: str | None = None
    robots: str | None = None  # a robots.txt's text, remembered for a day

    @property
    def not_modified(self) -> bool:
        return self.outcome == "not_modified"


def validators(conn: sqlite3.Connection, url: str) -> tuple[str | None, str | None]:
    """The ETag and Last-Modified remembered for ``url`` (None, None when none are)."""
    row = conn.execute("SELECT etag, last_modified FROM fetch_cache WHERE url=?", (url,)).fetchone()
    return (row[0], row[1]) if row else (None, None)


def robots_rules(conn: sqlite3.Connection, url: str, max_age: float) -> str | None:
    """The robots.txt remembered for ``url`` when it was fetched under ``max_age`` seconds ago."""
    row = conn.execute(
        "SELECT robots, updated_at FROM fetch_cache WHERE url=? AND robots IS NOT NULL", (url,)
    ).fetchone()
    if row is None:
        return None
    age = datetime.now(UTC) - datetime.fromisoformat(row[1])
    return str(row[0]) if age.total_seconds() < max_age else None


def last_kind(conn: sqlite3.Connection, url: str) -> str | None:
    """What ``url`` was (page or feed) when it was last fetched whole."""
    row = conn.execute(
        "SELECT kind FROM fetches WHERE url=? AND outcome='fetched' ORDER BY id DESC LIMIT 1",
        (url,),
    ).fetchone()
    return str(row[0]) if row else None


def seen_origin(conn: sqlite3.Connection, origin: str) -> bool:
    """Whether an article was already stored from ``origin`` (a feed item's link)."""
    row = conn.execute("SELECT 1 FROM sightings WHERE origin=? LIMIT 1", (origin,)).fetchone()
    return row is not None


def save_fetches(
    conn: sqlite3.Connection,
    run_id: int | None,
    records: list[FetchRecord],
    *,
    remember: bool = True,
) -> None:
    """Write ``records`` for the run; with ``remember``, keep (or forget) each fetched URL's
    validators for the next conditional GET."""
    stamp = now_iso()
    conn.executemany(
        "INSERT INTO fetches (run_id, url, final_url, kind, status, outcome, bytes, seconds,"
        " retries, redirects, detail, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [_row(run_id, r, stamp) for r in records],
    )
    if not remember:
        return
    for r in records:
        if r.outcome != "fetched" or not r.final_url:
            continue
        if r.kind == "robots":
            if r.robots is not None:  # kept under the URL asked for: /robots.txt of the host
                conn.execute(
                    "INSERT OR REPLACE INTO fetch_cache VALUES (?, NULL, NULL, ?, ?)",
                    (r.url, stamp, r.robots),
                )
        elif r.etag or r.last_modified:
            conn.execute(
                "INSERT OR REPLACE INTO fetch_cache VALUES (?, ?, ?, ?, NULL)",
                (r.final_url, r.etag, r.last_modified, stamp),
            )
        else:
            conn.execute("DELETE FROM fetch_cache WHERE url=?", (r.final_url,))


def _row(run_id: int | None, r: FetchRecord, stamp: str) -> tuple[Any, ...]:
    return (
        run_id, r.url, r.final_url, r.kind, r.status, r.outcome, r.bytes, round(r.seconds, 4),
        r.retries, r.redirects, r.detail, stamp,
    )  # fmt: skip


def list_fetches(
    conn: sqlite3.Connection, run_id: int | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """The fetches of run ``run_id`` (default: the latest run that fetched), in order."""
    if run_id is None:
        row = conn.execute("SELECT max(run_id) FROM fetches").fetchone()
        run_id = row[0] if row else None
        if run_id is None:
            return []
    sql = (
        "SELECT run_id, url, final_url, kind, status, outcome, bytes, seconds, retries,"
        " redirects, detail, fetched_at FROM fetches WHERE run_id=? ORDER BY id"
    )
    rows = conn.execute(sql + (f" LIMIT {int(limit)}" if limit else ""), (run_id,))
    return [dict(r) for r in rows]
