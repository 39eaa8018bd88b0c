"""A story's coverage as a small chart drawn on the server: reports and outlets by the outlets'
leaning (in the user's scale's order), country and type (``queries.coverage``). Shared by the
web app's story and storyline pages and the static site's story pages.

One row per value: its label, a bar (an inline SVG whose length is the share of the reports),
and the counts; the outlets behind a row are in its tooltip. No script, no inline style: the
bars are coloured by class (``.cov .bar``, ``.side-0`` / ``.side-1`` for the two sides of the
scale). The returned text is safe to embed in HTML: every label is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

BAR = 120  # width of a full bar, in pixels
GROUPS = (("leaning", "Leaning"), ("type", "Type"), ("country", "Country"))
MAX_ROWS = 8  # values shown per group (the rest are summed into one row)
MAX_LABEL = 40  # characters of a label shown (the whole of it is in the tooltip)


def _short(text: str, n: int = MAX_LABEL) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _rows(bars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(bars) <= MAX_ROWS:
        return bars
    head, tail = bars[: MAX_ROWS - 1], bars[MAX_ROWS - 1 :]
    outlets = sorted({o for b in tail for o in b["outlets"]})
    other = {"value": f"{len(tail)} others", "reports": sum(b["reports"] for b in tail),
             "outlets": outlets}  # fmt: skip
    return [*head, other]


def coverage_html(cov: dict[str, Any]) -> str:
    """The figure for ``cov`` (what ``queries.coverage`` returns); a note when no outlet of
    the store has a profile."""
    if not cov["profiles"]:
        return (
            '<p class="coverage-none note">No outlet profiles yet: import yours'
            " (<code>storylens outlets import FILE</code>, see docs/outlets.md) to see this"
            " story's coverage by leaning, country and type.</p>"
        )
    total = cov["reports"] or 1
    sides = {label: i for i, s in enumerate(cov["sides"]) for label in s["labels"]}
    groups = []
    for key, title in GROUPS:
        bars = cov[key]
        if not bars:
            continue
        rows = []
        for b in _rows(bars):
            width = BAR * b["reports"] / total
            side = sides.get(b["value"]) if key == "leaning" else None
            cls = "bar" + (f" side-{side}" if side is not None else "")
            cls += " none" if b["value"] == "not profiled" else ""
            names = ", ".join(b["outlets"][:30]) + (" …" if len(b["outlets"]) > 30 else "")
            tip = f"{b['value']}: {_plural(b['reports'], 'report')}" + (
                f" from {names}" if names else ""
            )
            rows.append(
                f'<tr title="{escape(tip)}"><th scope="row" class="cov-label">'
                f"{escape(_short(b['value']))}</th>"
                f'<td class="cov-bar"><svg class="cov-svg" viewBox="0 0 {BAR} 10" width="{BAR}"'
                f' height="10" aria-hidden="true"><rect class="track" width="{BAR}" height="10"/>'
                f'<rect class="{cls}" width="{width:.1f}" height="10"/></svg></td>'
                f'<td class="cov-n">{b["reports"]} <span class="dim">·'
                f" {_plural(len(b['outlets']), 'outlet')}</span></td></tr>"
            )
        groups.append(
            f'<div class="cov-group cov-{key}"><h3>{title}</h3>'
            f'<table class="cov">{"".join(rows)}</table></div>'
        )
    sided = ""
    if cov["sides"]:
        parts = [
            f'<span class="side side-{i}">{escape(_short(s["name"]))}:'
            f" {_plural(len(s['outlets']), 'outlet')}, {_plural(s['reports'], 'report')}</span>"
            for i, s in enumerate(cov["sides"])
        ]
        sided = f'<p class="cov-sides">Sides of your scale: {" · ".join(parts)}</p>'
    unprofiled = cov["reports"] - cov["profiled_reports"]
    caption = (
        f"Coverage: {_plural(cov['reports'], 'report')} from {_plural(cov['outlets'], 'outlet')}"
        + (f", {unprofiled} of them from outlets without a profile" if unprofiled else "")
        + " (by your outlet profiles)"
    )
    return (
        f'<figure class="coverage" id="coverage"><figcaption>{escape(caption)}</figcaption>'
        f'<div class="cov-groups">{"".join(groups)}</div>{sided}</figure>'
    )


def write_blindspots(store: Any, w: Any, story_ids: set[str]) -> int:
    """The static site's ``blindspots.html`` under the default thresholds (stories without a
    page of their own, below the site's ``min_size``, are listed without a link)."""
    from storylens.queries.coverage import blindspots

    data = blindspots(store, limit=None)
    w.page("blindspots.html", "site_blindspots.html", data=data, pages=story_ids)
    return int(data["total"])
