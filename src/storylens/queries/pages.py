"""Read queries for the web pages, the API and the static site: pages of stories, articles,
search results, outlets and problems, with their totals."""

from __future__ import annotations

import json
from typing import Any

from storylens.errors import NotFoundError, StorylensError
from storylens.models import Article
from storylens.queries import list_articles
from storylens.store import Store
from storylens.store.search import MARK_END, MARK_START, Hit

# Kept together at the end of the file so that merges with the enrich/compare work stay easy.


def _story_filters(
    min_size: int, outlet: str | None, since: str | None, until: str | None
) -> tuple[str, list[Any]]:
    where, args = ["size >= ?"], [min_size]  # type: list[str], list[Any]
    for sql, value in (
        ("EXISTS (SELECT 1 FROM json_each(stories.outlets) o WHERE o.value = ? COLLATE NOCASE)",
         outlet),
        ("last_seen >= ?", since),
        ("first_seen < ?", until),
    ):  # fmt: skip
        if value:
            where.append(sql)
            args.append(value)
    return " WHERE " + " AND ".join(where), args


def stories_page(
    store: Store,
    *,
    limit: int = 50,
    offset: int = 0,
    min_size: int = 1,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Stories, most recently active first, filtered; and how many match in all."""
    where, args = _story_filters(min_size, outlet, since, until)
    total = store.conn.execute(f"SELECT count(*) FROM stories{where}", args).fetchone()[0]
    rows = store.conn.execute(
        f"SELECT * FROM stories{where} ORDER BY last_seen IS NULL, last_seen DESC, id"
        " LIMIT ? OFFSET ?",
        [*args, limit, offset],
    ).fetchall()
    items = [dict(r) for r in rows]
    for item in items:
        item["outlets"], item["terms"] = json.loads(item["outlets"]), json.loads(item["terms"])
    return items, int(total)


def story_activity(store: Store, story_ids: list[str]) -> dict[str, list[tuple[str, int]]]:
    """Reports per day (UTC) for each story, days in order; undated reports are left out."""
    out: dict[str, list[tuple[str, int]]] = {sid: [] for sid in story_ids}
    if not story_ids:
        return out
    marks = ", ".join("?" * len(story_ids))
    rows = store.conn.execute(
        "SELECT m.story_id, substr(a.published, 1, 10) AS day, count(*) FROM story_members m"
        f" JOIN articles a ON a.id = m.article_id WHERE m.story_id IN ({marks})"
        " AND a.published IS NOT NULL GROUP BY m.story_id, day ORDER BY m.story_id, day",
        story_ids,
    )
    for story_id, day, n in rows:
        out[story_id].append((day, n))
    return out


def activity(store: Store, outlet: str | None = None) -> list[tuple[str, int]]:
    """Reports per day (UTC) over the whole store, or one outlet's."""
    where, args = ("AND outlet = ? COLLATE NOCASE", [outlet]) if outlet else ("", [])
    rows = store.conn.execute(
        "SELECT substr(published, 1, 10) AS day, count(*) FROM articles"
        f" WHERE published IS NOT NULL {where} GROUP BY day ORDER BY day",
        args,
    )
    return [(d, n) for d, n in rows]


def story_copies(store: Store, story_id: str) -> list[dict[str, Any]]:
    """The near duplicates and wire copies among a story's reports: each copy with the article
    it copies, the similarity and the sentences the copy added and removed."""
    rows = store.conn.execute(
        "SELECT d.kind, d.similarity, d.added, d.removed,"
        " c.id AS copy_id, c.title AS copy_title, c.outlet AS copy_outlet,"
        " c.published AS copy_published,"
        " o.id AS original_id, o.title AS original_title, o.outlet AS original_outlet,"
        " o.published AS original_published"
        " FROM story_members m JOIN duplicates d ON d.article_id = m.article_id"
        " JOIN articles c ON c.id = d.article_id JOIN articles o ON o.id = d.canonical_id"
        " WHERE m.story_id = ? ORDER BY o.published, o.id, c.published, c.id",
        (story_id,),
    )
    keys = ("id", "title", "outlet", "published")
    return [
        {"kind": r["kind"], "similarity": round(r["similarity"], 3),
         "copy": {k: r[f"copy_{k}"] for k in keys},
         "original": {k: r[f"original_{k}"] for k in keys},
         "added": json.loads(r["added"]), "removed": json.loads(r["removed"])}
        for r in rows
    ]  # fmt: skip


def articles_page(
    store: Store,
    *,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    text: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Article], int]:
    """Articles newest first, filtered as :func:`list_articles`; and how many match in all."""
    from storylens.store.search import to_match

    found = list_articles(
        store, outlet=outlet, since=since, until=until, text=text, limit=limit, offset=offset
    )
    where, args = _article_filters(outlet, since, until, to_match(text) if text else "")
    total = store.conn.execute(f"SELECT count(*) FROM articles{where}", args).fetchone()[0]
    return found, int(total)


def _article_filters(
    outlet: str | None, since: str | None, until: str | None, match: str, alias: str = ""
) -> tuple[str, list[Any]]:
    where, args = [], []  # type: list[str], list[Any]
    for sql, value in (
        (f"{alias}outlet = ? COLLATE NOCASE", outlet),
        (f"{alias}published >= ?", since),
        (f"{alias}published < ?", until),
        ("rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)", match),
    ):
        if value:
            where.append(sql)
            args.append(value)
    return (" WHERE " + " AND ".join(where) if where else ""), args


def search_page(
    store: Store,
    query: str,
    *,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[Hit], int]:
    """Full-text search (as :func:`search_articles`) with outlet and date filters, and the
    number of matches in all."""
    import sqlite3

    from storylens.store.search import to_match

    match = to_match(query)
    if not match.strip():
        raise StorylensError(
            f"nothing to search for in {query!r}", hint="Give at least one word to look for."
        )
    where, args = _article_filters(outlet, since, until, "", alias="a.")
    cond = where.replace(" WHERE ", " AND ", 1)
    sql = (
        "SELECT a.id, a.title, a.outlet, a.published, bm25(articles_fts, 5.0, 1.0) AS score,"
        f" snippet(articles_fts, 1, '{MARK_START}', '{MARK_END}', ' … ', 16) AS snip"
        f" FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
        f" WHERE articles_fts MATCH ?{cond} ORDER BY score LIMIT ? OFFSET ?"
    )
    count = (
        "SELECT count(*) FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
        f" WHERE articles_fts MATCH ?{cond}"
    )
    try:
        rows = store.conn.execute(sql, [match, *args, limit, offset]).fetchall()
        total = store.conn.execute(count, [match, *args]).fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise StorylensError(
            f"cannot search for {query!r}: {exc}",
            hint='Check quotes and operators (OR, NOT, NEAR, "exact phrase", prefix*).',
        ) from None
    hits = [Hit(r[0], r[1], r[2], r[3], -float(r[4]), r[5] or "") for r in rows]
    return hits, int(total)


def article_context(store: Store, article_id: str) -> dict[str, Any]:
    """Where an article stands: its story, the article it copies, the copies of it."""
    conn = store.conn
    story = conn.execute(
        "SELECT s.id, s.title, s.size, m.decision FROM story_members m"
        " JOIN stories s ON s.id = m.story_id WHERE m.article_id = ?",
        (article_id,),
    ).fetchone()
    copy_of = conn.execute(
        "SELECT d.kind, d.similarity, d.added, d.removed, a.id, a.title, a.outlet, a.published"
        " FROM duplicates d JOIN articles a ON a.id = d.canonical_id WHERE d.article_id = ?",
        (article_id,),
    ).fetchone()
    copies = conn.execute(
        "SELECT d.kind, d.similarity, a.id, a.title, a.outlet, a.published FROM duplicates d"
        " JOIN articles a ON a.id = d.article_id WHERE d.canonical_id = ?"
        " ORDER BY a.published, a.id",
        (article_id,),
    ).fetchall()
    summary = ("id", "title", "outlet", "published")
    return {
        "story": dict(story) if story else None,
        "copy_of": {
            **{k: copy_of[k] for k in summary},
            "kind": copy_of["kind"],
            "similarity": round(copy_of["similarity"], 3),
            "added": json.loads(copy_of["added"]),
            "removed": json.loads(copy_of["removed"]),
        }
        if copy_of
        else None,
        "copies": [{**{k: c[k] for k in summary}, "kind": c["kind"],
                    "similarity": round(c["similarity"], 3)} for c in copies],
    }  # fmt: skip


def list_outlets(store: Store) -> list[dict[str, Any]]:
    """Every outlet with its number of articles and stories and its first and last report."""
    rows = store.conn.execute(
        "SELECT a.outlet AS name, o.domain, count(*) AS articles,"
        " min(a.published) AS first_published, max(a.published) AS last_published"
        " FROM articles a LEFT JOIN outlets o ON o.name = a.outlet"
        " WHERE a.outlet IS NOT NULL GROUP BY a.outlet ORDER BY articles DESC, a.outlet"
    ).fetchall()
    stories = dict(
        store.conn.execute(
            "SELECT o.value, count(*) FROM stories s, json_each(s.outlets) o GROUP BY o.value"
        ).fetchall()
    )
    return [{**dict(r), "stories": stories.get(r["name"], 0)} for r in rows]


def outlet_detail(store: Store, name: str) -> dict[str, Any]:
    """One outlet (any case): counts, dates and domain."""
    row = store.conn.execute(
        "SELECT a.outlet AS name, o.domain, count(*) AS articles,"
        " min(a.published) AS first_published, max(a.published) AS last_published"
        " FROM articles a LEFT JOIN outlets o ON o.name = a.outlet"
        " WHERE a.outlet = ? COLLATE NOCASE GROUP BY a.outlet",
        (name,),
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no outlet named {name!r}", hint="List outlets with: storylens stats")
    return dict(row)


def problems_page(
    store: Store, limit: int = 50, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Recorded problems (as :func:`list_problems`), a page of them, and how many in all."""
    rows = store.conn.execute(
        "SELECT origin, item, reason, detail, run_id, created_at FROM problems"
        " ORDER BY origin, item LIMIT ? OFFSET ?",
        (limit, offset),
    ).fetchall()
    total = store.conn.execute("SELECT count(*) FROM problems").fetchone()[0]
    return [dict(r) for r in rows], int(total)


def stored_in_run(store: Store, run_id: int) -> list[dict[str, Any]]:
    """The articles an ingest run stored or saw again (one per sighting), with their story."""
    rows = store.conn.execute(
        "SELECT a.id, a.title, a.outlet, a.published, s.origin, s.kind, m.story_id"
        " FROM sightings s JOIN articles a ON a.id = s.article_id"
        " LEFT JOIN story_members m ON m.article_id = a.id"
        " WHERE s.run_id = ? ORDER BY s.origin, a.id",
        (run_id,),
    )
    return [dict(r) for r in rows]


def new_since(store: Store, story_ids: list[str], since: str | None) -> dict[str, list[str]]:
    """For each story, its reports stored after ``since`` (an ISO time: the reader's last
    visit), oldest first; none when ``since`` is None (a first visit marks nothing)."""
    out: dict[str, list[str]] = {sid: [] for sid in story_ids}
    if since is None or not story_ids:
        return out
    marks = ", ".join("?" * len(story_ids))
    rows = store.conn.execute(
        "SELECT m.story_id, a.id FROM story_members m JOIN articles a ON a.id = m.article_id"
        f" WHERE m.story_id IN ({marks}) AND a.ingested_at > ? ORDER BY a.ingested_at, a.id",
        [*story_ids, since],
    )
    for story_id, article_id in rows:
        out[story_id].append(article_id)
    return out
