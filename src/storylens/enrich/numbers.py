"""Number words, qualifiers and units, and the number phrases of a parsed sentence.

:func:`parse_number` reads the words of one number ("100,000", "1.2 million", "twenty-one",
"a dozen"); :data:`VAGUE` gives the interval of plural number words ("hundreds", "tens of
thousands"); :func:`interval` turns a value and the qualifier before it into an interval with
its openness (the rules are in docs/claims.md); :func:`unit_of` names the unit of a word.
:func:`phrase_at` reads one whole number phrase from the tokens of a sentence (qualifier, currency,
number words, range, unit) and says which numbers are not claims (dates, times, ages, scores,
identifiers, list numbers). spaCy is imported for typing only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
_SCALE = {
    "hundred": 100.0, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip
ORDINALS = {
    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip

# Plural number words: at least two of the named size, less than ten of them (the next word up).
VAGUE: dict[str, tuple[float, float]] = {
    "dozens": (24.0, 100.0),
    "scores": (40.0, 100.0),
    "hundreds": (200.0, 1e3),
    "thousands": (2e3, 1e4),
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
    "just over": "over", "well over": "over", "upwards of": "over",
    "at least": "at least", "no fewer than": "at least", "no less than": "at least",
    "a minimum of": "at least",
    "up to": "up to", "as many as": "up to", "as much as": "up to", "at most": "up to",
    "no more than": "up to", "a maximum of": "up to",
    "fewer than": "under", "less than": "under", "under": "under", "below": "under",
    "just under": "under",
    "about": "about", "around": "about", "roughly": "about", "some": "about",
    "approximately": "about", "an estimated": "about", "estimated": "about",
    "nearly": "nearly", "almost": "nearly", "close to": "nearly", "just short of": "nearly",
    "exactly": "exactly", "precisely": "exactly",
}  # fmt: skip
APPROX = 0.1  # "about 400" is [360, 440]; "nearly 400" is [360, 400)

_UNITS: dict[str, tuple[str, str]] = {  # word -> (unit, family)
    "%": ("%", "percent"), "percent": ("%", "percent"), "per cent": ("%", "percent"),
    "percentage point": ("percentage points", "points"),
    "basis point": ("basis points", "points"),
    "£": ("£", "money"), "pound": ("£", "money"), "$": ("$", "money"), "dollar": ("$", "money"),
    "€": ("€", "money"), "euro": ("€", "money"),
    "second": ("seconds", "time"), "minute": ("minutes", "time"), "hour": ("hours", "time"),
    "day": ("days", "time"), "week": ("weeks", "time"), "weekend": ("weekends", "time"),
    "fortnight": ("fortnights", "time"), "month": ("months", "time"), "year": ("years", "time"),
    "decade": ("decades", "time"), "century": ("centuries", "time"),
    "millimetre": ("mm", "length"), "mm": ("mm", "length"), "centimetre": ("cm", "length"),
    "cm": ("cm", "length"), "metre": ("m", "length"), "meter": ("m", "length"),
    "kilometre": ("km", "length"), "kilometer": ("km", "length"), "km": ("km", "length"),
    "mile": ("miles", "length"), "yard": ("yards", "length"), "foot": ("feet", "length"),
    "feet": ("feet", "length"), "inch": ("inches", "length"),
    "square metre": ("square metres", "area"), "hectare": ("hectares", "area"),
    "acre": ("acres", "area"),
    "tonne": ("tonnes", "mass"), "ton": ("tonnes", "mass"), "kilogram": ("kg", "mass"),
    "kg": ("kg", "mass"), "litre": ("litres", "volume"), "liter": ("litres", "volume"),
}  # fmt: skip
CURRENCY_SYMBOLS = {"£", "$", "€"}

_DIGITS = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
_DIGITS_SCALE = re.compile(r"^(\d+(?:\.\d+)?)(k|m|mn|bn|b|tn)$", re.IGNORECASE)


def singular(word: str) -> str:
    """A rough singular for unit words ("metres" -> "metre", "centuries" -> "century")."""
    w = word.lower()
    if w in _UNITS or w in ("feet", "series"):
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def unit_of(word: str) -> tuple[str, str] | None:
    """(unit, family) of a unit word, or None: "percent" -> ("%", "percent")."""
    w = word.lower()
    return _UNITS.get(w) or _UNITS.get(singular(w))


def _word_value(word: str) -> float | None:
    w = word.lower().strip()
    if w in _SMALL:
        return float(_SMALL[w])
    if "-" in w:  # twenty-one, sixty-one
        parts = w.split("-")
        if len(parts) == 2 and parts[0] in _SMALL and parts[1] in _SMALL:
            return float(_SMALL[parts[0]] + _SMALL[parts[1]])
    m = _DIGITS.match(w)
    if m:
        return float(m.group(1).replace(",", "") + (m.group(2) or ""))
    m = _DIGITS_SCALE.match(w)
    if m:
        return float(m.group(1)) * _SCALE[m.group(2).lower()]
    return None


def parse_number(words: list[str]) -> float | None:
    """The value of the words of one number, or None when they are not one.

    >>> parse_number(["1.2", "million"]), parse_number(["a", "dozen"])
    (1200000.0, 12.0)
    """
    ws = [w.lower() for w in words if w not in ("", ",")]
    if ws[:1] in (["a"], ["an"]):
        ws = ["one", *ws[1:]]
    if not ws:
        return None
    half = False
    if ws[-3:] == ["and", "a", "half"]:
        half, ws = True, ws[:-3]
    total = 0.0
    current: float | None = None
    for w in ws:
        scale = _SCALE.get(w)
        if scale is not None and current is not None:
            if w == "dozen":
                current *= 12
            elif scale == 100:
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


# --- number phrases in a parsed sentence ---------------------------------------------------------

_IDENT_WORDS = {
    "terminal", "terminals", "page", "pages", "section", "chapter", "paragraph", "clause", "item",
    "no", "no.", "number", "route", "platform", "gate", "room", "article", "flight", "line",
    "bus", "table", "figure", "part", "act", "level", "stage", "phase", "grade", "category",
    "ward", "pier", "berth", "berths", "junction", "exit", "lane", "road", "street", "channel",
}  # fmt: skip
_TIME_WORDS = {"am", "pm", "a.m.", "p.m.", "gmt", "bst", "utc", "hrs"}
_PHONE = re.compile(r"^\+?\d[\d\- ]{6,}\d$")
_DASHES = {"-", "–", "—"}
_PREP_QUALIFIERS = {"over", "under", "above", "below"}
_ORDINAL_VERBS = {"enter", "reach", "begin", "start", "mark", "go", "stretch", "continue"}
_SINGLE_TIME = {"hour", "day", "week", "fortnight", "month", "year", "decade", "century"}
_BEFORE_SINGLE = {"than", "for", "within", "after", "about", "almost", "nearly"}
_ORDINAL_UNITS = {"day", "week", "weekend", "month", "year"}


@dataclass(slots=True)
class Phrase:
    """The words of one number in a sentence: token indexes are local to the sentence."""

    first: int  # first token of the phrase text (qualifier or currency included)
    last: int  # last token of the phrase text (unit included)
    anchor: int  # the token that carries the phrase in the parse (unit, else the number)
    lo: float | None
    hi: float | None
    lo_open: bool = False
    hi_open: bool = False
    unit: str | None = None
    qualifier: str | None = None
    family: str = "count"


def _low(toks: list[Token], i: int) -> str:
    return toks[i].lower_ if 0 <= i < len(toks) else ""


def phrase_at(toks: list[Token], i: int) -> tuple[Phrase | None, int]:
    """The number phrase whose number words start at token ``i`` (or None), and where to go on."""
    ordinal = _ordinal_duration(toks, i)
    if ordinal is not None:
        return ordinal, ordinal.last + 1
    core = _core(toks, i)
    if core is None:
        return None, i + 1
    end, lo, hi = core  # number words are toks[i:end]
    if _skipped(toks, i, end):
        return None, end
    phrase = Phrase(first=i, last=end - 1, anchor=end - 1, lo=lo, hi=hi)
    if lo != hi:  # a plural number word: hundreds, tens of thousands
        phrase.hi_open = True
        phrase.qualifier = " ".join(t.lower_ for t in toks[i:end])
    if _low(toks, i - 1) in CURRENCY_SYMBOLS:
        phrase.first = i - 1
        phrase.unit, phrase.family = unit_of(_low(toks, i - 1)) or (None, "count")
    end = _range(toks, phrase, end)
    end = _unit(toks, phrase, end)
    if phrase.family in ("age", "skip"):
        return None, end
    if phrase.lo == phrase.hi and phrase.qualifier is None:
        _qualify(toks, phrase)
    if toks[i].ent_type_ in ("DATE", "TIME") and phrase.family not in ("time", "percent"):
        return None, end
    return phrase, end


def _core(toks: list[Token], i: int) -> tuple[int, float | None, float | None] | None:
    """(end, lo, hi) of the number words starting at ``i``: a value or a vague interval."""
    if i >= len(toks):  # "between 300 and" ending a sentence
        return None
    low = _low(toks, i)
    for size in (3, 1):  # "tens of thousands", "hundreds"
        words = [_low(toks, j) for j in range(i, i + size)]
        span = vague(words)
        if span is not None and (size == 3 or low != "scores" or _low(toks, i + 1) == "of"):
            return i + size, span[0], span[1]
    if low in ("a", "an"):
        if _low(toks, i + 1) in _SINGLE_TIME and _low(toks, i - 1) in _BEFORE_SINGLE:
            return i + 1, 1.0, 1.0  # "more than a week", "for a fortnight"
        if _low(toks, i + 1) not in ("dozen", "hundred", "thousand", "million", "billion"):
            return None
    elif not (toks[i].like_num or parse_number([low]) is not None) or low in ORDINALS:
        return None
    if toks[i].tag_ in ("JJ", "RB") and not toks[i].like_num:
        return None
    j = i + 1
    while j < len(toks):
        w = _low(toks, j).rstrip(".")  # "£300m." at the end of a sentence
        if w in ("hundred", "thousand", "million", "billion", "trillion", "dozen", "m", "bn", "k"):
            j += 1
        elif (
            w in _DASHES
            and parse_number([_low(toks, j + 1)]) is not None
            and (_low(toks, j - 1).isalpha() and _low(toks, j + 1).isalpha())
        ):
            j += 2  # twenty-one
        elif w == "and" and _low(toks, j + 1) == "a" and _low(toks, j + 2) == "half":
            j += 3
        else:
            break
    words = [t.lower_.rstrip(".") for t in toks[i:j] if t.lower_ not in _DASHES]
    value = parse_number(words)
    if value is None:
        return None
    return j, value, value


def _skipped(toks: list[Token], i: int, end: int) -> bool:
    """Numbers that are not claims: "one", years, times, ages, identifiers, list numbers."""
    t = toks[i]
    low = t.lower_
    if low in ("one", "a", "an") and end == i + 1 and _low(toks, end) not in _SINGLE_TIME:
        return True
    if _PHONE.match(t.text) or re.match(r"^\d+(s|'s)$", low):  # phone numbers, the 1950s
        return True
    if _low(toks, end) in ("times", "fold"):  # multiples: "six times the limit"
        return True
    if _low(toks, end) in _TIME_WORDS or re.search(r"\d(am|pm)$", low):
        return True
    if re.fullmatch(r"(1[89]|20)\d\d", low) and end == i + 1:
        head = t.head
        if t.dep_ != "nummod" or t.ent_type_ == "DATE" or head.tag_ != "NNS":
            return True  # a year: "in 2021", "the 2015 Nobel Prize"
    prev = _low(toks, i - 1)
    if prev in _IDENT_WORDS:
        return True
    if (
        prev in ("to", "and", "-", "–")
        and _low(toks, i - 2).isdigit()
        and _skipped(toks, i - 2, i - 1)
    ):
        return True  # "Terminals 1 to 4"
    if t.i == t.sent.start and _low(toks, end) in (".", ")"):
        return True  # list numbering: "1." / "2)"
    if (
        prev == ","
        and i >= 2
        and toks[i - 2].pos_ == "PROPN"
        and end == i + 1
        and _low(toks, end) in (",", ".", "")
        and not unit_of(_low(toks, end))
    ):
        return True  # an age after a name: "Gennady, 35, a logistics worker"
    return low in ("her", "his")


def _range(toks: list[Token], p: Phrase, end: int) -> int:
    """Extend a value to a range: "between 300 and 400", "300-400" (ascending; "2-1" is a score
    and is skipped)."""
    low = _low(toks, end)
    between = _low(toks, p.first - 1) == "between" and low in ("and", "to")
    dash = low in _DASHES and toks[end - 1].like_num
    if not (between or dash) or p.lo is None or unit_of(_low(toks, end + 1)):
        return end
    nxt = _core(toks, end + 1)
    if nxt is None or nxt[1] is None:
        return end
    if nxt[1] < p.lo:
        if dash:
            p.family = "skip"  # a score: "beat Dunholt 2-1"
            return nxt[0]
        return end
    if between:
        p.first -= 1
    p.hi, p.qualifier = nxt[2], "between" if between else "range"
    p.last = p.anchor = nxt[0] - 1
    return nxt[0]


def _unit(toks: list[Token], p: Phrase, end: int) -> int:
    """Read the unit after the number: %, percent, pounds, years, "-km", "2 hours 40 minutes"."""
    j = end
    if (
        _low(toks, j) in _DASHES
        and _low(toks, j + 1) in ("year", "years")
        and (_low(toks, j + 2) in _DASHES and _low(toks, j + 3) == "old")
    ):
        p.family = "age"  # "33-year-old"
        return j + 4
    if _low(toks, j) in ("year-old", "years-old") or (
        _low(toks, j) in ("years", "year") and _low(toks, j + 1) == "old"
    ):
        p.family = "age"
        return j + 2
    hyphen = _low(toks, j) in _DASHES
    if hyphen:
        j += 1
    elif _low(toks, j) == "of" and p.lo != p.hi and p.qualifier and unit_of(_low(toks, j + 1)):
        j += 1  # "thousands of tonnes"
    words = [_low(toks, j), _low(toks, j + 1)]
    found: tuple[int, tuple[str, str]] | None = None
    for n in (2, 1):
        cand = unit_of(" ".join(words[:n]))
        if cand is not None and (n == 1 or words[0] in ("per", "percentage", "basis", "square")):
            found = (n, cand)
            break
    if found is None or p.unit is not None:  # no unit, or a currency symbol already read
        return end
    size, (unit, family) = found[0], found[1]
    p.unit, p.family = unit, family
    p.last = p.anchor = j + size - 1
    end = j + size
    if family == "time" and unit == "hours" and not hyphen:  # "2 hours 40 minutes"
        nxt = _core(toks, end)
        if nxt is not None and _low(toks, nxt[0]) in ("minutes", "minute") and p.lo is not None:
            minutes = p.lo * 60 + (nxt[1] or 0)
            p.lo = p.hi = minutes
            p.unit = "minutes"
            p.last = p.anchor = nxt[0]
            return nxt[0] + 1
    return end


def _qualify(toks: list[Token], p: Phrase) -> None:
    """Read the qualifier before the phrase and turn the value into an interval."""
    assert p.lo is not None
    for size in (3, 2, 1):
        start = p.first - size
        if start < 0:
            continue
        words = " ".join(t.lower_ for t in toks[start : p.first])
        kind = QUALIFIERS.get(words)
        if not kind:
            continue
        q = toks[start]
        if words in _PREP_QUALIFIERS and q.dep_ == "prep" and p.family == "time":
            return  # "over five years": a preposition, not a bound
        if words == "some" and p.family == "time":
            return
        p.lo, p.hi, p.lo_open, p.hi_open = interval(p.lo, kind)
        p.qualifier = words
        p.first = start
        return


def _ordinal_duration(toks: list[Token], i: int) -> Phrase | None:
    """ "its sixth week", "a fifth consecutive weekend", "for a third day": how long so far."""
    value = ORDINALS.get(_low(toks, i))
    if value is None:
        return None
    j = i + 1
    while _low(toks, j) in ("consecutive", "straight", "successive", "full"):
        j += 1
    if j >= len(toks) or toks[j].lemma_.lower() not in _ORDINAL_UNITS:
        return None
    noun = toks[j]
    before = _low(toks, i - 1)
    consecutive = j > i + 1
    verb = noun.head if noun.dep_ == "dobj" else None
    into = noun.dep_ == "pobj" and noun.head.lower_ in ("in", "into", "for")
    if not (
        consecutive
        or before in ("its", "their")
        or (verb is not None and verb.lemma_ in _ORDINAL_VERBS)
        or (into and before in ("a", "its", "their"))
    ):
        return None
    unit, _ = unit_of(noun.lower_) or (noun.lower_, "time")
    first = i - 1 if before in ("a", "its", "their", "the") else i
    return Phrase(
        first=first,
        last=j,
        anchor=j,
        lo=float(value),
        hi=float(value),
        unit=unit,
        qualifier="ordinal",
        family="ordinal",
    )
