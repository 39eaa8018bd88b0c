"""The number phrases of a parsed sentence: qualifier, currency, number words, range, unit.

:func:`find_phrases` walks the tokens of one sentence and returns every :class:`Phrase` that
states a quantity: "over 100,000", "between $12 and $15 million", "30 to 37 months",
"two-thirds", "a one-in-three chance", a vote split "231-199" (two phrases, one per side),
"from 65 to 125" (two phrases). What is not a quantity (dates, clock times, ages,
identifiers, relative time anchors, pronominal "one") is left to :mod:`storylens.enrich.skips`.
Word values come from :mod:`storylens.enrich.numbers`. spaCy is imported for typing only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storylens.enrich import numbers as nb
from storylens.enrich import shares, skips

if TYPE_CHECKING:
    from spacy.tokens import Token

_DASHES = {"-", "–", "—"}
_PREP_QUALIFIERS = {"over", "under", "above", "below", "within"}
_ORDINAL_VERBS = {"enter", "reach", "begin", "start", "mark", "go", "stretch", "continue"}
_SINGLE_TIME = {"hour", "day", "week", "fortnight", "month", "year", "decade", "century"}
_BEFORE_SINGLE = {"than", "for", "within", "after", "about", "almost", "nearly", "over"}
_ORDINAL_UNITS = {"day", "week", "weekend", "month", "year", "night"}
_UNIT_ADJECTIVES = {"working", "business", "calendar", "straight", "consecutive", "full",
                    "successive", "more", "further", "additional", "extra"}  # fmt: skip
# Lemmas that make a split ("231-199", "45-55") a vote, not a sports score or a range.
_VOTE_WORDS = {
    "vote", "ballot", "pass", "approve", "reject", "confirm", "adopt", "ratify", "override",
    "veto", "uphold", "overturn", "rule", "ruling", "tally", "majority", "acquit", "convict",
    "endorse", "elect", "fail",
}  # fmt: skip
# Nouns a descending split modifies when it is a sports result: "a 5-2 defeat", "a 12-1 win".
_RESULTS = {"win", "victory", "defeat", "loss", "draw", "lead", "score", "scoreline", "thrashing",
            "triumph", "rout", "drubbing", "comeback", "semi-final", "final"}  # fmt: skip
NOUN_TAGS = ("NOUN", "PROPN")
_TO_NUMBER = re.compile(r"^to-(\d[\d,.]*)$")


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
    side: str | None = None  # "votes for" / "votes against"; "before" / "after" of from-to
    share: bool = False  # a fraction read as a share in % ("two-thirds of the members")
    core: int = -1  # first token of the number words (after any qualifier or currency)


def _low(toks: list[Token], i: int) -> str:
    return nb.word(toks[i]) if 0 <= i < len(toks) else ""


def find_phrases(toks: list[Token]) -> list[Phrase]:
    """Every number phrase of a sentence's tokens that states a quantity, in order."""
    out: list[Phrase] = []
    i = 0
    while i < len(toks):
        found, nxt = _phrases_at(toks, i)
        for p in found:
            p.anchor = _root(toks, p)
        out += [p for p in found if not skips.not_a_claim(toks, p)]
        i = max(nxt, i + 1)
    return out


def _root(toks: list[Token], p: Phrase) -> int:
    """The token of the phrase that hangs from a word outside it (the phrase's head in the
    parse): "kilometers" in "75 kilometers", "euro30" in "euro30 billion"."""
    span = range(max(p.first, p.core), p.last + 1)
    roots = [j for j in span if toks[j].head.i - toks[0].i not in span or toks[j].head == toks[j]]
    if not roots:
        return p.anchor
    if p.anchor in roots:
        return p.anchor
    return roots[-1]


def _phrases_at(toks: list[Token], i: int) -> tuple[list[Phrase], int]:
    """The phrases whose number words start at token ``i``, and where to go on."""
    ordinal = _ordinal_duration(toks, i)
    if ordinal is not None:
        return [ordinal], ordinal.last + 1
    found = shares.odds_at(toks, i) or shares.fraction_at(toks, i)
    if found is not None:
        part = Phrase(first=found.first, last=found.last, anchor=found.last, lo=found.value,
                      hi=found.value, unit=found.unit, family=found.family, share=found.share,
                      qualifier=found.qualifier, core=found.first)  # fmt: skip
        if part.qualifier is None:
            _qualify(toks, part)
        return [part], part.last + 1
    core = _core(toks, i)
    if core is None:
        return [], i + 1
    end, lo, hi, unit = core  # number words are toks[i:end]
    if skips.not_a_number(toks, i, end):
        return [], end
    p = Phrase(first=i, last=end - 1, anchor=end - 1, lo=lo, hi=hi, core=i)
    if unit is not None:  # "euro110", "Dh4,275"
        p.unit, p.family = unit, "money"
    if lo != hi:  # a plural number word: hundreds, tens of thousands
        p.hi_open = True
        p.qualifier = " ".join(t.lower_ for t in toks[i:end])
    symbol = nb.CURRENCY_SYMBOLS.get(_low(toks, i - 1))
    if symbol is not None:
        p.first = i - 1
        if p.unit is None:
            p.unit, p.family = symbol, "money"
    pair, end = _range(toks, p, end)
    end = _unit(toks, p, end)
    if p.family == "percent" and pair is None and _low(toks, end) == "to":
        other = _core(toks, end + 1)  # "leads Trump 48 percent to 42 percent"
        if other is not None and other[1] is not None and _low(toks, other[0]) in ("percent", "%"):
            second = Phrase(first=end + 1, last=other[0], anchor=other[0], lo=other[1],
                            hi=other[2], unit="%", family="percent")  # fmt: skip
            p.side, second.side = "poll first", "poll second"
            return [p, second], other[0] + 1
    if (
        p.unit == "£"
        and toks[p.last].lower_.startswith("pound")
        and any(t.lemma_.lower() in ("weigh", "weight") for t in toks)
    ):
        p.unit, p.family = "lbs", "mass"  # "weighs 530 pounds"
    if p.unit is None and pair is None and _low(toks, end) == "times":
        if skips.multiple(toks, p):
            return [], end + 1
        p.last = p.anchor = end  # "shot eleven times": a count of events
        end += 1
    after = toks[min(p.last + 1, len(toks) - 1)]
    if p.unit is None and toks[p.first].text.startswith(".") and after.pos_ in ("NOUN", "PROPN"):
        p.unit, p.family = "caliber", "measure"  # "a .357 revolver"
    if pair is not None:
        pair.unit, pair.family = pair.unit or p.unit, p.family if p.unit else pair.family
        return [p, pair], end
    if p.lo == p.hi and p.qualifier is None:
        _qualify(toks, p)
    if p.unit is None and _magnitude_before(toks, p.first):
        p.unit, p.family = "magnitude", "measure"  # "magnitude 6.1", "a magnitude over 5.0"
    return [p], end


def _core(toks: list[Token], i: int) -> tuple[int, float | None, float | None, str | None] | None:
    """(end, lo, hi, currency) of the number words starting at ``i``: a value (with the
    currency glued to it, if any) or a vague interval."""
    if i >= len(toks):  # "between 300 and" ending a sentence
        return None
    low = _low(toks, i)
    for size in (3, 2, 1):  # "tens of thousands", "several dozen", "hundreds"
        words = [_low(toks, j) for j in range(i, i + size)]
        span = nb.vague(words)
        if span is not None and (size > 1 or low != "scores" or _low(toks, i + 1) == "of"):
            return i + size, span[0], span[1], None
    if low == "dozen" and _low(toks, i + 1) == "of" and _low(toks, i - 1) not in ("a", "one"):
        return i + 1, 24.0, 100.0, None  # "Dozen of warships": a slip for "dozens of"
    glued = nb.glued_currency(low)
    if glued is None and _low(toks, i - 1) == "$":  # "$A195,900", "$US5m"
        letters = re.match(r"^(a|c|nz|hk|s|us)(\d.*)$", low)
        found = nb.glued_currency(letters.group(2)) if letters else None
        if letters and found is None and nb.parse_number([letters.group(2)]) is not None:
            dollars = nb.parse_number([letters.group(2)]) or 0.0
            glued = (letters.group(1).upper() + "$" if letters.group(1) != "us" else "$", dollars)
    if glued is not None:
        unit, amount = glued
        j = i + 1
        group = _low(toks, j) == "," and re.fullmatch(r"\d{3}", _low(toks, j + 1)) is not None
        listed = _low(toks, j + 2) in (",", "and", "or")
        if amount < 1000 and group and toks[i].whitespace_ == "" and not listed:
            amount, j = amount * 1000 + float(_low(toks, j + 1)), j + 2  # "Dh4, 275"
        while _low(toks, j).rstrip(".") in nb.SCALE_WORDS:
            amount *= nb.SCALE.get(_low(toks, j).rstrip("."), 1.0)
            j += 1
        return j, amount, amount, unit
    if low in ("a", "an"):
        if _low(toks, i + 1) in _SINGLE_TIME and _low(toks, i - 1) in _BEFORE_SINGLE:
            return i + 1, 1.0, 1.0, None  # "more than a week", "for a fortnight"
        if _low(toks, i + 1) not in ("dozen", "hundred", "thousand", "million", "billion"):
            return None
    elif low == "half" and _low(toks, i + 1) in _DASHES and _low(toks, i + 2) == "dozen":
        return i + 3, 6.0, 6.0, None
    elif low in ("hundred", "thousand", "million", "billion") and _low(toks, i + 1) in _DASHES:
        prev = toks[i - 1] if i > 0 else None
        if prev is None or not (prev.like_num or prev.lower_ in ("a", "one")):
            return i + 1, nb.SCALE[low], nb.SCALE[low], None  # "the million-member union"
    elif not nb.is_number(toks[i]) or low in nb.ORDINALS:
        return None
    if toks[i].tag_ in ("JJ", "RB") and toks[i].text.isalpha():
        return None  # "one" as an adjective or adverb
    j = i + 1
    while j < len(toks):
        w = _low(toks, j).rstrip(".")  # "£300m." at the end of a sentence
        if w in nb.SCALE_WORDS or w in ("mn", "mln", "tn"):
            j += 1
        elif (
            w in _DASHES
            and nb.parse_number([_low(toks, j + 1)]) is not None
            and (_low(toks, j - 1).isalpha() and _low(toks, j + 1).isalpha())
            and _low(toks, j + 1) not in ("dozen",)
        ):
            j += 2  # twenty-one
        elif w == "and" and _low(toks, j + 1) == "a" and _low(toks, j + 2) == "half":
            j += 3
        else:
            break
    words = [nb.word(t).rstrip(".") for t in toks[i:j] if t.lower_ not in _DASHES]
    value = nb.parse_number(words)
    if value is None:
        return None
    if j == i + 1 and _split_thousands(toks, i):
        value = value * 1000 + float(_low(toks, i + 2))
        return i + 3, value, value, None  # "about 1, 500 houses" rebuilt from tokens
    return j, value, value, None


def _split_thousands(toks: list[Token], i: int) -> bool:
    """ "1, 500 houses": a number of one to three digits, a comma and exactly three digits that
    both hang from the same noun (a list would be coordinated: "1, 2 and 3 houses")."""
    if not re.fullmatch(r"\d{1,3}", _low(toks, i)) or i + 2 >= len(toks):
        return False
    comma, second = toks[i + 1], toks[i + 2]
    if comma.text != "," or comma.whitespace_ != " " or toks[i].whitespace_ != "":
        return False
    if not re.fullmatch(r"\d{3}", second.text) or _low(toks, i + 3) in (",", "and", "or"):
        return False
    first = toks[i]
    return first.head == second.head or first.head == second or second.head == first


def _scaled(toks: list[Token], i: int, end: int) -> bool:
    """Do the number words toks[i:end] end in a scale word ("15 million", "15bn")?"""
    last = _low(toks, end - 1).rstrip(".")
    return last in nb.SCALE or bool(re.match(r"^\d+(\.\d+)?(k|m|mn|bn|b|tn)$", last))


def _range(toks: list[Token], p: Phrase, end: int) -> tuple[Phrase | None, int]:
    """Extend a value to a range ("between 300 and 400", "300-400", "30 to 37 months", "40 or
    50", "between $12 and $15 million"), or read a second value: a vote split ("231-199",
    "120 to 71": two sides) or a change ("from 65 to 125"). Returns (second phrase, end)."""
    low = _low(toks, end)
    glued_to = _TO_NUMBER.match(toks[end].lower_) if end < len(toks) else None
    if p.lo is None or p.lo != p.hi:
        return None, end
    between = _low(toks, p.first - 1) == "between" and low in ("and", "to")
    dash = low in _DASHES and toks[end - 1].like_num
    if dash and (_low(toks, end + 1) == "to" or _TO_NUMBER.match(_low(toks, end + 1))):
        end, low = end + 1, _low(toks, end + 1)  # "120-to-71"
        glued_to = _TO_NUMBER.match(low)
    to = low in ("to", "or") and not between
    if not (between or dash or to or glued_to) or (dash and nb.unit_of(_low(toks, end + 1))):
        return None, end  # "14.2-km" is a number and its unit
    if glued_to:
        value = nb.parse_number([glued_to.group(1)])
        if value is None:
            return None, end
        nxt: tuple[int, float | None, float | None, str | None] | None = (
            end + 1,
            value,
            value,
            None,
        )
        start = end
    else:
        start = end + 1
        if nb.CURRENCY_SYMBOLS.get(_low(toks, start)) is not None:
            start += 1  # "between $12 and $15 million"
        nxt = _core(toks, start)
    if nxt is None or nxt[1] is None or nxt[1] != nxt[2]:
        return None, end
    second = nxt[1]
    if _scaled(toks, start, nxt[0]) and not _scaled(toks, p.first, p.last + 1):
        scale = nb.SCALE.get(_low(toks, nxt[0] - 1).rstrip("."), 1.0)
        if p.lo * scale <= second:  # "between 12 and 15 million": both in millions
            p.lo = p.hi = p.lo * scale
    if _low(toks, p.first - 1) == "from" and low == "to":
        pair = Phrase(first=start, last=nxt[0] - 1, anchor=nxt[0] - 1, lo=second, hi=second)
        p.side, pair.side = "before", "after"
        return pair, nxt[0]
    counts_a_noun = nxt[0] < len(toks) and toks[nxt[0]].pos_ in NOUN_TAGS
    tally = low != "or" and not between and not counts_a_noun and _vote(toks, nxt[0])
    if second > p.lo and tally and dash:  # "the measure failed 45-55"
        pair = Phrase(first=start, last=nxt[0] - 1, anchor=nxt[0] - 1, lo=second, hi=second)
        p.side, pair.side = "votes for", "votes against"
        return pair, nxt[0]
    if second <= p.lo:
        if low == "or" or not _vote(toks, nxt[0]):
            if dash:
                p.family = "skip"  # a score: "beat Dunholt 2-1"
                return None, nxt[0]
            return None, end
        pair = Phrase(first=start, last=nxt[0] - 1, anchor=nxt[0] - 1, lo=second, hi=second)
        p.side, pair.side = "votes for", "votes against"
        return pair, nxt[0]
    if between:
        p.first -= 1
    p.hi = second
    p.qualifier = "between" if between else ("or" if low == "or" else "range")
    p.last = p.anchor = nxt[0] - 1
    return None, nxt[0]


def _magnitude_before(toks: list[Token], i: int) -> bool:
    prev = _low(toks, i - 1)
    return prev == "magnitude" or (prev in _DASHES and _low(toks, i - 2) == "magnitude")


def _vote(toks: list[Token], end: int) -> bool:
    """Is a descending split ending at ``end`` a vote ("voted 231-199", "confirmed 52 to 48"),
    not a score ("a 5-2 defeat")?"""
    if _low(toks, end) in _RESULTS or (end < len(toks) and toks[end].head.lower_ in _RESULTS):
        return False
    return any(t.lemma_.lower() in _VOTE_WORDS for t in toks)


def _unit(toks: list[Token], p: Phrase, end: int) -> int:
    """Read the unit after the number: %, percent, pounds, years, "-km", "2 hours 40 minutes",
    "nautical miles", "on the Richter scale"."""
    j = end
    if p.family in ("skip",):
        return end
    hyphen = _low(toks, j) in _DASHES
    if hyphen:
        j += 1
    elif _low(toks, j) == "of" and p.lo != p.hi and p.qualifier and nb.unit_of(_low(toks, j + 1)):
        j += 1  # "thousands of tonnes"
    if _low(toks, j) in _UNIT_ADJECTIVES and nb.unit_of(_low(toks, j + 1)):
        j += 1  # "five working days", "three straight weeks"
    words = [_low(toks, j), _low(toks, j + 1)]
    found: tuple[int, tuple[str, str]] | None = None
    for n in (2, 1):
        cand = nb.unit_of(" ".join(words[:n]))
        two = words[0] in ("per", "percentage", "basis", "square", "nautical")
        if cand is not None and (n == 1 or two):
            found = (n, cand)
            break
    if found is None and words == ["on", "the"] and _low(toks, j + 2) == "richter":
        p.unit, p.family = "magnitude", "measure"  # "7.2 on the Richter scale"
        return end
    if found is None or p.unit is not None:  # no unit, or a currency already read
        if found is not None and found[1][1] == "money" and found[1][0] == p.unit:
            p.last = p.anchor = j + found[0] - 1  # "$5 dollars" read once
            return j + found[0]
        return end
    size, (unit, family) = found[0], found[1]
    p.unit, p.family = unit, family
    p.last = p.anchor = j + size - 1
    end = j + size
    if unit == "caliber" and p.lo is not None and p.lo >= 1 and p.lo == p.hi:
        digits = len(str(int(p.lo)))
        p.lo = p.hi = p.lo / 10**digits  # "38-caliber" is .38 of an inch
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
        kind = nb.QUALIFIERS.get(words)
        if not kind:
            continue
        q = toks[start]
        if words in _PREP_QUALIFIERS - {"within"} and q.dep_ == "prep" and p.family == "time":
            return  # "over five years": a preposition, not a bound
        if words == "within" and p.family not in ("time", "length"):
            return
        if words in ("some", "estimated") and p.family == "time":
            return
        p.lo, p.hi, p.lo_open, p.hi_open = nb.interval(p.lo, kind)
        p.qualifier = words
        p.first = start
        return


def _ordinal_duration(toks: list[Token], i: int) -> Phrase | None:
    """ "its sixth week", "a fifth consecutive weekend", "for a third day": how long so far."""
    value = nb.ORDINALS.get(_low(toks, i))
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
    if into and before == "a":  # "went into a third day", not "for a third straight night"
        into = noun.head.head.lemma_.lower() in _ORDINAL_VERBS
    named = _low(toks, j + 1) == "of"  # "a fifth consecutive weekend of protests"
    if not (
        (consecutive and (named or before in ("its", "their")))
        or before in ("its", "their")
        or (verb is not None and verb.lemma_ in _ORDINAL_VERBS)
        or (into and before in ("a", "its", "their"))
    ):
        return None
    unit, _ = nb.unit_of(noun.lower_) or (noun.lower_, "time")
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
