"""The articles table: writing cleaned articles and reading them back."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from storylens.errors import InputError, StorylensError
from storylens.models import Article, Paragraph
from storylens.store.db import now_iso
from storylens.store.search import to_match

Outcome = Literal["added", "updated", "unchanged", "duplicate"]

COLUMNS = (
    "id, outlet, via, domain, url, title, title_derived, description, authors, published,"
    " published_precision, language, categories, image, credits, featured, paragraphs, body,"
    " format, origin, content_hash, extra, notes, revision"
)


@dataclass(slots=True)
class WriteResult:
    outcome: Outcome
    article_id: str
    duplicate_of: str | None = None


def write_article(conn: sqlite3.Connection, article: Article, run_id: int | None) -> WriteResult:
    """Store one article and say what happened.

    - same id, same text: ``unchanged`` (the input is remembered as a sighting);
    - same id (same URL), different text: the newer version is kept, the revision counted
      (``updated``), or the stored one is kept if it is newer (still a counted revision);
    - a different id with exactly the same text: ``duplicate`` of the stored article, kept as a
      sighting of it rather than a second article.
    """
    row = conn.execute(
        "SELECT content_hash, published, revision FROM articles WHERE id=?", (article.id,)
    ).fetchone()
    if row is not None:
        if row["content_hash"] == article.content_hash:
            seen = conn.execute(
                "SELECT 1 FROM sightings WHERE article_id=? AND origin=?",
                (article.id, article.origin),
            ).fetchone()
            if seen:
                return WriteResult("unchanged", article.id)
            # the same title and text from another input: an exact copy
            _sight(conn, article.id, article, "copy", run_id)
            return WriteResult("duplicate", article.id, duplicate_of=article.id)
        keep_new = _is_newer(article.published, row["published"])
        revision = int(row["revision"]) + 1
        if keep_new:
            article.revision = revision
            _upsert(conn, article, run_id, replace=True)
        else:
            conn.execute("UPDATE articles SET revision=? WHERE id=?", (revision, article.id))
        _sight(conn, article.id, article, "original", run_id)
        return WriteResult("updated", article.id)

    twin = conn.execute(
        "SELECT id FROM articles WHERE content_hash=? LIMIT 1", (article.content_hash,)
    ).fetchone()
    if twin is not None:
        _sight(conn, twin["id"], article, "copy", run_id)
        return WriteResult("duplicate", twin["id"], duplicate_of=twin["id"])

    _upsert(conn, article, run_id, replace=False)
    _sight(conn, article.id, article, "original", run_id)
    return WriteResult("added", article.id)


def _is_newer(new: datetime | None, stored: str | None) -> bool:
    if new is None or stored is None:
        return True
    return new >= datetime.fromisoformat(stored)


def _ensure_outlet(conn: sqlite3.Connection, name: str | None, domain: str | None) -> None:
    if name:
        conn.execute(
            "INSERT INTO outlets (name, domain) VALUES (?, ?) ON CONFLICT(name) DO UPDATE"
            " SET domain=coalesce(outlets.domain, excluded.domain)",
            (name, domain),
        )


def _upsert(conn: sqlite3.Connection, a: Article, run_id: int | None, *, replace: bool) -> None:
    _ensure_outlet(conn, a.outlet, a.extra.get("_domain"))
    extra = {k: v for k, v in a.extra.items() if not k.startswith("_")}
    values = (
        a.id,
        a.outlet,
        a.via,
        a.extra.get("_domain"),
        a.url,
        a.title,
        int(a.title_derived),
        a.description,
        json.dumps(a.authors, ensure_ascii=False),
        a.published.isoformat() if a.published else None,
        a.published_precision,
        a.language,
        json.dumps(a.categories, ensure_ascii=False),
        a.image,
        json.dumps(a.credits, ensure_ascii=False),
        None if a.featured is None else int(a.featured),
        json.dumps([[p.text, p.kind] for p in a.paragraphs], ensure_ascii=False),
        a.body,
        a.format,
        a.origin,
        a.content_hash,
        json.dumps(extra, ensure_ascii=False, default=str),
        json.dumps(a.notes, ensure_ascii=False),
        a.revision,
    )
    now = now_iso()
    if replace:
        sets = ", ".join(f"{c.strip()}=?" for c in COLUMNS.split(",")[1:])
        conn.execute(
            f"UPDATE articles SET {sets}, run_id=?, updated_at=? WHERE id=?",
            (*values[1:], run_id, now, a.id),
        )
    else:
        marks = ", ".join("?" * (len(values) + 3))
        conn.execute(
            f"INSERT INTO articles ({COLUMNS}, run_id, ingested_at, updated_at) VALUES ({marks})",
            (*values, run_id, now, now),
        )


def _sight(
    conn: sqlite3.Connection, article_id: str, a: Article, kind: str, run_id: int | None
) -> None:
    conn.execute(
        "INSERT INTO sightings (article_id, origin, content_hash, kind, run_id, seen_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(article_id, origin) DO UPDATE SET"
        " content_hash=excluded.content_hash, run_id=excluded.run_id, seen_at=excluded.seen_at",
        (article_id, a.origin, a.content_hash, kind, run_id, now_iso()),
    )


def row_to_article(row: sqlite3.Row) -> Article:
    """Rebuild an :class:`Article` from a row selected with :data:`COLUMNS`."""
    published = row["published"]
    return Article(
        id=row["id"],
        outlet=row["outlet"],
        via=row["via"],
        url=row["url"],
        title=row["title"],
        title_derived=bool(row["title_derived"]),
        description=row["description"],
        authors=json.loads(row["authors"]),
        published=datetime.fromisoformat(published) if published else None,
        published_precision=row["published_precision"],
        language=row["language"],
        categories=json.loads(row["categories"]),
        image=row["image"],
        credits=json.loads(row["credits"]),
        featured=None if row["featured"] is None else bool(row["featured"]),
        paragraphs=[Paragraph(t, k) for t, k in json.loads(row["paragraphs"])],
        format=row["format"],
        origin=row["origin"],
        content_hash=row["content_hash"],
        extra=json.loads(row["extra"]),
        notes=json.loads(row["notes"]),
        revision=row["revision"],
    )


def get_article(conn: sqlite3.Connection, article_id: str) -> Article | None:
    row = conn.execute(f"SELECT {COLUMNS} FROM articles WHERE id=?", (article_id,)).fetchone()
    return row_to_article(row) if row else None


def find_ids(conn: sqlite3.Connection, prefix: str) -> list[str]:
    """Ids starting with ``prefix`` (users type short ids, like git)."""
    rows = conn.execute(
        "SELECT id FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT 5",
        (prefix, prefix + "\uffff"),
    ).fetchall()
    return [r[0] for r in rows]


def select_articles(
    conn: sqlite3.Connection,
    *,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    text: str | None = None,
    limit: int | None = 50,
    offset: int = 0,
) -> list[Article]:
    """Articles newest first, filtered by outlet (case-insensitive), date range and the words
    of ``text`` (full-text, as :func:`~storylens.store.search.to_match` reads them)."""
    where, args = [], []  # type: list[str], list[Any]
    if outlet:
        where.append("outlet = ? COLLATE NOCASE")
        args.append(outlet)
    if since:
        where.append("published >= ?")
        args.append(since)
    if until:
        where.append("published < ?")
        args.append(until)
    match = to_match(text) if text else ""
    if match:
        where.append("rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        args.append(match)
    sql = f"SELECT {COLUMNS} FROM articles"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY published IS NULL, published DESC, id"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        args += [limit, offset]
    try:
        return [row_to_article(r) for r in conn.execute(sql, args)]
    except sqlite3.OperationalError as exc:  # FTS5 syntax in the text filter
        raise StorylensError(
            f"cannot filter by text {text!r}: {exc}",
            hint='Check quotes and operators (OR, NOT, NEAR, "exact phrase", prefix*).',
        ) from None


def sightings(conn: sqlite3.Connection, article_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT origin, kind, seen_at FROM sightings WHERE article_id=? ORDER BY seen_at, origin",
        (article_id,),
    )
    return [dict(r) for r in rows]


def relabel_outlets(conn: sqlite3.Connection) -> int:
    """Name outlets that were only known by a host, from what other reports taught.

    A report that gives both an outlet name and a URL teaches that the domain belongs to that
    outlet; reports known only by that domain (their URL or image host) then take the name.
    Done after each ingest, so the result does not depend on the order inputs were read in.
    """
    learned = conn.execute(
        "SELECT domain, name FROM outlets WHERE domain IS NOT NULL AND name != domain"
    ).fetchall()
    changed = 0
    for domain, name in learned:
        cur = conn.execute(
            "UPDATE articles SET outlet=? WHERE (outlet IS NULL OR outlet=domain)"
            " AND (domain=? OR domain LIKE ?)",
            (name, domain, f"%.{domain}"),
        )
        changed += cur.rowcount
    conn.execute(
        "DELETE FROM outlets WHERE name NOT IN (SELECT DISTINCT outlet FROM articles"
        " WHERE outlet IS NOT NULL)"
    )
    return changed


def relabel_one(conn: sqlite3.Connection, article_id: str, learned_before: set[str]) -> list[str]:
    """:func:`relabel_outlets` for one new article (a live add): it takes the name of the
    outlet its host is known to belong to, and when it is the first report to teach a host's
    name (not in ``learned_before``), the reports known only by that host take it. Returns the
    articles renamed."""
    row = conn.execute("SELECT outlet, domain FROM articles WHERE id=?", (article_id,)).fetchone()
    if row is None or not row["domain"]:
        return []
    outlet, domain = row["outlet"], row["domain"]
    learned = conn.execute(
        "SELECT domain, name FROM outlets WHERE domain IS NOT NULL AND name != domain"
    ).fetchall()
    if outlet is None or outlet == domain:
        for host, name in learned:
            if domain == host or domain.endswith("." + host):
                conn.execute("UPDATE articles SET outlet=? WHERE id=?", (name, article_id))
                return [article_id]
    renamed: list[str] = []
    for host, name in learned:
        if host in learned_before or name != outlet:
            continue
        where = "(outlet IS NULL OR outlet=domain) AND (domain=? OR domain LIKE ?)"
        args = (host, f"%.{host}")
        renamed += [r[0] for r in conn.execute(f"SELECT id FROM articles WHERE {where}", args)]
        conn.execute(f"UPDATE articles SET outlet=? WHERE {where}", (name, *args))
    return renamed


def learned_hosts(conn: sqlite3.Connection) -> set[str]:
    """Hosts whose outlet name the store has learned (see :func:`relabel_outlets`)."""
    rows = conn.execute("SELECT domain FROM outlets WHERE domain IS NOT NULL AND name != domain")
    return {r[0] for r in rows}


def outlets_of(conn: sqlite3.Connection, article_ids: list[str]) -> dict[str, str | None]:
    """The outlet of each of ``article_ids``."""
    out: dict[str, str | None] = {}
    for i in range(0, len(article_ids), 500):
        chunk = article_ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        out.update(conn.execute(f"SELECT id, outlet FROM articles WHERE id IN ({marks})", chunk))
    return out


def write_safely(conn: sqlite3.Connection, article: Article, run_id: int | None) -> str:
    """Write one article inside a savepoint: a value that cannot be stored (text that is not
    valid Unicode) undoes this article's writes only and raises :class:`InputError`."""
    conn.execute("SAVEPOINT article")
    try:
        outcome = write_article(conn, article, run_id).outcome
    except (UnicodeEncodeError, RecursionError, OverflowError) as exc:
        conn.execute("ROLLBACK TO article")
        conn.execute("RELEASE article")
        raise InputError(unstorable(exc)) from None
    conn.execute("RELEASE article")
    return outcome


def unstorable(exc: Exception) -> str:
    """Why a value could not be cleaned or stored, in words."""
    if isinstance(exc, UnicodeEncodeError):
        bad = exc.object[exc.start : exc.end] if isinstance(exc.object, str) else ""
        code = f" (\\u{ord(bad[0]):04x})" if bad else ""
        return f"a lone surrogate{code} in the report is not Unicode text: it cannot be stored"
    if isinstance(exc, RecursionError):
        return "the report is nested too deeply to store"
    return f"the report holds a value that cannot be stored ({type(exc).__name__}: {exc})"
