"""Small activity charts as inline SVG, drawn on the server: no script, no inline style.

Bars take their colour from the page's stylesheet (``.chart .bar``), so the strict
Content-Security-Policy of the web app (no inline styles) holds.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

MAX_DAYS = 120  # a longer span is drawn by week


def fill_days(counts: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Per-day counts with the missing days between the first and the last filled with 0;
    spans longer than :data:`MAX_DAYS` are summed by week (labelled by the week's first day)."""
    if not counts:
        return []
    by_day = {date.fromisoformat(d): n for d, n in counts}
    first, last = min(by_day), max(by_day)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    if len(days) <= MAX_DAYS:
        return [(d.isoformat(), by_day.get(d, 0)) for d in days]
    weeks: dict[date, int] = {}
    for d in days:
        start = first + timedelta(days=7 * ((d - first).days // 7))
        weeks[start] = weeks.get(start, 0) + by_day.get(d, 0)
    return [(d.isoformat(), n) for d, n in weeks.items()]


def activity_svg(
    counts: list[tuple[str, int]], *, width: int = 160, height: int = 32, label: str = "reports"
) -> str:
    """An SVG bar chart of reports per day; an empty string when nothing is dated.

    The returned text is safe to embed in HTML: the only text in it is escaped.
    """
    series = fill_days(counts)
    if not series:
        return ""
    top = max(n for _, n in series) or 1
    step = min(width / len(series), 12.0)  # a short span keeps narrow bars, on the left
    gap = 1.0 if step >= 4 else 0.0
    bars = []
    for i, (day, n) in enumerate(series):
        h = 0.0 if n == 0 else max(1.5, (height - 2) * n / top)
        bars.append(
            f'<rect class="bar" x="{i * step:.1f}" y="{height - h:.1f}" '
            f'width="{max(step - gap, 0.5):.1f}" height="{h:.1f}">'
            f"<title>{escape(day)}: {n} {escape(label)}</title></rect>"
        )
    total = sum(n for _, n in series)
    summary = f"{total} {label}, {series[0][0]} to {series[-1][0]}"
    return (
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-label="{escape(summary)}"><title>{escape(summary)}</title>'
        f'<line class="axis" x1="0" y1="{height - 0.5}" x2="{width}" y2="{height - 0.5}"/>'
        + "".join(bars)
        + "</svg>"
    )
