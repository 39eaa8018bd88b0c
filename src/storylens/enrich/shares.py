"""Fractions and odds in a parsed sentence: "two-thirds of the members", "more than half",
"half the candidates", "a quarter mile", "half an hour", "a one-in-three chance", "1 in 5
voters", "one Briton in five".

A fraction is a claim only as a share of something (read in %) or a part of a unit; "the second
half", "the eastern half" and "cut in half" are not. Used by :mod:`storylens.enrich.phrases`;
spaCy is imported for typing only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from storylens.enrich import numbers as nb

if TYPE_CHECKING:
    from spacy.tokens import Token

_DASHES = {"-", "–", "—"}
_HALF_UNITS = {"mile", "miles", "hour", "hours", "day", "kilometre", "kilometer", "century"}


class Share(NamedTuple):
    """A fraction or odds: token span (sentence-local), value, unit and family."""

    first: int
    last: int
    value: float
    unit: str
    family: str
    share: bool = False  # a share in % of what follows
    qualifier: str | None = None


def _low(toks: list[Token], i: int) -> str:
    return nb.word(toks[i]) if 0 <= i < len(toks) else ""


def fraction_at(toks: list[Token], i: int) -> Share | None:
    """ "two-thirds of the members", "half the candidates", "more than half", "a quarter
    mile", "half an hour": a share (in %) of what follows, or a part of a unit."""
    low = _low(toks, i)
    if low in ("a", "an", "one") or low in nb.SMALL:
        first_word, j = [low], i + 1
        if _low(toks, j) in _DASHES:
            j += 1
        words = [*first_word, _low(toks, j)]
        end = j + 1
    elif low == "half":
        words, end = ["half"], i + 1
    else:
        return None
    value = nb.fraction(words)
    if value is None:
        return None
    nxt = _low(toks, end)
    prev = _low(toks, i - 1)
    if words[-1].startswith(("half", "quarter")):
        unit_at = end + 1 if nxt in ("a", "an") else end
        if _low(toks, unit_at) in _DASHES:
            unit_at += 1
        if _low(toks, unit_at) in _HALF_UNITS:  # "a quarter mile", "half an hour"
            unit, family = nb.unit_of(_low(toks, unit_at)) or ("", "")
            return Share(i, unit_at, value, unit, family)
    determined = i > 0 and (prev in ("in", "by") or toks[i - 1].pos_ in ("DET", "ADJ", "PRON"))
    approximate = prev in ("about", "nearly", "almost", "around", "some", "over", "roughly")
    if words == ["half"] and determined and not approximate:
        return None  # "the second half", "the eastern half", "cut in half"
    share = nxt in ("of", "the", "their", "its", "his", "her", "our", "all")
    qualified = any(" ".join(t.lower_ for t in toks[max(0, i - n) : i]) in nb.QUALIFIERS
                    for n in (1, 2, 3))  # fmt: skip
    two_part = len(words) == 2 and words[0] not in ("a", "an")
    modifies = two_part and toks[end - 1].dep_ in ("compound", "amod", "nmod", "nummod")
    if not (share or (qualified and words == ["half"]) or modifies):
        return None
    pct = round(value * 100, 6)
    return Share(i, end - 1, pct, "%", "percent", share=True)


def odds_at(toks: list[Token], i: int) -> Share | None:
    """ "a one-in-three chance", "1 in 5 voters": a probability or share in %."""
    low = _low(toks, i)
    a = nb.parse_number([low]) if nb.is_number(toks[i]) else None
    if a is None:
        return None
    j = i + 1
    if _low(toks, j) in _DASHES:
        j += 1
    counted_between = (
        j < len(toks) and toks[j].pos_ in ("NOUN", "PROPN") and _low(toks, j + 1) == "in"
    )
    if counted_between:
        j += 1  # "one Briton in five"
    if _low(toks, j) != "in":
        return None
    j += 1
    if _low(toks, j) in _DASHES:
        j += 1
    if j >= len(toks) or not nb.is_number(toks[j]):
        return None
    b = nb.parse_number([_low(toks, j)])
    if (
        b is None
        or b <= a
        or b > 1e4
        or a != int(a)
        or re.fullmatch(r"(1[5-9]|20)\d\d", toks[j].text)
    ):
        return None  # "a 9.1 temblor in 2004" is no ratio
    hyphenated = toks[i].whitespace_ == "" and toks[j - 1].whitespace_ == ""
    after = toks[j + 1] if j + 1 < len(toks) else None
    counted = after is not None and after.pos_ in ("NOUN", "PROPN", "ADJ")
    if not (hyphenated or counted or counted_between or _low(toks, j + 1) == "of"):
        return None  # "4 in 2021" is no ratio
    pct = round(100 * a / b, 6)
    return Share(i, j, pct, "%", "percent", share=True, qualifier="odds")
