"""Claim reconciliation: when two numeric claims count the same thing, and how their values relate.

:func:`claim_key` says what makes two claims "the same thing counted" (the normalised subject
and the family of the unit); :func:`relation` compares two claims with the same key and
:func:`group_relation` the claims of several outlets. Statuses: ``agree`` (equal intervals),
``compatible`` (overlapping intervals, or the same fact in units that do not convert: "its sixth
week" / "a fifth consecutive weekend"), ``conflict`` (disjoint intervals); a fact with one claim
is ``only in one``.
Pure functions over :class:`~storylens.models.Claim`; the rules are in docs/claims.md.
"""

from __future__ import annotations

from itertools import combinations

from storylens.models import Claim

Status = str  # "agree" | "compatible" | "conflict" | "only in one"

_FAMILIES: dict[str, str] = {
    "%": "percent", "percentage points": "points", "basis points": "points",
    "£": "money", "$": "money", "€": "money",
    "seconds": "time", "minutes": "time", "hours": "time", "days": "time", "weeks": "time",
    "weekends": "time", "fortnights": "time", "months": "time", "years": "time",
    "decades": "time", "centuries": "time",
    "mm": "length", "cm": "length", "m": "length", "km": "length", "miles": "length",
    "yards": "length", "feet": "length", "inches": "length",
    "square metres": "area", "hectares": "area", "acres": "area",
    "tonnes": "mass", "kg": "mass", "litres": "volume",
}  # fmt: skip
_SCALE: dict[str, float] = {  # units that convert exactly within their family
    "seconds": 1, "minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800,
    "fortnights": 1209600, "mm": 0.001, "cm": 0.01, "m": 1, "km": 1000, "miles": 1609.344,
    "yards": 0.9144, "feet": 0.3048, "inches": 0.0254, "kg": 1, "tonnes": 1000,
    "percentage points": 1, "basis points": 0.01,
}  # fmt: skip

Bounds = tuple[float | None, float | None, bool, bool]


def unit_family(unit: str | None) -> str:
    """The family of a unit: ``count`` for plain counts, ``time`` for days and weeks alike."""
    if unit is None:
        return "count"
    return _FAMILIES.get(unit, unit)


def claim_key(claim: Claim) -> str:
    """What makes two claims the same thing counted: "protesters|count", "vote share|percent"."""
    subject = " ".join(claim.subject.lower().split())
    return f"{subject}|{unit_family(claim.unit)}"


def relation(a: Claim, b: Claim) -> tuple[Status, str]:
    """(status, note) for two claims with the same key: agree, compatible or conflict."""
    if a.unit != b.unit:
        converted = _convert(a, b.unit)
        if converted is None:
            return "compatible", f"different wording: {a.text} / {b.text}"
        x, y = converted, _bounds(b)
    else:
        x, y = _bounds(a), _bounds(b)
    if x == y:
        return "agree", f"same value: {a.text} / {b.text}"
    if _overlap(x, y):
        return "compatible", f"overlapping values: {a.text} / {b.text}"
    return "conflict", f"different values: {a.text} / {b.text}"


def group_relation(claims: list[Claim]) -> tuple[Status, str]:
    """(status, note) for the claims of one fact across outlets (one claim per outlet).

    One claim is ``only in one``; any conflicting pair makes a ``conflict``; all pairs equal make
    ``agree``; otherwise ``compatible``. The note names the pair that decided.
    """
    if len(claims) < 2:
        return "only in one", claims[0].text if claims else ""
    results = [relation(a, b) for a, b in combinations(claims, 2)]
    for status in ("conflict", "compatible"):
        notes = [note for s, note in results if s == status]
        if notes:
            return status, "; ".join(dict.fromkeys(notes))
    return "agree", results[0][1]


def _bounds(c: Claim) -> Bounds:
    return c.lo, c.hi, c.lo_open and c.lo is not None, c.hi_open and c.hi is not None


def _convert(c: Claim, unit: str | None) -> Bounds | None:
    """The interval of ``c`` in ``unit``, or None when the units do not convert exactly."""
    if c.unit not in _SCALE or unit not in _SCALE or unit_family(c.unit) != unit_family(unit):
        return None
    factor = _SCALE[c.unit] / _SCALE[unit]
    lo = None if c.lo is None else round(c.lo * factor, 9)
    hi = None if c.hi is None else round(c.hi * factor, 9)
    return lo, hi, c.lo_open and lo is not None, c.hi_open and hi is not None


def _overlap(x: Bounds, y: Bounds) -> bool:
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
