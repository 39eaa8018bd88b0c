"""The story page's analysis: the comparison of a story (``queries.story_analysis``) made into
rows and cells for ``_analysis.html``.

Every pointer at a sentence becomes a link with two addresses: ``data-highlight-link``
(``p-{article}-{paragraph}:{start}:{end}``, which static/app.js marks in place when that report
is shown side by side) and an ``href`` to the same story page with the report swapped into the
side-by-side reading (``?read=``) and the sentence to highlight on load (``?hl=``), followed
when the report is not on the page.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlencode

KINDS = ("claim", "quote", "statement", "entity")
KIND_NAMES = {"claim": "claims", "quote": "quotes", "statement": "statements",
              "entity": "entities"}  # fmt: skip
STATUS_ORDER = {"conflict": 0, "compatible": 1, "agree": 2, "only_one": 3}
STATUS_TEXT = {"agree": "agree", "compatible": "compatible", "conflict": "conflict",
               "only_one": "only one", "none": "not reported"}  # fmt: skip
SYMBOL = {"agree": "✓", "compatible": "≈", "conflict": "✗", "only_one": "1", "none": "—"}
PER_CELL = 3  # sentences shown in one cell (the others are counted)
SIDE_BY_SIDE = 4


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
        params: dict[str, str] = {"read": ",".join([*self.keep, article]), "hl": spec}
        query = urlencode(params) + "".join(f"&kind={k}" for k in self.kinds or [])
        return {"spec": spec, "href": f"/stories/{self.story_id}?{query}#p-{article}-{p}"}


def fact_rows(
    analysis: dict[str, Any], linker: Linker, kinds: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(facts several outlets report, facts one outlet alone reports), conflicts first, each
    row with one cell per outlet."""
    outlets = analysis["outlets"]
    rows = []
    for fact in analysis["facts"]:
        if fact["kind"] not in kinds:
            continue
        cells = []
        for outlet in outlets:
            items = []
            for c in fact["outlets"].get(outlet, []):
                shown = c.get("value") or c.get("text") or ""
                items.append(
                    {
                        "text": short(shown, 70),
                        "sentence": c.get("text") or "",
                        "article": c["article"],
                        **linker.link(c["article"], c.get("paragraph"), c.get("start"),
                                      c.get("end")),
                    }
                )  # fmt: skip
            status = fact["status"] if items else "none"
            more = max(0, len(items) - PER_CELL)
            cells.append({"outlet": outlet, "status": status, "symbol": SYMBOL[status],
                          "sents": items[:PER_CELL], "more": more})  # fmt: skip
        rows.append(
            {"id": fact["id"], "kind": fact["kind"], "label": short(fact["label"], 220),
             "status": fact["status"], "status_text": STATUS_TEXT.get(fact["status"], ""),
             "symbol": SYMBOL.get(fact["status"], ""), "note": fact.get("note") or "",
             "cells": cells}
        )  # fmt: skip
    rows.sort(key=lambda r: (STATUS_ORDER.get(r["status"], 9), KINDS.index(r["kind"])))
    shared = [r for r in rows if r["status"] != "only_one"]
    single = [r for r in rows if r["status"] == "only_one"]
    return shared, single


def summary_items(analysis: dict[str, Any], linker: Linker) -> list[dict[str, Any]]:
    out = []
    for item in analysis["summary"]:
        sources = [
            {"outlet": s["outlet"],
             **linker.link(s["article"], s.get("paragraph"), s.get("start"), s.get("end"))}
            for s in item["sources"]
        ]  # fmt: skip
        out.append({"text": item["text"], "outlets": item["outlets"], "sources": sources})
    return out


def timeline_days(analysis: dict[str, Any], linker: Linker) -> list[dict[str, Any]]:
    facts = {f["id"]: f for f in analysis["facts"]}
    days = []
    for day in analysis["timeline"]:
        reports = []
        for r in day["reports"]:
            first = [facts[i] for i in r["facts"] if i in facts]
            counts = Counter(f["kind"] for f in first)
            reports.append(
                {**r,
                 **linker.link(r["article"], r.get("paragraph"), r.get("start"), r.get("end")),
                 "first": [{"id": f["id"], "kind": f["kind"], "label": short(f["label"], 120)}
                           for f in first],
                 "counts": ", ".join(
                     f"{counts[k]} {KIND_NAMES[k] if counts[k] != 1 else k}"
                     for k in KINDS if counts[k]
                 )}
            )  # fmt: skip
        days.append({"day": day["day"], "reports": reports})
    return days


def story_view(
    analysis: dict[str, Any], story_id: str, reading_ids: list[str], kinds: list[str] | None
) -> dict[str, Any]:
    """What ``_analysis.html`` renders."""
    linker = Linker(story_id, reading_ids, kinds)
    chosen = [k for k in KINDS if not kinds or k in kinds]
    shared, single = fact_rows(analysis, linker, chosen)
    alone: dict[str, list[dict[str, Any]]] = {o: [] for o in analysis["outlets"]}
    for row in single:
        for c in row["cells"]:
            if c["sents"]:
                alone[c["outlet"]].append({**row, "sents": c["sents"]})
    counts = Counter(f["kind"] for f in analysis["facts"])
    return {
        "enriched": analysis["enriched"],
        "compared": len(analysis["articles"]),
        "outlets": analysis["outlets"],
        "summary": summary_items(analysis, linker),
        "shared": shared,
        "single": len(single),
        "alone": [{"outlet": o, "facts": rows} for o, rows in alone.items() if rows],
        "timeline": timeline_days(analysis, linker),
        "kinds": [
            {"kind": k, "name": KIND_NAMES[k], "count": counts[k], "on": k in chosen} for k in KINDS
        ],
        "statuses": [{"status": s, "text": t, "symbol": SYMBOL[s]} for s, t in STATUS_TEXT.items()],
    }
