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
from collections.abc import Iterator, Sequence
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
_SPAN = r"(?:days?|nights?|weeks?|months?|hours?|years?)"
PROVISIONAL = re.compile(
    r"\b(?:so far|as of|thus far|to date|at last count|latest|updated|revised|initially|"
    r"earlier|now stands|now|risen|rose|rising|climbed|climbing|jumped|increased|"
    r"bringing the (?:\w+ )?(?:toll|total|number|count)|reached|reaching)\b"
    # a duration of something still going on: "after 13 days of bombardment", "a week into"
    rf"|\bafter (?:more than |nearly |almost |about |some )?[\w,.-]+ {_SPAN} of\b"
    rf"|\b{_SPAN} into\b|\bentered (?:its|their|a|the) \w+ {_SPAN}\b",
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


def time_reference(
    sentence: str,
    published: datetime | None,
    span: tuple[int, int] | None = None,
    others: Sequence[tuple[int, int]] = (),
) -> TimeRef:
    """The time reference of a figure in ``sentence`` of a report published at ``published``.

    With the figure's ``span`` and the spans of the sentence's ``others`` figures, a day or a
    clock time counts for the figure nearest to it ("44 vessels by midday, up from 27 on
    Tuesday": Tuesday is the 27's)."""
    day = None
    found = _nearest(_DAY_WORDS.finditer(sentence), span, others)
    if found:
        day = _resolve(found, published.date() if published else None)
    clock = None
    at = _nearest(_CLOCK.finditer(sentence), span, others)
    if at:
        if at.group("h"):
            hour = int(at.group("h")) % 12 + (12 if at.group("ap").lower() == "p" else 0)
            clock = hour * 60 + int(at.group("mi") or 0)
        else:
            clock = int(at.group("hh")) * 60 + int(at.group("mm"))
    return TimeRef(day, clock, published, bool(PROVISIONAL.search(sentence)))


def _nearest(
    found: Iterator[re.Match[str]], span: tuple[int, int] | None, others: Sequence[tuple[int, int]]
) -> re.Match[str] | None:
    """The first match that is nearer the figure at ``span`` than any other figure."""
    for m in found:
        if span is None or not others:
            return m
        mine = _distance(m, span)
        if all(mine <= _distance(m, o) for o in others):
            return m
    return None


def _distance(m: re.Match[str], span: tuple[int, int]) -> int:
    if m.end() <= span[0]:
        return span[0] - m.end()
    if m.start() >= span[1]:
        return m.start() - span[1]
    return 0


def different_times(a: TimeRef, b: TimeRef, min_hours: float = 12.0) -> bool:
    """Whether two figures speak of different times: either is given as provisional or
    changing; or the days they hold for differ (the day the sentence names, else the report's
    publication day); or, on one day, the clock times they name differ; or, naming no day, their
    reports came out at least ``min_hours`` apart."""
    if a.provisional or b.provisional:
        return True
    da, db = day_of(a), day_of(b)
    if da is None or db is None or _kind(da) != _kind(db):
        return False  # unknown, or "Jan. 4" and "Sunday" of an undated report: not known apart
    if da != db:
        return True
    if a.clock is not None and b.clock is not None:
        return a.clock != b.clock
    if a.published and b.published and not (a.day or b.day):
        return abs((a.published - b.published).total_seconds()) / 3600 >= min_hours
    return False


def _kind(day: str) -> str:
    """How a day is known: an ISO date, a month and day ("01-04"), or a weekday or word."""
    if len(day) == 10 and day[4] == "-":
        return "date"
    return "month-day" if day[:1].isdigit() else "word"


def day_of(ref: TimeRef) -> str | None:
    """The day a figure holds for: the day its sentence names, else its report's day."""
    if ref.day:
        return ref.day
    return ref.published.date().isoformat() if ref.published else None


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
