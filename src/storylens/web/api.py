"""The REST API, ``/api/v1``: JSON over :mod:`storylens.queries`, ingest through the pipeline.

Lists are pages (``limit`` 1–200, default 50; ``offset``) answered as
``{"items": [...], "total": n, "limit": l, "offset": o}``. Errors: see ``app.error_body``.

What the enrich and compare stages found: the story detail carries its ``summary``,
``timeline`` and ``comparison`` (facts × outlets); the article detail its ``sentences``,
``mentions``, ``quotes`` and ``claims``; ``/entities``, ``/claims`` and ``/quotes`` list them.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, File, Query, UploadFile
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from storylens import queries
from storylens.models import short_hash
from storylens.web.app import Web, web
from storylens.web.schemas import (
    ArticleDetailFull,
    ArticleIn,
    ArticleSummary,
    ClaimRow,
    EntityDetail,
    EntitySummary,
    ErrorBody,
    IngestResult,
    Outlet,
    Page,
    ProblemRecord,
    QuoteRow,
    SearchHit,
    StoryDetailFull,
    StorySummary,
)
from storylens.web.security import token_matches

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in ((400, "Bad request"), (404, "Not found"), (422, "Invalid parameters"),
                         (500, "Internal error"), (503, "Busy: try again after Retry-After"))
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


def story_record(
    state: Web, story_id: str, facts_limit: int = 100, facts_offset: int = 0
) -> dict[str, Any]:
    """A story, its reports in time order, the copies among them, its daily activity, and a
    page of its comparison's facts."""
    detail = queries.story_detail(state.store, story_id)
    detail.pop("by_outlet")
    detail["copies"] = queries.story_copies(state.store, detail["id"])
    days = queries.story_activity(state.store, [detail["id"]])[detail["id"]]
    detail["activity"] = [{"day": d, "reports": n} for d, n in days]
    found = queries.story_analysis(state.store, detail["id"])
    detail["enriched"] = found.enriched
    detail["compared"] = found.compared
    detail["note"] = found.note
    detail["summary"] = found.summary
    detail["timeline"] = found.timeline
    facts = found.facts
    detail["comparison"] = {
        "outlets": found.outlets,
        "articles": found.articles,
        "facts": facts[facts_offset : facts_offset + facts_limit],
        "facts_total": len(facts),
        "facts_limit": facts_limit,
        "facts_offset": facts_offset,
    }
    return detail


@router.get("/stories/{story_id}", response_model=StoryDetailFull, tags=["stories"])
def story(
    state: State,
    story_id: str,
    facts_limit: Annotated[
        int, Query(ge=1, le=1000, description="Facts of the comparison per page (1–1000).")
    ] = 100,
    facts_offset: Annotated[
        int, Query(ge=0, le=1_000_000_000, description="Facts of the comparison to skip.")
    ] = 0,
) -> dict[str, Any]:
    """One story (by id, or a unique start of one of at least 4 characters): its reports,
    copies and activity, and what the compare stage found: the ``summary`` (each sentence
    with the outlets behind it), the ``timeline`` by day and the ``comparison`` (facts ×
    outlets, each cell pointing at its sentence; a page of ``facts_limit`` facts at a time,
    ``facts_total`` in all). Without enrichment (``storylens enrich --story ID``) the facts
    and summary are empty and ``enriched`` is 0."""
    return story_record(state, story_id, facts_limit, facts_offset)


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
    found = queries.article_enrichment(state.store, record["id"])
    record.update({k: found[k] for k in ("enriched", "sentences", "mentions", "quotes", "claims")})
    return record


@router.get("/articles/{article_id}", response_model=ArticleDetailFull, tags=["articles"])
def article(state: State, article_id: str) -> dict[str, Any]:
    """One article: metadata, paragraphs, cleaning notes, where it was seen, its story and its
    copies (by id, or a unique start of one of at least 4 characters); what the enrich stage
    found in it: ``sentences`` (offsets in their paragraph), entity ``mentions``, ``quotes``
    and numeric ``claims`` (offsets in their sentence)."""
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


Ref = Annotated[str | None, Query(max_length=100, description="Id, or a unique start of one.")]


@router.get("/entities", response_model=Page[EntitySummary], tags=["entities"])
def entities(
    state: State,
    limit: Limit = 50,
    offset: Offset = 0,
    q: Annotated[str | None, Query(max_length=200, description="Name or alias contains.")] = None,
    label: Annotated[
        str | None, Query(max_length=40, description="PERSON, ORG, PLACE, NORP, EVENT …")
    ] = None,
) -> dict[str, Any]:
    """Canonical entities, the most named (by number of articles) first."""
    rows, total = queries.entities_page(state.store, q or None, label or None, limit, offset)
    return page(rows, total, limit, offset)


@router.get("/entities/{key:path}", response_model=EntityDetail, tags=["entities"])
def entity(state: State, key: str) -> dict[str, Any]:
    """One entity by key (``PERSON:alexander lukashenko``, URL-encoded), name or alias: its
    aliases, place data, its stories over time and the articles naming it."""
    return queries.entity_detail(state.store, key)


@router.get("/claims", response_model=Page[ClaimRow], tags=["entities"])
def claims(
    state: State,
    limit: Limit = 50,
    offset: Offset = 0,
    story: Ref = None,
    article: Ref = None,
    subject: Annotated[str | None, Query(max_length=200, description="Subject contains.")] = None,
) -> dict[str, Any]:
    """Numeric claims with their sentence, newest reports first; filters ``story``,
    ``article`` and ``subject`` (what is counted)."""
    rows, total = queries.facts_page(
        state.store, "claims", story or None, article or None, subject or None, limit, offset
    )
    return page(rows, total, limit, offset)


@router.get("/quotes", response_model=Page[QuoteRow], tags=["entities"])
def quotes(
    state: State,
    limit: Limit = 50,
    offset: Offset = 0,
    story: Ref = None,
    article: Ref = None,
    speaker: Annotated[str | None, Query(max_length=200, description="Speaker contains.")] = None,
) -> dict[str, Any]:
    """Quotes (direct and indirect) with their speaker and sentence, newest reports first."""
    rows, total = queries.facts_page(
        state.store, "quotes", story or None, article or None, speaker or None, limit, offset
    )
    return page(rows, total, limit, offset)


bearer = HTTPBearer(
    auto_error=False,
    description="The server's write token (`storylens token` shows it; or web.token).",
)
WRITES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "No token, or not the server's"},
    403: {"model": ErrorBody, "description": "Posted from another site's page"},
}


def require_token(
    state: State, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> None:
    """Writes carry the server's token: ``Authorization: Bearer TOKEN``."""
    given = f"Bearer {credentials.credentials}" if credentials else None
    if not token_matches(given, state.write_token()):
        message = "this write needs the server's token" if credentials is None else (
            "the token given is not this server's"
        )  # fmt: skip
        raise HTTPException(401, message, headers={"WWW-Authenticate": "Bearer"})


Cluster = Annotated[
    bool,
    Query(
        description="Also take each new article through every later stage at once: dedupe,"
        " place it in a story, enrich it and re-compare that story (the live pipeline)."
    ),
]


@router.post(
    "/ingest/file", response_model=IngestResult, tags=["ingest"], responses=WRITES,
    dependencies=[Depends(require_token)],
)  # fmt: skip
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


@router.post(
    "/ingest/article", response_model=IngestResult, tags=["ingest"], responses=WRITES,
    dependencies=[Depends(require_token)],
)  # fmt: skip
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
    from storylens.live import ingest_live
    from storylens.pipeline import ingest

    limit = float(state.settings.get("ingest.max_file_mb")) * 1_000_000
    if limit and len(data) > limit:
        raise HTTPException(
            413, f"the upload is over {limit / 1e6:g} MB, the limit (ingest.max_file_mb)"
        )
    source = Source(origin=origin, path=Path(name), data=data)  # the path gives only the suffix
    with state.write_lock:
        if cluster:
            report = ingest_live(state.live(), [origin], state.settings, sources=[source])[0]
        else:
            report = ingest(state.store, [origin], state.settings, sources=[source])
    stories = queries.count_stories(state.store) if cluster else None
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
