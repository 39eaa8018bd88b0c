"""A story's reports on its page, at any size: a page of them at a time (:data:`PER_PAGE`),
grouped by outlet (a column each, its reports by day) or by day (each report with its outlet),
so a story of hundreds of reports stays a page of a few screens."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from storylens.models import UNKNOWN_OUTLET

PER_PAGE = 40
VIEWS = ("outlet", "day")


def _day(iso: str | None) -> str:
    return iso[:10] if iso else "undated"


def report_page(
    detail: dict[str, Any], params: dict[str, str], page: int, by: str
) -> dict[str, Any]:
    """Page ``page`` of the story's reports in the order of view ``by`` (outlet: each outlet's
    reports in time order, outlets in the order they first reported; day: time order), grouped
    for the template, with the links to the other pages and views (``params``: the page's
    other query parameters, kept)."""
    by = by if by in VIEWS else "outlet"
    if by == "outlet":
        ordered = [r for reports in detail["by_outlet"].values() for r in reports]
    else:
        ordered = list(detail["reports"])
    total = len(ordered)
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    chunk = ordered[(page - 1) * PER_PAGE : page * PER_PAGE]
    keep = {k: v for k, v in params.items() if k not in ("rpage", "rby")}

    def link(n: int, view: str = by) -> str:
        return "?" + urlencode({**keep, "rby": view, "rpage": n}) + "#reports"

    groups: list[dict[str, Any]] = []
    if by == "outlet":
        for r in chunk:
            outlet = r["outlet"] or UNKNOWN_OUTLET
            if not groups or groups[-1]["outlet"] != outlet:
                groups.append({"outlet": outlet, "count": len(detail["by_outlet"][outlet]),
                               "days": []})  # fmt: skip
            days = groups[-1]["days"]
            if not days or days[-1]["day"] != _day(r["published"]):
                days.append({"day": _day(r["published"]), "reports": []})
            days[-1]["reports"].append(r)
        for g in groups:
            g["one_day"] = len(g["days"]) == 1
    else:
        for r in chunk:
            if not groups or groups[-1]["day"] != _day(r["published"]):
                groups.append({"day": _day(r["published"]), "reports": []})
            groups[-1]["reports"].append(r)
    return {
        "by": by,
        "groups": groups,
        "page": page,
        "pages": pages,
        "total": total,
        "first": (page - 1) * PER_PAGE + 1 if total else 0,
        "last": (page - 1) * PER_PAGE + len(chunk),
        "prev": link(page - 1) if page > 1 else None,
        "next": link(page + 1) if page < pages else None,
        "numbers": [{"n": n, "href": link(n), "on": n == page} for n in range(1, pages + 1)],
        "views": {v: link(1, v) for v in VIEWS},
    }
