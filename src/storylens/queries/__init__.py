"""The read side shared by the CLI, the API and the web pages. No printing, no SQL outside."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from storylens.errors import NotFoundError, StorylensError
from storylens.models import FORMULA_START, UNKNOWN_OUTLET, Article
from storylens.store import Store, fetches
from storylens.store.articles import find_ids, get_article, select_articles, sightings
from storylens.store.runs import interrupted_runs
from storylens.store.search import MARK_END, MARK_START, Hit, search


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


def count_stories(store: Store) -> int:
    """How many stories the store holds."""
    return int(store.conn.execute("SELECT count(*) FROM stories").fetchone()[0])


def list_fetches(
    store: Store, run_id: int | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """What the fetches of an ingest run did (default: the latest run that fetched)."""
    return fetches.list_fetches(store.conn, run_id, limit)


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
        "interrupted_runs": interrupted_runs(conn),
    }


def list_interrupted(store: Store) -> list[dict[str, Any]]:
    """Runs that were killed before their end and not completed since (newest first)."""
    return interrupted_runs(store.conn)


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
    """A row for CSV: lists become JSON text, and every text cell that a spreadsheet would run
    as a formula (it starts with ``= + - @``, a tab or a carriage return) starts with ``'``
    instead, as OWASP recommends against CSV injection (``=HYPERLINK(…)``, ``=cmd|…``)."""
    out = {}
    for key, value in row.items():
        if isinstance(value, list):
            value = json.dumps(value, ensure_ascii=False)
        if isinstance(value, str) and value.startswith(FORMULA_START):
            value = "'" + value
        out[key] = value
    return out


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
        by_outlet.setdefault(r["outlet"] or UNKNOWN_OUTLET, []).append(r)
    from storylens.queries.storylines import storyline_of_story

    return {
        **asdict(story),
        "reports": reports,
        "by_outlet": by_outlet,
        "storyline": storyline_of_story(store, story.id),
    }


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


# The rest of the read side, in modules of their own (they build on the functions above).
from storylens.queries.facts import (  # noqa: E402
    article_enrichment,
    entities_page,
    entity_detail,
    entity_labels,
    facts_page,
    list_claims,
    list_entities,
    list_quotes,
    story_analysis,
    story_comparison,
)
from storylens.queries.pages import (  # noqa: E402
    activity,
    article_context,
    articles_page,
    list_outlets,
    new_since,
    outlet_detail,
    problems_page,
    search_page,
    stored_in_run,
    stories_page,
    story_activity,
    story_copies,
)
from storylens.queries.storylines import (  # noqa: E402
    list_storylines,
    storyline_detail,
    storyline_of_story,
    storylines_page,
)

__all__ = [
    "activity",
    "article_context",
    "article_detail",
    "article_enrichment",
    "article_record",
    "article_summary",
    "articles_page",
    "duplicate_groups",
    "entities_page",
    "entity_detail",
    "entity_labels",
    "export_rows",
    "facts_page",
    "find_article",
    "flatten",
    "highlight",
    "list_articles",
    "list_claims",
    "list_entities",
    "list_fetches",
    "list_interrupted",
    "list_outlets",
    "list_problems",
    "list_quotes",
    "list_stories",
    "list_storylines",
    "new_since",
    "outlet_detail",
    "problems_page",
    "search_articles",
    "search_page",
    "stats",
    "stored_in_run",
    "stories_page",
    "story_activity",
    "story_analysis",
    "story_comparison",
    "story_copies",
    "story_detail",
    "storyline_detail",
    "storyline_of_story",
    "storylines_page",
    "why",
]
