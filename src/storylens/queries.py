"""The read side shared by the CLI, the API and the web pages. No printing, no SQL outside."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from storylens.errors import NotFoundError, StorylensError
from storylens.models import Article
from storylens.store import Store
from storylens.store.articles import find_ids, get_article, select_articles, sightings
from storylens.store.search import MARK_END, MARK_START, Hit, search

__all__ = [
    "article_detail",
    "article_summary",
    "export_rows",
    "find_article",
    "list_articles",
    "list_problems",
    "search_articles",
    "stats",
]


def article_summary(a: Article) -> dict[str, Any]:
    """The fields a listing shows."""
    return {
        "id": a.id,
        "published": a.published.isoformat() if a.published else None,
        "outlet": a.outlet,
        "title": a.title,
        "title_derived": a.title_derived,
        "format": a.format,
        "words": len(a.body.split()),
    }


def article_record(a: Article) -> dict[str, Any]:
    """Everything about an article, JSON-ready."""
    record = asdict(a)
    record["published"] = a.published.isoformat() if a.published else None
    record["paragraphs"] = [{"text": p.text, "kind": p.kind} for p in a.paragraphs]
    return record


def find_article(store: Store, ref: str) -> Article:
    """An article by id or unique id prefix (at least 4 characters)."""
    article = get_article(store.conn, ref)
    if article is not None:
        return article
    matches = find_ids(store.conn, ref) if len(ref) >= 4 else []
    if len(matches) == 1:
        found = get_article(store.conn, matches[0])
        assert found is not None
        return found
    if len(matches) > 1:
        raise StorylensError(
            f"{ref!r} is the start of several article ids: {', '.join(matches)}",
            hint="Give more characters of the id.",
        )
    raise NotFoundError(
        f"no article with id {ref!r}",
        hint="List ids with: storylens articles (or storylens search WORDS).",
    )


def article_detail(store: Store, ref: str) -> dict[str, Any]:
    article = find_article(store, ref)
    record = article_record(article)
    record["sightings"] = sightings(store.conn, article.id)
    return record


def list_articles(
    store: Store,
    *,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    text: str | None = None,
    limit: int | None = 50,
    offset: int = 0,
) -> list[Article]:
    return select_articles(
        store.conn,
        outlet=outlet,
        since=since,
        until=until,
        text=text,
        limit=limit,
        offset=offset,
    )


def search_articles(store: Store, query: str, limit: int = 20, offset: int = 0) -> list[Hit]:
    return search(store.conn, query, limit, offset)


def highlight(snippet: str, start: str, end: str) -> str:
    """Replace the search markers with the caller's highlighting."""
    return snippet.replace(MARK_START, start).replace(MARK_END, end)


def list_problems(store: Store, limit: int | None = None) -> list[dict[str, Any]]:
    sql = (
        "SELECT p.origin, p.item, p.reason, p.detail, p.run_id, p.created_at FROM problems p"
        " ORDER BY p.origin, p.item"
    )
    rows = store.conn.execute(sql + (f" LIMIT {int(limit)}" if limit else ""))
    return [dict(r) for r in rows]


def stats(store: Store) -> dict[str, Any]:
    conn = store.conn

    def one(sql: str) -> Any:
        return conn.execute(sql).fetchone()[0]

    outlets = conn.execute(
        "SELECT coalesce(outlet, '(unknown)') AS outlet, count(*) AS articles FROM articles"
        " GROUP BY outlet ORDER BY articles DESC, outlet"
    ).fetchall()
    formats = conn.execute(
        "SELECT format, count(*) AS n FROM articles GROUP BY format ORDER BY n DESC"
    ).fetchall()
    last = conn.execute(
        "SELECT id, started_at, status, added, updated, unchanged, duplicates, problems"
        " FROM runs ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return {
        "store": str(store.path),
        "articles": one("SELECT count(*) FROM articles"),
        "copies": one("SELECT count(*) FROM sightings WHERE kind='copy'"),
        "revisions": one("SELECT coalesce(sum(revision - 1), 0) FROM articles"),
        "problems": one("SELECT count(*) FROM problems"),
        "outlets": {r["outlet"]: r["articles"] for r in outlets},
        "formats": {r["format"]: r["n"] for r in formats},
        "first_published": one("SELECT min(published) FROM articles"),
        "last_published": one("SELECT max(published) FROM articles"),
        "runs": one("SELECT count(*) FROM runs"),
        "last_run": dict(last) if last else None,
    }


EXPORT_FIELDS = (
    "id", "outlet", "via", "url", "title", "title_derived", "description", "authors",
    "published", "published_precision", "language", "categories", "image", "credits", "format",
    "origin", "content_hash", "body", "notes",
)  # fmt: skip


def export_rows(store: Store, outlet: str | None = None) -> Iterator[dict[str, Any]]:
    """Every article as a flat record (lists as lists; ``body`` without captions)."""
    offset, page = 0, 1000
    while True:
        batch = select_articles(store.conn, outlet=outlet, limit=page, offset=offset)
        if not batch:
            return
        for a in batch:
            record = article_record(a)
            record["body"] = a.body
            yield {k: record[k] for k in EXPORT_FIELDS}
        offset += page


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    """Lists become JSON text, for CSV."""
    return {
        k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in row.items()
    }


def list_stories(
    store: Store, limit: int | None = 50, offset: int = 0, min_size: int = 1
) -> list[dict[str, Any]]:
    from storylens.store.stories import list_stories as rows

    return [asdict(s) for s in rows(store.conn, limit, offset, min_size)]


def story_detail(store: Store, story_id: str) -> dict[str, Any]:
    """A story with its reports grouped by outlet, each group in time order."""
    from storylens.store.stories import get_story, members

    story = get_story(store.conn, story_id)
    if story is None:
        raise NotFoundError(
            f"no story with id {story_id!r}", hint="List stories with: storylens stories"
        )
    reports = members(store.conn, story.id)
    by_outlet: dict[str, list[dict[str, Any]]] = {}
    for r in reports:
        by_outlet.setdefault(r["outlet"] or "(unknown outlet)", []).append(r)
    return {**asdict(story), "reports": reports, "by_outlet": by_outlet}


def duplicate_groups(
    store: Store, kind: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    from storylens.store.duplicates import groups

    return groups(store.conn, kind, limit)


def why(store: Store, ref: str) -> dict[str, Any]:
    """Why an article is in its story: the score, the runner-up and the threshold."""
    from storylens.store.duplicates import canonical_of
    from storylens.store.stories import get_story, membership

    article = find_article(store, ref)
    m = membership(store.conn, article.id)
    if m is None:
        raise NotFoundError(
            f"article {article.id} is in no story yet", hint="Run: storylens cluster"
        )
    story = get_story(store.conn, m.story_id)
    runner = get_story(store.conn, m.runner_up) if m.runner_up else None
    return {
        "article": article_summary(article),
        "story": {"id": m.story_id, "title": story.title if story else None},
        "decision": m.decision,
        "score": m.score,
        "threshold": m.threshold,
        "runner_up": {"id": m.runner_up, "title": runner.title if runner else None,
                      "score": m.runner_up_score} if m.runner_up else None,
        "canonical": canonical_of(store.conn).get(article.id),
    }  # fmt: skip


# --- web, API and static site: read queries (issue 5) ---------------------------------------------
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
