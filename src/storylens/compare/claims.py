"""Claim reconciliation: how the values of two claims about the same quantity relate.

A written figure is an interval of its stated precision (:func:`read_interval`): "$61,000"
covers what rounds to it ([60,500, 61,500)), "7.6" covers [7.55, 7.65), a figure written as a
word or a small number is exact, and a qualifier's interval ("about", "nearly", "over") stays
as the claim states it. Two claims then:

- ``agree``: the same interval as written ("over 400" / "more than 400"; "23" / "twenty-three");
- ``compatible``: their read intervals overlap ("$61,000" / "$61,240"; "$180,000" / "more than
  $180,000": the round figure covers a little more), or the same quantity is given in units
  that do not convert ("its sixth week" / "a fifth consecutive weekend", euros / pounds);
- ``conflict`` or ``update``: intervals that cannot both hold. Which of the two is decided by
  their time references (:mod:`storylens.compare.timeref`): the same quantity reported at
  different times is an ``update``, at the same time a ``conflict``.

Pure functions over :class:`~storylens.models.Claim`; the rules with examples are in
docs/compare.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import combinations

from storylens.models import Claim

_FAMILIES: dict[str, str] = {
    "%": "percent", "percentage points": "points", "basis points": "points",
    "£": "money", "$": "money", "€": "money", "A$": "money", "Dh": "money", "rupiah": "money",
    "seconds": "time", "minutes": "time", "hours": "time", "days": "time", "weeks": "time",
    "weekends": "time", "fortnights": "time", "months": "time", "years": "time",
    "decades": "time", "centuries": "time", "nights": "time",
    "mm": "length", "cm": "length", "m": "length", "km": "length", "miles": "length",
    "nautical miles": "length", "yards": "length", "feet": "length", "inches": "length",
    "square metres": "area", "hectares": "area", "acres": "area",
    "tonnes": "mass", "kg": "mass", "litres": "volume",
}  # fmt: skip
_SCALE: dict[str, float] = {  # units that convert exactly within their family
    "seconds": 1, "minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800,
    "fortnights": 1209600, "mm": 0.001, "cm": 0.01, "m": 1, "km": 1000, "miles": 1609.344,
    "nautical miles": 1852, "yards": 0.9144, "feet": 0.3048, "inches": 0.0254, "kg": 1,
    "tonnes": 1000, "percentage points": 1, "basis points": 0.01,
}  # fmt: skip
# digits as written, also as text re-joined from tokens writes them ("230, 000", "8. 6")
_DIGITS = re.compile(r"\d+(?:,\s?\d{3})*(?:\.\s?\d+)?")

Bounds = tuple[float | None, float | None, bool, bool]  # lo, hi, lo_open, hi_open
Relation = str  # "agree" | "compatible" | "disjoint"


def unit_family(unit: str | None) -> str:
    """The family of a unit: ``count`` for plain counts, ``time`` for days and weeks alike,
    ``money`` for every currency."""
    if unit is None:
        return "count"
    return _FAMILIES.get(unit, unit)


def convertible(a: str | None, b: str | None) -> bool:
    """Whether two units measure the same kind of thing (one family)."""
    return unit_family(a) == unit_family(b)


def written(c: Claim) -> Bounds:
    """The interval exactly as the claim states it."""
    return c.lo, c.hi, c.lo_open and c.lo is not None, c.hi_open and c.hi is not None


_VAGUE_WORDS = re.compile(
    r"\b(?:dozens|scores|hundreds|thousands|millions|billions|trillions)\b", re.IGNORECASE
)


def vague(c: Claim) -> bool:
    """A plural number word ("dozens", "tens of thousands"): an order of size, not a figure."""
    return not any(ch.isdigit() for ch in c.text) and bool(_VAGUE_WORDS.search(c.text))


def precision_unit(c: Claim) -> float:
    """The rounding unit of a figure as written: "$61,000" → 1,000; "7.6" → 0.1; "44 million"
    → 1,000,000; "250" → 10; "100,000" → 10,000 (a round figure is read to at least two
    significant digits, so 20,000 and 30,000 stay apart). A whole number without trailing
    zeros ("12", "61,243"), trailing zeros after four or more significant digits ("61,240") and
    a figure written in words are exact (0)."""
    value = c.lo if c.lo is not None else c.hi
    match = _DIGITS.search(c.text)
    if value is None or value == 0 or match is None:
        return 0.0
    digits = match.group().replace(",", "").replace(" ", "")
    try:
        number = float(digits)
    except ValueError:
        return 0.0
    if number == 0:
        return 0.0
    scale = abs(value) / number  # "44 million": 44 × 1e6
    if "." in digits:
        unit = 10.0 ** -len(digits.split(".", 1)[1])
    else:
        whole = digits.lstrip("0") or "0"
        significant = whole.rstrip("0")
        zeros = len(whole) - len(significant) if len(significant) <= 3 else 0
        if zeros == 0 and scale < 1000:
            # an exact count or sum; "44 million" is rounded to its scale word
            return 0.0 if unit_family(c.unit) in ("count", "money") else scale
        unit = float(min(10**zeros, 10 ** max(0, len(whole) - 2)))
    return unit * scale


def read_interval(c: Claim) -> Bounds:
    """The interval a reader takes a figure to mean: a point widened to what rounds to it (see
    :func:`precision_unit`); a stated interval as stated."""
    lo, hi, lo_open, hi_open = written(c)
    if lo is not None and lo == hi and not lo_open and not hi_open:
        half = precision_unit(c) / 2
        if half > 0:  # to 12 digits, so that 8.6 + 0.05 and 8.7 - 0.05 meet exactly
            return float(f"{lo - half:.12g}"), float(f"{hi + half:.12g}"), False, True
    return lo, hi, lo_open, hi_open


def relation(a: Claim, b: Claim) -> Relation:
    """How two claims' values relate: ``agree`` (the same stated interval), ``compatible``
    (they can both be true as a reader reads them) or ``disjoint``."""
    if a.unit != b.unit and not exact_units(a.unit, b.unit):
        return "compatible" if convertible(a.unit, b.unit) else "disjoint"
    x, y = _in_unit(written(a), a.unit, b.unit), written(b)
    if x == y:
        return "agree"
    rx, ry = _in_unit(read_interval(a), a.unit, b.unit), read_interval(b)
    return "compatible" if overlap(rx, ry) else "disjoint"


def changed(a: Claim, b: Claim) -> bool:
    """Whether two figures are different numbers as written, beyond rounding, whatever their
    qualifiers: "at least three" and "24" can both hold, but they are not one figure; "about
    300" and "300" are."""

    def point(c: Claim) -> Claim:
        value = _written_value(c)
        return replace(c, lo=value, hi=value, lo_open=False, hi_open=False, qualifier=None)

    return relation(point(a), point(b)) == "disjoint"


def _written_value(c: Claim) -> float | None:
    """The figure a claim writes: the bound of "over 400" or "up to 20", the top of "nearly
    $44 million", the middle of "about 300" and of a range."""
    if c.lo is None or c.hi is None or c.lo == c.hi:
        return c.lo if c.lo is not None else c.hi
    if (
        c.hi_open
        and not c.lo_open
        and (c.qualifier or "").lower() in ("nearly", "almost", "close to")
    ):
        return c.hi
    return (c.lo + c.hi) / 2


def magnitude_ratio(a: Claim, b: Claim) -> float:
    """How many times larger one figure is than the other (1 for equal or unbounded)."""
    x = _point(_in_unit(written(a), a.unit, b.unit))
    y = _point(written(b))
    if x is None or y is None or x <= 0 or y <= 0:
        return 1.0
    return max(x, y) / min(x, y)


@dataclass(slots=True)
class Verdict:
    """How the claims of one fact relate: ``agree``, ``compatible`` or ``disjoint`` (values
    that cannot all hold), and the pair that decided, as a note."""

    relation: Relation
    note: str


def group_verdict(claims: list[Claim]) -> Verdict:
    """The relation of several claims of one fact: any disjoint pair makes it ``disjoint``; all
    pairs agreeing make ``agree``; otherwise ``compatible``."""
    results = [(relation(a, b), a, b) for a, b in combinations(claims, 2)]
    for rel, words in (("disjoint", "different values"), ("compatible", "")):
        pairs = [(a, b) for r, a, b in results if r == rel]
        if pairs:
            note = "; ".join(dict.fromkeys(_note(a, b, words) for a, b in pairs))
            return Verdict(rel, note)
    return Verdict("agree", f"same value: {claims[0].text}" if claims else "")


def _note(a: Claim, b: Claim, words: str) -> str:
    if words:
        return f"{words}: {a.text} / {b.text}"
    if a.unit != b.unit and not exact_units(a.unit, b.unit):
        return f"different units: {a.text} / {b.text}"
    if written(a)[:2] != written(b)[:2] and a.qualifier is None and b.qualifier is None:
        return f"the same figure rounded: {a.text} / {b.text}"
    return f"overlapping values: {a.text} / {b.text}"


def exact_units(a: str | None, b: str | None) -> bool:
    """The same unit, or units that convert exactly (km and miles, hours and minutes)."""
    return a == b or (a in _SCALE and b in _SCALE and convertible(a, b))


def _in_unit(x: Bounds, unit: str | None, target: str | None) -> Bounds:
    """``x`` (in ``unit``) expressed in ``target`` when the two convert exactly."""
    if unit == target or unit not in _SCALE or target not in _SCALE:
        return x
    factor = _SCALE[unit] / _SCALE[target]
    lo = None if x[0] is None else round(x[0] * factor, 9)
    hi = None if x[1] is None else round(x[1] * factor, 9)
    return lo, hi, x[2] and lo is not None, x[3] and hi is not None


def _point(x: Bounds) -> float | None:
    lo, hi = x[0], x[1]
    if lo is not None and hi is not None:
        return (lo + hi) / 2
    return lo if lo is not None else hi


def overlap(x: Bounds, y: Bounds) -> bool:
    """True when two intervals share at least one value; None is an unbounded end."""
    lo, lo_open = _tighter(x[0], x[2], y[0], y[2], upper=False)
    hi, hi_open = _tighter(x[1], x[3], y[1], y[3], upper=True)
    if lo is None or hi is None:
        return True
    return lo < hi or (lo == hi and not lo_open and not hi_open)


def _tighter(
    a: float | None, a_open: bool, b: float | None, b_open: bool, upper: bool
) -> tuple[float | None, bool]:
    """The tighter of two bounds (the larger lower bound, the smaller upper bound)."""
    if a is None:
        return b, b_open
    if b is None or a == b:
        return a, a_open or (b is not None and b_open)
    if (a < b) == upper:
        return a, a_open
    return b, b_open
