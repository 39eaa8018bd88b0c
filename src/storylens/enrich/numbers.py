"""Number words, fractions, qualifiers, units and currencies: the word-level part of claims.

:func:`parse_number` reads the words of one number ("100,000", "1.2 million", "twenty-one",
"a dozen", "half-dozen"); :data:`VAGUE` gives the interval of plural number words ("hundreds",
"tens of thousands"); :func:`fraction` reads "half", "two-thirds", "a quarter";
:func:`interval` turns a value and the qualifier before it into an interval with its openness
(the rules are in docs/claims.md); :func:`unit_of` names the unit of a word and
:func:`glued_currency` splits "euro110" or "Dh4,275" into a currency and a number. No parse is
needed here; spaCy is imported for typing only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12, "half-dozen": 6,
}  # fmt: skip
SCALE = {
    "hundred": 100.0, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6,
    "mln": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip
SCALE_WORDS = {"hundred", "thousand", "million", "billion", "trillion", "dozen", "m", "bn", "k"}
ORDINALS = {
    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip
# Fractions as words: "half", "a third", "two-thirds", "three quarters", "one-fifth".
FRACTION_NOUNS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
    "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "eighth": 8, "eighths": 8,
    "tenth": 10, "tenths": 10,
}  # fmt: skip

# Plural number words: at least two of the named size, less than ten of them (the next word up).
VAGUE: dict[str, tuple[float, float]] = {
    "dozens": (24.0, 100.0),
    "several dozen": (24.0, 100.0),
    "scores": (40.0, 100.0),
    "hundreds": (200.0, 1e3),
    "several hundred": (200.0, 1e3),
    "thousands": (2e3, 1e4),
    "several thousand": (2e3, 1e4),
    "tens of thousands": (2e4, 1e5),
    "hundreds of thousands": (2e5, 1e6),
    "millions": (2e6, 1e7),
    "tens of millions": (2e7, 1e8),
    "hundreds of millions": (2e8, 1e9),
    "billions": (2e9, 1e10),
}

# Qualifier phrases, longest first when matched, and the interval kind each one makes.
QUALIFIERS: dict[str, str] = {
    "more than": "over", "over": "over", "above": "over", "in excess of": "over",
    "just over": "over", "well over": "over", "upwards of": "over", "greater than": "over",
    "at least": "at least", "no fewer than": "at least", "no less than": "at least",
    "a minimum of": "at least",
    "up to": "up to", "as many as": "up to", "as much as": "up to", "at most": "up to",
    "no more than": "up to", "a maximum of": "up to", "within": "up to",
    "fewer than": "under", "less than": "under", "under": "under", "below": "under",
    "just under": "under",
    "about": "about", "around": "about", "roughly": "about", "some": "about",
    "approximately": "about", "an estimated": "about", "estimated": "about",
    "an approximate": "about", "approximate": "about", "an estimate of": "about",
    "nearly": "nearly", "almost": "nearly", "close to": "nearly", "just short of": "nearly",
    "exactly": "exactly", "precisely": "exactly",
}  # fmt: skip
APPROX = 0.1  # "about 400" is [360, 440]; "nearly 400" is [360, 400)

_UNITS: dict[str, tuple[str, str]] = {  # word -> (unit, family)
    "%": ("%", "percent"), "percent": ("%", "percent"), "per cent": ("%", "percent"),
    "pct": ("%", "percent"),
    "percentage point": ("percentage points", "points"),
    "basis point": ("basis points", "points"),
    "£": ("£", "money"), "pound": ("£", "money"), "sterling": ("£", "money"),
    "$": ("$", "money"), "dollar": ("$", "money"), "€": ("€", "money"), "euro": ("€", "money"),
    "rupiah": ("rupiah", "money"), "rupee": ("rupees", "money"), "yen": ("¥", "money"),
    "dirham": ("Dh", "money"), "yuan": ("yuan", "money"), "rouble": ("roubles", "money"),
    "ruble": ("roubles", "money"),
    "second": ("seconds", "time"), "minute": ("minutes", "time"), "hour": ("hours", "time"),
    "day": ("days", "time"), "night": ("nights", "time"), "week": ("weeks", "time"),
    "weekend": ("weekends", "time"), "fortnight": ("fortnights", "time"),
    "month": ("months", "time"), "year": ("years", "time"), "decade": ("decades", "time"),
    "century": ("centuries", "time"),
    "millimetre": ("mm", "length"), "millimeter": ("mm", "length"), "mm": ("mm", "length"),
    "centimetre": ("cm", "length"), "centimeter": ("cm", "length"), "cm": ("cm", "length"),
    "metre": ("m", "length"), "meter": ("m", "length"), "kilometre": ("km", "length"),
    "kilometer": ("km", "length"), "km": ("km", "length"), "mile": ("miles", "length"),
    "nautical mile": ("nautical miles", "length"), "yard": ("yards", "length"),
    "foot": ("feet", "length"), "feet": ("feet", "length"), "inch": ("inches", "length"),
    "block": ("blocks", "length"),
    "square metre": ("square metres", "area"), "square meter": ("square metres", "area"),
    "square mile": ("square miles", "area"), "square kilometre": ("square km", "area"),
    "square kilometer": ("square km", "area"), "hectare": ("hectares", "area"),
    "acre": ("acres", "area"),
    "tonne": ("tonnes", "mass"), "ton": ("tonnes", "mass"), "kilogram": ("kg", "mass"),
    "kg": ("kg", "mass"), "kilo": ("kg", "mass"), "gram": ("g", "mass"),
    "stone": ("stone", "mass"), "lb": ("lbs", "mass"), "lbs": ("lbs", "mass"),
    "litre": ("litres", "volume"), "liter": ("litres", "volume"),
    "gallon": ("gallons", "volume"), "barrel": ("barrels", "volume"),
    "point": ("points", "points"),
    "mph": ("mph", "speed"), "kph": ("km/h", "speed"), "km/h": ("km/h", "speed"),
    "knot": ("knots", "speed"),
    "magnitude": ("magnitude", "measure"), "caliber": ("caliber", "measure"),
    "calibre": ("caliber", "measure"), "degree": ("degrees", "measure"),
}  # fmt: skip
CURRENCY_SYMBOLS = {"£": "£", "$": "$", "€": "€", "¥": "¥", "us$": "$", "a$": "A$", "c$": "C$",
                    "hk$": "HK$", "nz$": "NZ$", "s$": "S$", "\ufffd": "?"}  # fmt: skip
# Currency codes written glued to the number: "euro110", "Dh4,275", "$A195,900", "US$5m".
_GLUED = re.compile(
    r"^(euro|eur|usd|us\$|a\$|\$a|c\$|hk\$|nz\$|dh|aed|rs|rp|gbp|£|\$|€|¥|\ufffd)"
    r"(\d[\d,]*(?:\.\d+)?)(k|m|mn|bn|b|tn)?$",
    re.IGNORECASE,
)
_GLUED_UNITS = {"euro": "€", "eur": "€", "usd": "$", "us$": "$", "a$": "A$", "$a": "A$",
                "c$": "C$", "hk$": "HK$", "nz$": "NZ$", "dh": "Dh", "aed": "Dh", "rs": "Rs",
                "rp": "rupiah", "gbp": "£", "£": "£", "$": "$", "€": "€", "¥": "¥",
                "\ufffd": "?"}  # fmt: skip

_DIGITS = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)?(\.\d+)?$")
_DIGITS_SCALE = re.compile(r"^(\d+(?:\.\d+)?)(k|m|mn|bn|b|tn)$", re.IGNORECASE)


def word(tok: Token) -> str:
    """The lower-cased word; for a number rejoined by ``enrich.rejoin``, as it should have been
    written ("230,000" for "230, 000")."""
    return tok.norm_ if " " in tok.text else tok.lower_


def is_number(tok: Token) -> bool:
    """Is the token a number (digits, a number word, a rejoined "230, 000")?"""
    return tok.like_num or " " in tok.text or parse_number([word(tok)]) is not None


def singular(w: str) -> str:
    """A rough singular for unit words ("metres" -> "metre", "centuries" -> "century")."""
    w = w.lower()
    if w in _UNITS or w in ("feet", "series"):
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "xes")):
        return w[:-2]  # "inches"
    if w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def unit_of(w: str) -> tuple[str, str] | None:
    """(unit, family) of a unit word, or None: "percent" -> ("%", "percent")."""
    w = w.lower()
    return _UNITS.get(w) or _UNITS.get(singular(w))


def glued_currency(w: str) -> tuple[str, float] | None:
    """(currency, value) of a number written glued to its currency: "euro110" -> ("€", 110),
    "Dh472.72bn" -> ("Dh", 4.7272e11), "$A195,900" -> ("A$", 195900)."""
    m = _GLUED.match(w)
    if m is None:
        return None
    value = float(m.group(2).replace(",", "")) if _DIGITS.match(m.group(2)) else None
    if value is None:
        return None
    if m.group(3):
        value *= SCALE[m.group(3).lower()]
    return _GLUED_UNITS[m.group(1).lower()], value


def _word_value(w: str) -> float | None:
    w = w.lower().strip()
    if w in SMALL:
        return float(SMALL[w])
    if "-" in w:  # twenty-one, sixty-one
        parts = w.split("-")
        if len(parts) == 2 and parts[0] in SMALL and parts[1] in SMALL:
            return float(SMALL[parts[0]] + SMALL[parts[1]])
    m = _DIGITS.match(w)
    if m and (m.group(1) or m.group(2)) and w != ".":
        return float((m.group(1) or "0").replace(",", "") + (m.group(2) or ""))
    m = _DIGITS_SCALE.match(w)
    if m:
        return float(m.group(1)) * SCALE[m.group(2).lower()]
    return None


def parse_number(words: list[str]) -> float | None:
    """The value of the words of one number, or None when they are not one.

    >>> parse_number(["1.2", "million"]), parse_number(["a", "dozen"])
    (1200000.0, 12.0)
    """
    ws = [w.lower() for w in words if w not in ("", ",")]
    if ws[:1] in (["a"], ["an"]):
        ws = ["one", *ws[1:]]
    if ws[:2] == ["half", "a"] and ws[2:3] == ["dozen"]:  # half a dozen
        return 6.0
    if not ws:
        return None
    half = False
    if ws[-3:] == ["and", "a", "half"]:
        half, ws = True, ws[:-3]
    total = 0.0
    current: float | None = None
    for w in ws:
        scale = SCALE.get(w)
        if scale is not None and current is not None:
            if scale == 100:
                current *= 100
            else:
                total += current * scale
                current = None
            continue
        if w == "dozen" and current is not None:
            current *= 12
            continue
        if w == "and" and current is not None:
            continue
        value = _word_value(w)
        if value is None:
            return None
        current = value if current is None else current + value
    result = total + (current or 0.0)
    return result + 0.5 if half else result


def vague(words: list[str]) -> tuple[float, float] | None:
    """The interval of a plural number word ("hundreds", "tens of thousands"), or None."""
    return VAGUE.get(" ".join(w.lower() for w in words))


def fraction(words: list[str]) -> float | None:
    """The value of a fraction written in words: "half" 0.5, "a third" 1/3, "two-thirds" 2/3,
    "three quarters" 0.75, "one-fifth" 0.2; None for anything else."""
    ws = [p for w in words for p in w.lower().split("-") if p]
    if ws[:1] in (["a"], ["an"], ["one"]):
        ws = ws[1:] if ws[1:2] else ws
        if ws == ["half"]:
            return 0.5
        numerator = 1.0
    elif len(ws) == 2 and ws[0] in SMALL:
        numerator = float(SMALL[ws[0]])
        ws = ws[1:]
    else:
        numerator = 1.0
        if ws != ["half"]:
            return None
    if len(ws) != 1 or ws[0] not in FRACTION_NOUNS:
        return None
    if numerator > 1 and not ws[0].endswith("s"):
        return None  # "two third" is not a fraction
    return numerator / FRACTION_NOUNS[ws[0]]


def interval(value: float, kind: str | None) -> tuple[float | None, float | None, bool, bool]:
    """(lo, hi, lo_open, hi_open) for a value and the qualifier kind before it.

    over -> (x, ∞); at least -> [x, ∞); up to -> [-, x]; under -> [-, x); about -> [0.9x, 1.1x];
    nearly -> [0.9x, x); none or exactly -> [x, x]. An unbounded end is None.
    """
    if kind == "over":
        return value, None, True, False
    if kind == "at least":
        return value, None, False, False
    if kind == "up to":
        return None, value, False, False
    if kind == "under":
        return None, value, False, True
    if kind == "about":
        return _round(value * (1 - APPROX)), _round(value * (1 + APPROX)), False, False
    if kind == "nearly":
        return _round(value * (1 - APPROX)), value, False, True
    return value, value, False, False


def _round(x: float) -> float:
    return round(x, 6)
