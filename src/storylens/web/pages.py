"""The HTML pages: home, story, article, outlets, search, problems. Server-rendered with Jinja2
(autoescaped: all article text is untrusted); the only script is static/app.js."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from storylens import queries
from storylens.errors import StorylensError
from storylens.models import Article
from storylens.publish import analysis
from storylens.publish.charts import activity_svg
from storylens.web.annotate import annotated_paragraphs, fit, interval
from storylens.web.app import Web, web

router = APIRouter(include_in_schema=False)
State = Annotated[Web, Depends(web)]
PER_PAGE = 30
SIDE_BY_SIDE = analysis.SIDE_BY_SIDE  # reports read side by side on a story page
PageNo = Annotated[int, Query(ge=1, le=1_000_000)]
Day = Annotated[str | None, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$")]


def chart(counts: list[tuple[str, int]], **kw: Any) -> Markup:
    return Markup(activity_svg(counts, **kw))


def overall_chart(store: Any) -> Markup:
    """Reports per day over the whole store (the home page's chart)."""
    return chart(queries.activity(store), width=640, height=48)


def outlet_names(state: Web) -> list[str]:
    """Every outlet's name, most reports first (the filters' lists): kept until the store
    changes, like the home page's chart — both read every article (~20–40 ms on 23k)."""
    return state.cached(
        "outlet-names", lambda: [o["name"] for o in queries.list_outlets(state.store)]
    )


def pager(request: Request, page: int, total: int, per: int = PER_PAGE) -> dict[str, Any]:
    """Previous / next links that keep the other query parameters."""
    params = {k: v for k, v in request.query_params.items() if k != "page"}

    def link(n: int) -> str:
        return "?" + urlencode({**params, "page": n})

    last = max(1, -(-total // per))
    return {
        "page": page,
        "pages": last,
        "total": total,
        "prev": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if page < last else None,
    }


VISIT_COOKIE = "storylens_visit"
VISIT_GAP = timedelta(minutes=30)  # page views further apart than this are two visits


def last_visit(request: Request) -> tuple[str | None, str]:
    """The time of the reader's last visit (what is newer is marked new), and the cookie value
    to set: ``since|seen``, both ISO times in UTC. A page view more than :data:`VISIT_GAP`
    after the previous one starts a new visit: its ``since`` becomes that previous view."""
    now = datetime.now(UTC).replace(microsecond=0)
    since: str | None = None
    raw = request.cookies.get(VISIT_COOKIE, "")
    parts = raw.split("|")
    try:
        before = [datetime.fromisoformat(p) for p in parts] if len(parts) == 2 else []
    except ValueError:
        before = []
    if before and all(b.tzinfo is not None for b in before):
        kept, seen = before
        since = (seen if now - seen > VISIT_GAP else kept).isoformat()
    return since, f"{since or now.isoformat()}|{now.isoformat()}"


def remember_visit(response: HTMLResponse, value: str) -> HTMLResponse:
    response.set_cookie(VISIT_COOKIE, value, max_age=400 * 86400, httponly=True, samesite="lax")
    return response


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    state: State,
    page: PageNo = 1,
    min_size: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    outlet: Annotated[str | None, Query(max_length=500)] = None,
) -> HTMLResponse:
    store = state.store
    items, total = queries.stories_page(
        store, limit=PER_PAGE, offset=(page - 1) * PER_PAGE, min_size=min_size,
        outlet=outlet or None,
    )  # fmt: skip
    days = queries.story_activity(store, [s["id"] for s in items])
    since, visit = last_visit(request)
    fresh = queries.new_since(store, [s["id"] for s in items], since)
    for s in items:
        s["chart"] = chart(days[s["id"]], width=120, height=24)
        s["new"] = len(fresh[s["id"]])
    html = state.render(
        "home.html",
        since=since,
        stories=items,
        pager=pager(request, page, total),
        overall=state.cached("overall-chart", lambda: overall_chart(store)),
        outlets=outlet_names(state),
        min_size=min_size,
        outlet=outlet or "",
    )
    return remember_visit(html, visit)


def _side_by_side(store: Any, detail: dict[str, Any], read: str | None) -> list[Article]:
    """The reports to read side by side: those named in ``read``, else the first original
    report of each outlet (up to :data:`SIDE_BY_SIDE`)."""
    members = {r["id"] for r in detail["reports"]}
    if read:
        ids = [i for i in dict.fromkeys(read.split(",")) if i in members][:SIDE_BY_SIDE]
    else:
        ids = []
        for reports in detail["by_outlet"].values():
            originals = [r for r in reports if r["decision"] != "copy"] or reports
            ids.append(originals[0]["id"])
        ids = ids[:SIDE_BY_SIDE]
    return [queries.find_article(store, i) for i in ids]


Spec = Annotated[str | None, Query(max_length=300, pattern=r"^(p-[\w.-]+-\d+:\d+:\d+)?$")]
Kinds = Annotated[list[str] | None, Query(max_length=10)]


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(
    request: Request,
    state: State,
    story_id: str,
    read: Annotated[str | None, Query(max_length=2000)] = None,
    hl: Spec = None,
    kind: Kinds = None,
    rpage: PageNo = 1,
    rby: Annotated[str, Query(pattern="^(outlet|day)$")] = "outlet",
) -> HTMLResponse:
    """A story: its analysis (summary, facts × outlets, timeline), reports by outlet, reports
    side by side (``read``), copies. ``hl`` highlights a sentence on load; ``kind`` filters
    the facts (claim, quote, statement, entity); ``rpage`` and ``rby`` page the reports and
    group them by outlet or by day (``web/reports.py``)."""
    store = state.store
    detail = queries.story_detail(store, story_id)
    copies = queries.story_copies(store, detail["id"])
    reading = _side_by_side(store, detail, read)
    reading_ids = [a.id for a in reading]
    kinds = [k for k in kind or [] if k in analysis.KINDS] or None
    compared = story_analysis(state, detail["id"])
    view = analysis.story_view(compared, detail["id"], reading_ids, kinds)
    from storylens.queries.coverage import headlines
    from storylens.web.coverage import coverage_figure
    from storylens.web.reports import report_page

    compared_ids = {a.id for a in compared.articles}
    if len(compared_ids) >= len(detail["reports"]):
        compared_ids = set()  # every report compared: nothing to mark
    view["left_out"] = len(detail["reports"]) - len(compared_ids) if compared_ids else 0
    view["compared_span"] = _span([a.published for a in compared.articles])

    since, visit = last_visit(request)
    page = state.render(
        "story.html",
        since=since,
        new=set(queries.new_since(store, [detail["id"]], since)[detail["id"]]),
        story=detail,
        headlines=headlines(store, detail),
        rp=report_page(detail, dict(request.query_params), rpage, rby),
        compared_ids=compared_ids,
        coverage=coverage_figure(state, [detail["id"]]),
        chart=chart(queries.story_activity(store, [detail["id"]])[detail["id"]], width=320,
                    height=40),
        copies=copies,
        copy_of={c["copy"]["id"]: c for c in copies},
        reading=reading,
        reading_ids=reading_ids,
        read=",".join(reading_ids) if read else "",
        highlight=hl or "",
        view=view,
    )  # fmt: skip
    return remember_visit(page, visit)


KEPT_ANALYSES = 16  # stories whose comparison is kept, read, between two changes of the store


def story_analysis(state: Web, story_id: str) -> Any:
    """``queries.story_analysis``, kept until the store changes for the last
    :data:`KEPT_ANALYSES` stories asked for: a stored comparison of a large story is a few MB
    of JSON (reading it took ~600 ms for the largest finescoop story), one made on read more."""
    kept: dict[str, Any] = state.cached("story-analyses", dict)
    if story_id not in kept:
        while len(kept) >= KEPT_ANALYSES:
            kept.pop(next(iter(kept)), None)
        kept[story_id] = queries.story_analysis(state.store, story_id)
    return kept[story_id]


def _span(times: list[str | None]) -> str:
    dated = sorted(t for t in times if t)
    return (
        f"{dated[0][:16].replace('T', ' ')} to {dated[-1][:16].replace('T', ' ')}" if dated else ""
    )


def locate(article: Article, sentence: str) -> tuple[int, int, int] | None:
    """Where a sentence is in an article: (paragraph index, start, end) in that paragraph."""
    sentence = sentence.strip()
    if not sentence:
        return None
    for i, p in enumerate(article.paragraphs):
        at = p.text.find(sentence)
        if at >= 0:
            return i, at, at + len(sentence)
    return None


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(
    state: State,
    article_id: str,
    find: Annotated[str | None, Query(max_length=5000)] = None,
) -> HTMLResponse:
    store = state.store
    found = queries.find_article(store, article_id)
    record = queries.article_detail(store, found.id)
    context = queries.article_context(store, found.id)
    where = locate(found, find) if find else None
    found_facts = queries.article_enrichment(store, found.id)
    entities: dict[str, dict[str, Any]] = {}
    for m in found_facts["mentions"]:
        new = {"key": m["entity"], "name": m["name"], "label": m["entity_label"], "mentions": 0}
        e = entities.setdefault(m["entity"], new)
        e["mentions"] += 1
    sentences = {s["index"]: s for s in found_facts["sentences"]}
    for x in [*found_facts["quotes"], *found_facts["claims"]]:
        s = sentences.get(x["sentence"])
        at = fit(s["text"], x["text"], x["start"], x["end"]) if s else None
        x["find"] = s["text"] if s else x["text"]
        x["spec"] = (
            f"p-{found.id}-{s['paragraph']}:{s['start'] + at[0]}:{s['start'] + at[1]}"
            if s and at
            else ""
        )
    return state.render(
        "article.html",
        a=record,
        ctx=context,
        highlight=f"p-{found.id}-{where[0]}:{where[1]}:{where[2]}" if where else "",
        not_found=bool(find) and where is None,
        paras_html=annotated_paragraphs([p.text for p in found.paragraphs], found_facts),
        facts=found_facts,
        entities=sorted(entities.values(), key=lambda e: (-e["mentions"], e["name"])),
        interval=interval,
    )


@router.get("/entities", response_class=HTMLResponse)
def entities(
    request: Request,
    state: State,
    q: Annotated[str, Query(max_length=500)] = "",
    label: Annotated[str, Query(max_length=40)] = "",
    page: PageNo = 1,
) -> HTMLResponse:
    """Entities, most often named first; search by name or alias, filter by type."""
    store = state.store
    rows, total = queries.entities_page(
        store, q.strip() or None, label or None, limit=PER_PAGE, offset=(page - 1) * PER_PAGE
    )
    return state.render(
        "entities.html", entities=rows, pager=pager(request, page, total), q=q, label=label,
        labels=queries.entity_labels(store),
    )  # fmt: skip


@router.get("/entities/{key:path}", response_class=HTMLResponse)
def entity(state: State, key: str) -> HTMLResponse:
    """An entity: name, type, aliases, place; its stories over time and the reports naming it."""
    info = queries.entity_detail(state.store, key)
    per_day: dict[str, int] = {}
    for a in info["articles"]:
        if a["published"]:
            per_day[a["published"][:10]] = per_day.get(a["published"][:10], 0) + 1
    return state.render(
        "entity.html",
        e=info,
        chart=chart(sorted(per_day.items()), width=640, height=48) if per_day else "",
    )


@router.get("/outlets", response_class=HTMLResponse)
def outlets(state: State) -> HTMLResponse:
    return state.render("outlets.html", outlets=queries.list_outlets(state.store))


@router.get("/outlets/{name:path}", response_class=HTMLResponse)
def outlet(request: Request, state: State, name: str, page: PageNo = 1) -> HTMLResponse:
    store = state.store
    info = queries.outlet_detail(store, name)
    items, total = queries.stories_page(
        store, limit=PER_PAGE, offset=(page - 1) * PER_PAGE, outlet=info["name"]
    )
    days = queries.story_activity(store, [s["id"] for s in items])
    for s in items:
        s["chart"] = chart(days[s["id"]], width=120, height=24)
    recent = queries.list_articles(store, outlet=info["name"], limit=10)
    return state.render(
        "outlet.html",
        outlet=info,
        stories=items,
        pager=pager(request, page, total),
        chart=chart(queries.activity(store, info["name"]), width=640, height=48),
        recent=[queries.article_summary(a) for a in recent],
    )


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    state: State,
    q: Annotated[str, Query(max_length=500)] = "",
    outlet: Annotated[str, Query(max_length=500)] = "",
    since: Day = None,
    until: Day = None,
    page: PageNo = 1,
) -> HTMLResponse:
    """Full-text search with filters; with no words, the articles newest first."""
    store = state.store
    filters = {"outlet": outlet or None, "since": since or None, "until": until or None}
    offset = (page - 1) * PER_PAGE
    hits: list[dict[str, Any]] = []
    error, hint, status = "", "", 200
    try:
        if q.strip():
            found, total = queries.search_page(store, q, **filters, limit=PER_PAGE, offset=offset)
            hits = [
                {"id": h.article_id, "title": h.title, "outlet": h.outlet,
                 "published": h.published, "snippet": _marked(h.snippet)}
                for h in found
            ]  # fmt: skip
        else:
            listed, total = queries.articles_page(store, **filters, limit=PER_PAGE, offset=offset)
            hits = [queries.article_summary(a) for a in listed]
    except StorylensError as exc:
        error, hint, status, total = exc.message, exc.hint, 400, 0
    return state.render(
        "search.html",
        status=status,
        q=q,
        outlet=outlet,
        since=since or "",
        until=until or "",
        hits=hits,
        pager=pager(request, page, total),
        outlets=outlet_names(state),
        error=error,
        hint=hint,
    )


def _marked(snippet: str) -> Markup:
    """A search snippet: the text escaped, the matched words in <mark>."""
    escaped = str(Markup.escape(snippet))  # the markers are control characters: kept as they are
    return Markup(queries.highlight(escaped, "<mark>", "</mark>"))


@router.get("/problems", response_class=HTMLResponse)
def problems(request: Request, state: State, page: PageNo = 1) -> HTMLResponse:
    rows, total = queries.problems_page(state.store, PER_PAGE, (page - 1) * PER_PAGE)
    return state.render(
        "problems.html", problems=rows, pager=pager(request, page, total),
        interrupted=queries.list_interrupted(state.store),
    )  # fmt: skip
