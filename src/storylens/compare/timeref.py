"""When a figure holds: the time reference of a claim, from its sentence and its report's date.

A story unfolds: a death toll rises over a day, ships queue offshore on Tuesday and more on
Thursday. Two different figures for the same quantity contradict each other only when they
speak of the same time. :func:`time_reference` reads what a sentence says about when its figure
holds:

- an explicit day: a weekday ("on Sunday"), "yesterday" / "today" / "last night", a date
  ("Jan. 4", "4 January"), resolved against the report's publication date when it has one;
- a clock time ("at 4 p.m.", "as of 0737 GMT");
- a provisional or changing figure: "so far", "as of", "rose to", "has climbed to",
  "bringing the toll to", "now", "latest", "initially", "earlier".

:func:`different_times` says whether two claims speak of different times: an ``update`` when
their figures differ, not a ``conflict``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")]
    )
    for m in names
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_WORDS = re.compile(
    r"\b(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:'s)?\b"
    r"|\b(?P<rel>yesterday|today|tonight|last night|this morning|this evening|overnight)\b"
    rf"|\b(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})\b"
    rf"|\b(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH})\b",
    re.IGNORECASE,
)
_CLOCK = re.compile(
    r"\b(?P<h>\d{1,2})(?:[:.](?P<mi>\d\d))?\s*(?P<ap>[ap])\.?\s?m\b\.?"
    r"|\b(?P<hh>[01]\d|2[0-3]):?(?P<mm>[0-5]\d)\s*(?:gmt|utc|local time|hours|hrs)\b",
    re.IGNORECASE,
)
PROVISIONAL = re.compile(
    r"\b(?:so far|as of|thus far|to date|at last count|latest|updated|revised|initially|"
    r"earlier|now stands|now|risen|rose|rising|climbed|climbing|jumped|increased|"
    r"bringing the (?:\w+ )?(?:toll|total|number|count)|has reached|had reached)\b",
    re.IGNORECASE,
)


@dataclass(slots=True, frozen=True)
class TimeRef:
    """What a sentence says about when its figure holds. ``day`` is an ISO date when it could be
    resolved, else the weekday or date as written ("sunday", "jan 4"); ``clock`` minutes after
    midnight; ``published`` the report's date; ``provisional`` a figure given as changing."""

    day: str | None = None
    clock: int | None = None
    published: datetime | None = None
    provisional: bool = False


def time_reference(sentence: str, published: datetime | None) -> TimeRef:
    """The time reference of a figure in ``sentence`` of a report published at ``published``."""
    day = None
    found = _DAY_WORDS.search(sentence)
    if found:
        day = _resolve(found, published.date() if published else None)
    clock = None
    at = _CLOCK.search(sentence)
    if at:
        if at.group("h"):
            hour = int(at.group("h")) % 12 + (12 if at.group("ap").lower() == "p" else 0)
            clock = hour * 60 + int(at.group("mi") or 0)
        else:
            clock = int(at.group("hh")) * 60 + int(at.group("mm"))
    return TimeRef(day, clock, published, bool(PROVISIONAL.search(sentence)))


def different_times(a: TimeRef, b: TimeRef, min_hours: float = 12.0) -> bool:
    """Whether two figures speak of different times: either is given as provisional or
    changing, they name different days or clock times, or (naming no day) their reports came
    out at least ``min_hours`` apart."""
    if a.provisional or b.provisional:
        return True
    if a.day and b.day:
        return a.day != b.day or (
            a.clock is not None and b.clock is not None and a.clock != b.clock
        )
    if a.clock is not None and b.clock is not None and a.clock != b.clock:
        return True
    if a.published and b.published and not (a.day or b.day):
        gap = abs((a.published - b.published).total_seconds()) / 3600
        return gap >= min_hours
    return False


def _resolve(m: re.Match[str], base: date | None) -> str:
    """An ISO date for a day word when the report's date is known, else the words."""
    if m.group("wd"):
        wd = WEEKDAYS.index(m.group("wd").lower())
        if base is None:
            return m.group("wd").lower()
        return (base - timedelta(days=(base.weekday() - wd) % 7)).isoformat()
    if m.group("rel"):
        rel = m.group("rel").lower()
        if base is None:
            return "yesterday" if rel in ("yesterday", "last night") else "today"
        back = 1 if rel in ("yesterday", "last night") else 0
        return (base - timedelta(days=back)).isoformat()
    month = MONTHS[(m.group("m1") or m.group("m2")).lower()]
    day = int(m.group("d1") or m.group("d2"))
    if base is None or not 1 <= day <= 31:
        return f"{month:02d}-{day:02d}"
    try:
        found = date(base.year, month, day)
    except ValueError:
        return f"{month:02d}-{day:02d}"
    if found > base + timedelta(days=1):  # "Dec. 30" in a report of Jan. 2
        found = found.replace(year=base.year - 1)
    return found.isoformat()
