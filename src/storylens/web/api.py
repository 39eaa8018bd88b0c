"""The REST API, ``/api/v1``: JSON over :mod:`storylens.queries`, ingest through the pipeline.

Lists are pages (``limit`` 1–200, default 50; ``offset``) answered as
``{"items": [...], "total": n, "limit": l, "offset": o}``. Errors: see ``app.error_body``.

Seam for the enrich and compare stages: the story detail gains ``summary``, ``timeline`` and
``comparison``; the article detail gains ``sentences``, ``entities``, ``quotes`` and
``claims``; ``/entities`` and ``/claims`` join the routes below (docs/api.md, "Coming").
"""

from __future__ import annotations

import json
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, File, Query, UploadFile

from storylens import queries
from storylens.errors import StorylensError
from storylens.models import short_hash
from storylens.web.app import Web, web
from storylens.web.schemas import (
    ArticleDetail,
    ArticleIn,
    ArticleSummary,
    ErrorBody,
    IngestResult,
    Outlet,
    Page,
    ProblemRecord,
    SearchHit,
    StoryDetail,
    StorySummary,
)

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in ((400, "Bad request"), (404, "Not found"), (422, "Invalid parameters"),
                         (500, "Internal error"))
}  # fmt: skip
router = APIRouter(responses=ERRORS)

State = Annotated[Web, Depends(web)]
Limit = Annotated[int, Query(ge=1, le=200, description="Items per page (1–200).")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip.")]
Day = Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="A day, YYYY-MM-DD.")
Since = Annotated[str | None, Day]
Until = Annotated[str | None, Day]
OutletFilter = Annotated[str | None, Query(max_length=500, description="Outlet name, any case.")]


def page(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/stories", response_model=Page[StorySummary], tags=["stories"])
def stories(
    state: State,
    limit: Limit = 50,
    offset: Offset = 0,
    min_size: Annotated[int, Query(ge=1, le=1_000_000, description="Least reports.")] = 1,
    outlet: OutletFilter = None,
    since: Since = None,
    until: Until = None,
) -> dict[str, Any]:
    """Stories, most recently active first. ``since``/``until`` keep the stories active on or
    after / before those days."""
    items, total = queries.stories_page(
        state.store, limit=limit, offset=offset, min_size=min_size, outlet=outlet,
        since=since, until=until,
    )  # fmt: skip
    return page(items, total, limit, offset)


def story_record(state: Web, story_id: str) -> dict[str, Any]:
    """A story, its reports in time order, the copies among them and its daily activity."""
    detail = queries.story_detail(state.store, story_id)
    detail.pop("by_outlet")
    detail["copies"] = queries.story_copies(state.store, detail["id"])
    days = queries.story_activity(state.store, [detail["id"]])[detail["id"]]
    detail["activity"] = [{"day": d, "reports": n} for d, n in days]
    return detail


@router.get("/stories/{story_id}", response_model=StoryDetail, tags=["stories"])
def story(state: State, story_id: str) -> dict[str, Any]:
    """One story (by id, or a unique start of one of at least 4 characters)."""
    return story_record(state, story_id)


@router.get("/articles", response_model=Page[ArticleSummary], tags=["articles"])
def articles(
    state: State,
    limit: Limit = 50,
    offset: Offset = 0,
    outlet: OutletFilter = None,
    since: Since = None,
    until: Until = None,
    q: Annotated[str | None, Query(max_length=500, description="Full-text filter.")] = None,
) -> dict[str, Any]:
    """Articles, newest first."""
    found, total = queries.articles_page(
        state.store, outlet=outlet, since=since, until=until, text=q, limit=limit, offset=offset
    )
    return page([queries.article_summary(a) for a in found], total, limit, offset)


def article_record(state: Web, article_id: str) -> dict[str, Any]:
    record = queries.article_detail(state.store, article_id)
    record.update(queries.article_context(state.store, record["id"]))
    return record


@router.get("/articles/{article_id}", response_model=ArticleDetail, tags=["articles"])
def article(state: State, article_id: str) -> dict[str, Any]:
    """One article: metadata, paragraphs, cleaning notes, where it was seen, its story and its
    copies (by id, or a unique start of one of at least 4 characters)."""
    return article_record(state, article_id)


@router.get("/search", response_model=Page[SearchHit], tags=["articles"])
def search(
    state: State,
    q: Annotated[
        str, Query(min_length=1, max_length=500, description='Words, "a phrase", OR, NOT, prefix*.')
    ],
    limit: Limit = 50,
    offset: Offset = 0,
    outlet: OutletFilter = None,
    since: Since = None,
    until: Until = None,
) -> dict[str, Any]:
    """Full-text search over titles (weighted 5×) and text, best first (BM25)."""
    hits, total = queries.search_page(
        state.store, q, outlet=outlet, since=since, until=until, limit=limit, offset=offset
    )
    items = [
        {"id": h.article_id, "title": h.title, "outlet": h.outlet, "published": h.published,
         "score": round(h.score, 3), "snippet": queries.highlight(h.snippet, "**", "**")}
        for h in hits
    ]  # fmt: skip
    return page(items, total, limit, offset)


@router.get("/outlets", response_model=list[Outlet], tags=["outlets"])
def outlets(state: State) -> list[dict[str, Any]]:
    """Every outlet with its number of articles and stories, most articles first."""
    return queries.list_outlets(state.store)


@router.get("/outlets/{name}", response_model=Outlet, tags=["outlets"])
def outlet(state: State, name: str) -> dict[str, Any]:
    """One outlet, by name (any case)."""
    return queries.outlet_detail(state.store, name)


@router.get("/problems", response_model=Page[ProblemRecord], tags=["ingest"])
def problems(state: State, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Inputs that could not be used, with the reason."""
    rows, total = queries.problems_page(state.store, limit, offset)
    return page(rows, total, limit, offset)


Cluster = Annotated[
    bool,
    Query(description="Also link duplicates and place new articles in stories (a cluster run)."),
]


@router.post("/ingest/file", response_model=IngestResult, tags=["ingest"])
def ingest_file(
    state: State,
    file: Annotated[UploadFile, File(description="Text, Markdown, HTML, feed, JSON(L), CSV.")],
    cluster: Cluster = False,
) -> dict[str, Any]:
    """Ingest one uploaded file, of any format storylens reads (detected from the content)."""
    limit = float(state.settings.get("ingest.max_file_mb")) * 1_000_000
    data = file.file.read(int(limit) + 1 if limit else -1)
    name = PurePath((file.filename or "upload").replace("\\", "/")).name or "upload"
    return _ingest(state, f"upload:{name}", data, name, cluster)


@router.post("/ingest/article", response_model=IngestResult, tags=["ingest"])
def ingest_article(
    state: State, article: Annotated[ArticleIn, Body()], cluster: Cluster = False
) -> dict[str, Any]:
    """Ingest one report given as JSON. Posting the same report again leaves it unchanged."""
    record = article.model_dump(exclude_none=True)
    data = json.dumps(record, ensure_ascii=False).encode("utf-8")
    origin = f"api:{article.url}" if article.url else f"api:{short_hash(data.decode())}"
    return _ingest(state, origin, data, "article.json", cluster)


def _ingest(state: Web, origin: str, data: bytes, name: str, cluster: bool) -> dict[str, Any]:
    from storylens.ingest.sources import Source
    from storylens.pipeline import build_stories, ingest

    limit = float(state.settings.get("ingest.max_file_mb")) * 1_000_000
    if limit and len(data) > limit:
        raise StorylensError(
            f"the upload is {len(data) / 1e6:.1f} MB, over the limit of {limit / 1e6:g} MB",
            hint="Raise ingest.max_file_mb, or use storylens ingest for large exports.",
        )
    source = Source(origin=origin, path=Path(name), data=data)  # the path gives only the suffix
    with state.write_lock:
        report = ingest(state.store, [origin], state.settings, sources=[source])
        stories = build_stories(state.store, state.settings)[1].stories if cluster else None
    return {
        "run": report.run_id,
        "added": report.counts.added,
        "updated": report.counts.updated,
        "unchanged": report.counts.unchanged,
        "duplicates": report.counts.duplicates,
        "articles": queries.stored_in_run(state.store, report.run_id),
        "problems": [
            {"origin": p.origin, "item": p.item, "reason": p.reason, "detail": p.detail}
            for p in report.problems
        ],
        "stories": stories,
        "seconds": round(report.seconds, 3),
    }
