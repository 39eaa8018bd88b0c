"""Coverage and blindspots in the web app: the page ``/blindspots``, and the API
``/api/v1/stories/ID/coverage``, ``/api/v1/storylines/ID/coverage``, ``/api/v1/blindspots`` and
``/api/v1/profiles`` (the outlet profiles and the scale). See docs/outlets.md."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from pydantic import BaseModel, Field

from storylens.publish.coverage import coverage_html
from storylens.queries import coverage as cov
from storylens.web.api import ERRORS
from storylens.web.app import Web, web

State = Annotated[Web, Depends(web)]
PER_PAGE = 30
pages = APIRouter(include_in_schema=False)
api = APIRouter(responses=ERRORS)
Share = Annotated[
    float, Query(gt=0.5, le=1, description="Least share of one side (above 0.5, up to 1).")
]
MinOutlets = Annotated[
    int, Query(ge=1, le=10_000, description="Least outlets with a leaning on a side.")
]
By = Annotated[str, Query(pattern="^(outlets|reports)$", description="outlets | reports")]


class Bar(BaseModel):
    value: str = Field(description="A leaning, country or type; 'not profiled' for the rest.")
    reports: int
    outlets: list[str]


class Side(BaseModel):
    name: str
    labels: list[str] = Field(description="The scale's labels on this side.")
    reports: int
    outlets: list[str]


class Coverage(BaseModel):
    scale: list[str]
    profiles: int = Field(description="Outlet profiles in the store.")
    reports: int
    outlets: int
    profiled_reports: int = Field(description="Reports from outlets with a profile.")
    leaning: list[Bar]
    country: list[Bar]
    type: list[Bar]
    sides: list[Side]


class StoryCoverage(Coverage):
    story: str


class StorylineCoverage(Coverage):
    storyline: str


class BlindSide(BaseModel):
    name: str
    outlets: list[str]
    reports: int


class Blindspot(BaseModel):
    id: str
    title: str
    first_seen: str | None
    last_seen: str | None
    size: int
    side: str = Field(description="The side that covers it.")
    only: bool = Field(description="Covered by that side alone.")
    share: float
    sides: list[BlindSide]
    other_outlets: list[str] = Field(description="Outlets on neither side, or not profiled.")


class BlindspotPage(BaseModel):
    share: float
    min_outlets: int
    by: str
    scale: list[str]
    total: int
    limit: int
    offset: int
    items: list[Blindspot]


class Profile(BaseModel):
    name: str
    reports: int = Field(description="Reports in the store from this outlet.")
    profile: str | None = Field(description="The profile matched (by name, else by domain).")
    domains: list[str]
    country: str | None
    language: str | None
    leaning: str | None
    owner: str | None
    type: str | None
    source: str | None


class Profiles(BaseModel):
    scale: list[str]
    outlets: list[Profile]


@api.get("/stories/{story_id}/coverage", response_model=StoryCoverage, tags=["stories"])
def story_coverage(state: State, story_id: str) -> dict[str, Any]:
    """A story's reports and outlets by the outlets' leaning, country and type."""
    return cov.story_coverage(state.store, story_id)


@api.get("/storylines/{line_id}/coverage", response_model=StorylineCoverage, tags=["storylines"])
def storyline_coverage(state: State, line_id: str) -> dict[str, Any]:
    """The coverage of all the events of a storyline together."""
    return cov.storyline_coverage(state.store, line_id)


KEPT_OPTIONS = 8  # sets of thresholds whose blindspots are kept (~1 s each on 23k reports)


def _blindspots(state: Web, share: float, min_outlets: int, by: str) -> dict[str, Any]:
    """Every blindspot under these options, kept until the store changes (for the last
    :data:`KEPT_OPTIONS` sets of options asked for)."""
    kept: dict[tuple[float, int, str], dict[str, Any]] = state.cached("blindspots", dict)
    key = (share, min_outlets, by)
    if key not in kept:
        while len(kept) >= KEPT_OPTIONS:
            kept.pop(next(iter(kept)))
        kept[key] = cov.blindspots(
            state.store, share=share, min_outlets=min_outlets, by=by, limit=None
        )
    return kept[key]


@api.get("/blindspots", response_model=BlindspotPage, tags=["stories"])
def blindspots(
    state: State,
    share: Share = 0.8,
    min_outlets: MinOutlets = 2,
    by: By = "outlets",
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page (1–200).")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip.")] = 0,
) -> dict[str, Any]:
    """Stories covered mostly or only by one side of the user's scale, most recently active
    first: at least ``min_outlets`` of their outlets have a leaning on a side, and one side
    holds at least ``share`` of them (``by=outlets``) or of their reports (``by=reports``)."""
    data = _blindspots(state, share, min_outlets, by)
    return {**{k: data[k] for k in ("share", "min_outlets", "by", "scale", "total")},
            "limit": limit, "offset": offset,
            "items": data["stories"][offset : offset + limit]}  # fmt: skip


@api.get("/profiles", response_model=Profiles, tags=["outlets"])
def profiles(state: State) -> dict[str, Any]:
    """The scale of leanings and every outlet with its profile (the user's own)."""
    return cov.outlet_profiles(state.store)


@pages.get("/blindspots", response_class=HTMLResponse)
def blindspots_page(
    request: Request,
    state: State,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    share: Share = 0.8,
    min_outlets: MinOutlets = 2,
    by: By = "outlets",
) -> HTMLResponse:
    from storylens.web.pages import pager

    data = _blindspots(state, share, min_outlets, by)
    items = data["stories"][(page - 1) * PER_PAGE : page * PER_PAGE]
    return state.render(
        "blindspots.html", data=data, items=items, pager=pager(request, page, data["total"]),
        share=share, min_outlets=min_outlets, by=by,
    )  # fmt: skip


def coverage_figure(state: Web, story_ids: list[str]) -> Markup:
    """The coverage chart of these stories' reports together (a story, a storyline)."""
    return Markup(coverage_html(cov.coverage(state.store, story_ids)))
