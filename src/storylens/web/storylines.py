"""Storylines in the web app: the pages ``/storylines`` and ``/storylines/ID``, and the API
``/api/v1/storylines`` and ``/api/v1/storylines/ID``. A storyline links events (stories) over
days to months; its page lists its events in order, each linking to its story page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from storylens import queries
from storylens.web.api import ERRORS
from storylens.web.app import Web, web

State = Annotated[Web, Depends(web)]
PER_PAGE = 30
pages = APIRouter(include_in_schema=False)
api = APIRouter(responses=ERRORS)


class StorylineSummary(BaseModel):
    id: str
    title: str = Field(description="The title of its largest event.")
    first_seen: str | None
    last_seen: str | None
    events: int = Field(description="Number of events (stories) it links.")
    size: int = Field(description="Number of reports in those events.")
    outlets: list[str]
    terms: list[str] = Field(description="The storyline's top terms.")


class StorylineEvent(BaseModel):
    id: str = Field(description="The event's story id (its page: /stories/ID).")
    title: str
    first_seen: str | None
    last_seen: str | None
    size: int
    outlets: list[str]
    terms: list[str]
    score: float = Field(description="Similarity to the storyline when the event started.")
    decision: str = Field(description="new (it started the storyline) | linked | split.")


class StorylineDetail(StorylineSummary):
    timeline: list[StorylineEvent] = Field(description="Its events in time order.")


class StorylinePage(BaseModel):
    items: list[StorylineSummary]
    total: int
    limit: int
    offset: int


@api.get("/storylines", response_model=StorylinePage, tags=["storylines"])
def list_storylines(
    state: State,
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page (1–200).")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip.")] = 0,
    min_events: Annotated[int, Query(ge=1, le=1_000_000, description="Least events.")] = 1,
) -> dict[str, Any]:
    """Storylines (events linked over days to months), most recently active first."""
    items, total = queries.storylines_page(
        state.store, limit=limit, offset=offset, min_events=min_events
    )
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@api.get("/storylines/{line_id}", response_model=StorylineDetail, tags=["storylines"])
def get_storyline(state: State, line_id: str) -> dict[str, Any]:
    """One storyline (by id, or a unique start of at least 4 characters) with its events in
    time order."""
    return queries.storyline_detail(state.store, line_id)


@pages.get("/storylines", response_class=HTMLResponse)
def storylines_page(
    request: Request,
    state: State,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    min_events: Annotated[int, Query(ge=1, le=1_000_000)] = 2,
) -> HTMLResponse:
    from storylens.web.pages import pager

    items, total = queries.storylines_page(
        state.store, limit=PER_PAGE, offset=(page - 1) * PER_PAGE, min_events=min_events
    )
    return state.render(
        "storylines.html", lines=items, pager=pager(request, page, total), min_events=min_events
    )


@pages.get("/storylines/{line_id}", response_class=HTMLResponse)
def storyline_page(state: State, line_id: str) -> HTMLResponse:
    from storylens.web.pages import chart

    detail = queries.storyline_detail(state.store, line_id)
    days = queries.story_activity(state.store, [e["id"] for e in detail["timeline"]])
    per_day: dict[str, int] = {}
    for counts in days.values():
        for d, n in counts:
            per_day[d] = per_day.get(d, 0) + n
    for e in detail["timeline"]:
        e["chart"] = chart(days[e["id"]], width=120, height=24)
    from storylens.web.coverage import coverage_figure

    return state.render(
        "storyline.html",
        line=detail,
        coverage=coverage_figure(state, [e["id"] for e in detail["timeline"]]),
        chart=chart(sorted(per_day.items()), width=640, height=48) if per_day else "",
    )
