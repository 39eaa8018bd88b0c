"""A story's analysis for a page: the comparison (``queries.story_analysis``) made into the
summary, the rows and cells of the facts × outlets table, and the timeline. Shared by the web
app's story page (``web/templates/_analysis.html``) and the static site's
(``publish/templates/site_analysis.html``); they differ only in their links.

In the web app (:class:`Linker`) every pointer at a sentence becomes a link with two addresses:
``data-highlight-link`` (``p-{article}-{paragraph}:{start}:{end}``, which static/app.js marks in
place when that report is shown side by side) and an ``href`` to the same story page with the
report swapped into the side-by-side reading (``?read=``) and the sentence to highlight on load
(``?hl=``), followed when the report is not on the page. In the static site
(:class:`SiteLinker`) the link is the paragraph's anchor on the same page.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from storylens.models import Comparison, Fact

KINDS = ("claim", "quote", "statement", "entity")
KIND_NAMES = {"claim": "claims", "quote": "quotes", "statement": "statements",
              "entity": "entities"}  # fmt: skip
STATUS_ORDER = {"conflict": 0, "update": 1, "compatible": 2, "agree": 3, "only_one": 4}
STATUS_TEXT = {"agree": "agree", "compatible": "compatible", "conflict": "conflict",
               "update": "updated", "only_one": "only one", "none": "not reported"}  # fmt: skip
SYMBOL = {"agree": "✓", "compatible": "≈", "conflict": "✗", "update": "↻", "only_one": "1",
          "none": "—"}  # fmt: skip
PER_CELL = 3  # sentences shown in one cell (the others are counted)
SIDE_BY_SIDE = 4
MAX_SHARED = 150  # rows of the table (the rest are counted; the API has them all)
MAX_ALONE = 25  # facts listed per outlet among those only it reported
# A page holds at most about this many cells: a story compared report by report (one outlet,
# 80 columns) shows fewer rows (at least MIN_ROWS) and fewer facts per column, so that its
# page stays readable and quick (150 rows x 80 columns was a 2.9 MB page taking ~1.4 s)
MAX_CELLS = 800
MAX_ALONE_CELLS = 240
MIN_ROWS, MIN_ALONE = 10, 3


def caps(columns: int) -> tuple[int, int]:
    """(rows of the table, facts per column of the one-outlet lists) for ``columns`` columns."""
    columns = max(1, columns)
    return (max(MIN_ROWS, min(MAX_SHARED, MAX_CELLS // columns)),
            max(MIN_ALONE, min(MAX_ALONE, MAX_ALONE_CELLS // columns)))  # fmt: skip


PER_REPORT = 12  # facts listed under a report of the timeline as first reported there
MAX_NOTE = 240  # characters of a fact's note shown in its row (a conflict among many reports
MAX_TOOLTIP = 2000  # can note every pair: 80,000 characters); more of it in the tooltip


def short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


class Linker:
    """Links to sentences of the story's reports (see the module docstring)."""

    def __init__(self, story_id: str, reading_ids: list[str], kinds: list[str] | None) -> None:
        self.story_id = story_id
        self.reading = reading_ids
        self.keep = reading_ids if len(reading_ids) < SIDE_BY_SIDE else reading_ids[1:]
        self.kinds = kinds
        self.base = f"/stories/{story_id}?read=" + "".join(f"{i}," for i in self.keep)
        self.kind_args = "".join(f"&kind={k}" for k in kinds or [])

    def spec(self, article: str, paragraph: int | None, start: int | None, end: int | None) -> str:
        if paragraph is None or start is None or end is None:
            return ""
        return f"p-{article}-{paragraph}:{start}:{end}"

    def link(
        self, article: str, p: int | None, start: int | None, end: int | None
    ) -> dict[str, str]:
        spec = self.spec(article, p, start, end)
        if not spec:
            return {"spec": "", "href": f"/articles/{article}"}
        if article in self.reading:
            return {"spec": spec, "href": f"#p-{article}-{p}"}
        # ids are hex and a spec is p-ID-N:N:N: nothing in them needs quoting in a query
        href = f"{self.base}{article}&hl={spec}{self.kind_args}#p-{article}-{p}"
        return {"spec": spec, "href": href}


class SiteLinker(Linker):
    """Links of the static site: every report is on the page, each paragraph an anchor."""

    def __init__(self) -> None:
        super().__init__("", [], None)

    def link(
        self, article: str, p: int | None, start: int | None, end: int | None
    ) -> dict[str, str]:
        spec = self.spec(article, p, start, end)
        return {"spec": spec, "href": f"#p-{article}-{p}" if spec else f"#a-{article}"}


def fact_rows(
    analysis: Comparison, linker: Linker, kinds: list[str]
) -> tuple[list[dict[str, Any]], int, dict[str, list[dict[str, Any]]], dict[str, int]]:
    """The facts several outlets report (and updates within one outlet's reports), conflicts
    first, as rows with one cell per outlet (the first :data:`MAX_SHARED`, fewer for many
    columns: :func:`caps`), how many there are; the facts one outlet alone reports, by outlet
    (the first :data:`MAX_ALONE` of each, fewer for many columns), and
    how many each has."""
    outlets = analysis.outlets
    facts = [f for f in analysis.facts if f.kind in kinds]
    facts.sort(key=lambda f: (STATUS_ORDER.get(f.status, 9), KINDS.index(f.kind)))
    shared = [f for f in facts if f.status != "only_one"]
    max_rows, max_alone = caps(len(outlets))
    rows = [_row(f, outlets, linker) for f in shared[:max_rows]]
    alone: dict[str, list[dict[str, Any]]] = {o: [] for o in outlets}
    counts: dict[str, int] = dict.fromkeys(outlets, 0)
    for f in facts[len(shared) :]:
        for outlet, cells in f.outlets.items():
            if cells and outlet in counts:
                counts[outlet] += 1
                if counts[outlet] <= max_alone:
                    row = _row(f, [outlet], linker)
                    alone[outlet].append({**row, "sents": row["cells"][0]["sents"]})
    return rows, len(shared), alone, counts


def _row(fact: Fact, outlets: list[str], linker: Linker) -> dict[str, Any]:
    cells = []
    for outlet in outlets:
        items = []
        for c in fact.outlets.get(outlet, []):
            shown = c.value or c.text or ""
            if fact.status == "update" and c.published:
                shown = f"{shown} ({c.published[:10]})"
            items.append(
                {"text": short(shown, 70), "sentence": c.text or "", "article": c.article,
                 **linker.link(c.article, c.paragraph, c.start, c.end)}
            )  # fmt: skip
        status = fact.status if items else "none"
        more = max(0, len(items) - PER_CELL)
        cells.append({"outlet": outlet, "status": status, "symbol": SYMBOL[status],
                      "sents": items[:PER_CELL], "more": more})  # fmt: skip
    return {"id": fact.id, "kind": fact.kind, "label": short(fact.label, 220),
            "status": fact.status, "status_text": STATUS_TEXT.get(fact.status, ""),
            "symbol": SYMBOL.get(fact.status, ""), "note": short(fact.note or "", MAX_NOTE),
            "note_full": short(fact.note or "", MAX_TOOLTIP),
            "cells": cells}  # fmt: skip


def summary_items(analysis: Comparison, linker: Linker) -> list[dict[str, Any]]:
    out = []
    for item in analysis.summary:
        sources = [
            {"outlet": s.outlet, **linker.link(s.article, s.paragraph, s.start, s.end)}
            for s in item.sources
        ]
        out.append({"text": item.text, "outlets": item.outlets, "sources": sources})
    return out


def timeline_days(analysis: Comparison, shown: set[str]) -> list[dict[str, Any]]:
    """The timeline, each report with the facts it was first to report (the first
    :data:`PER_REPORT`; those in the table or lists above link to their row)."""
    facts = {f.id: f for f in analysis.facts}
    days = []
    for day in analysis.timeline:
        reports = []
        for r in day.reports:
            first = [facts[i] for i in r.facts if i in facts]
            counts = Counter[str](f.kind for f in first)
            reports.append(
                {"article": r.article, "outlet": r.outlet, "title": r.title,
                 "published": r.published, "lead": r.lead,
                 "first": [{"id": f.id, "kind": f.kind, "label": short(f.label, 120),
                            "shown": f.id in shown} for f in first[:PER_REPORT]],
                 "first_more": max(0, len(first) - PER_REPORT),
                 "counts": ", ".join(
                     f"{counts[k]} {KIND_NAMES[k] if counts[k] != 1 else k}"
                     for k in KINDS if counts[k]
                 )}
            )  # fmt: skip
        days.append({"day": day.day, "reports": reports})
    return days


def story_view(
    analysis: Comparison,
    story_id: str,
    reading_ids: list[str],
    kinds: list[str] | None,
    linker: Linker | None = None,
) -> dict[str, Any]:
    """What ``_analysis.html`` (and the site's ``site_analysis.html``) render."""
    linker = linker or Linker(story_id, reading_ids, kinds)
    chosen = [k for k in KINDS if not kinds or k in kinds]
    shared, n_shared, alone, counts = fact_rows(analysis, linker, chosen)
    counts_by_kind = Counter[str](f.kind for f in analysis.facts)
    alone_cols = [
        {"outlet": o, "facts": alone[o], "count": counts[o], "more": counts[o] - len(alone[o])}
        for o in analysis.outlets
        if counts[o]
    ]
    return {
        "enriched": analysis.enriched,
        "compared": len(analysis.articles),
        "note": analysis.note,
        "outlets": analysis.outlets,
        "summary": summary_items(analysis, linker),
        "shared": shared,
        "shared_more": n_shared - len(shared),
        "single": sum(counts.values()),
        "alone": alone_cols,
        "timeline": timeline_days(
            analysis, {r["id"] for r in shared} | {r["id"] for o in alone.values() for r in o}
        ),
        "kinds": [
            {"kind": k, "name": KIND_NAMES[k], "count": counts_by_kind[k], "on": k in chosen}
            for k in KINDS
        ],
        "statuses": [{"status": s, "text": t, "symbol": SYMBOL[s]} for s, t in STATUS_TEXT.items()],
    }
