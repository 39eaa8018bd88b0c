"""Numbers that state no quantity: dates, clock times, ages, identifiers, relative time anchors,
list numbering, multiples, pronominal "one" and "the two".

:func:`not_a_number` looks at the bare number words (before any range or unit is read);
:func:`not_a_claim` at a whole phrase of :mod:`storylens.enrich.phrases`. The decisions come
from the words next to the number and from the parse (what the number modifies, the verb it
depends on), never from a list of phrases; the rules and their reasons are in docs/claims.md.
spaCy is imported for typing only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from storylens.enrich import numbers as nb

if TYPE_CHECKING:
    from spacy.tokens import Token

    from storylens.enrich.phrases import Phrase

_IDENT_WORDS = {
    "terminal", "terminals", "page", "pages", "section", "chapter", "paragraph", "clause", "item",
    "no", "no.", "nos", "nos.", "number", "route", "platform", "gate", "room", "article",
    "flight", "line", "bus", "table", "figure", "part", "act", "level", "stage", "phase",
    "grade", "category", "ward", "pier", "berth", "berths", "junction", "exit", "lane", "road",
    "street", "channel", "precinct", "district", "unit", "apartment", "suite", "highway",
    "interstate", "division", "class", "type", "model", "version", "episode", "series",
    "season", "volume", "vol", "vol.", "issue", "per",
}  # fmt: skip
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
}  # fmt: skip
_WEEKDAYS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue",
    "tues", "wed", "thu", "thurs", "fri", "sat", "sun",
}  # fmt: skip
_CURRENCY_CODES = {"rs", "dh", "rp", "usd", "eur", "gbp", "inr", "aed", "us$", "sh", "ksh"}
_TIME_WORDS = {"am", "pm", "a.m.", "p.m.", "a.", "p.", "gmt", "bst", "utc", "edt", "est", "hrs",
               "cet", "pst", "pdt", "ist", "jst", "wib"}  # fmt: skip
_STREET_WORDS = {"street", "st", "st.", "avenue", "ave", "ave.", "road", "rd", "rd.",
                 "boulevard", "blvd", "lane", "drive", "place", "square", "way"}  # fmt: skip
_PHONE = re.compile(r"^\+?\d[\d\- ]{6,}\d$")
# Nouns that "one" or "the two" stand beside without counting anything: "one thing", "one way",
# "the two sides" (the parties), "one another".
_PRONOUN_NOUNS = {"thing", "things", "way", "another", "hand", "side", "sides", "kind", "sort",
                  "point", "example", "reason"}  # fmt: skip
_AGENT_VERBS = {"say", "tell", "add", "describe", "recall", "explain", "ask", "write", "shout"}


def _low(toks: list[Token], i: int) -> str:
    return nb.word(toks[i]) if 0 <= i < len(toks) else ""


def _date_word(w: str) -> bool:
    w = w.rstrip(".").lower()
    return w in _MONTHS or w in _WEEKDAYS


def _month(toks: list[Token], i: int) -> bool:
    """A month name, capitalised as written ("Jan.", "March"; not the verb "may")."""
    return (
        0 <= i < len(toks) and toks[i].text[:1].isupper() and toks[i].lower_.rstrip(".") in _MONTHS
    )


def not_a_number(toks: list[Token], i: int, end: int) -> bool:
    """Number words toks[i:end] that are no quantity: years, dates, clock times, phone numbers,
    decades, identifiers ("AK 47", "Channel 16", "No. 2", "473 East 52nd Street"), list
    numbering, an age after a name ("Gennady, 35,")."""
    t = toks[i]
    low = _low(toks, i)
    nxt, prev = _low(toks, end), _low(toks, i - 1)
    if _PHONE.match(_glued(toks, i)) or re.match(r"^\d+(s|'s)$", low):  # 0800-123-4567, 1950s
        return True
    if toks[i].text.isdigit() and (_low(toks, end).isdigit() or _low(toks, i - 1).isdigit()):
        return True  # "116 123": digit groups side by side are a phone number or a code
    if t.dep_ == "attr" and t.head.lemma_ == "be" and end == i + 1 and not nb.unit_of(nxt):
        subject = next((c for c in t.head.children if c.dep_ == "nsubj"), None)
        if subject is not None and subject.lower_ in ("he", "she", "i", "you"):
            return True  # "when she was 40": an age
    if nxt in _TIME_WORDS or re.search(r"\d(am|pm)$", low) or ":" in low:
        return True  # 6 a.m., 0737 GMT, 3pm, 7:48
    if re.fullmatch(r"(1[89]|20)\d\d", low) and end == i + 1:
        head = t.head
        if t.dep_ != "nummod" or t.ent_type_ == "DATE" or head.tag_ != "NNS":
            return True  # a year: "in 2021", "the 2015 Nobel Prize"
    if end == i + 1 and (_month(toks, i - 1) or _month(toks, end)):
        value = nb.parse_number([low])
        if value is not None and (value <= 31 or re.fullmatch(r"\d{4}", low)):
            return True  # "Jan. 4", "4 January", "March 13"
    if prev in _IDENT_WORDS or (prev == "." and _low(toks, i - 2) in ("no", "nos")):
        return True  # "No. 2", "Route 66"
    before = toks[i - 1] if i > 0 else None
    model = before is not None and _names(before, t) and prev not in _CURRENCY_CODES
    if model and not nb.unit_of(nxt):
        return True  # "AK 47", "Ekawat Nava 5", "Walker 5" (a rating); not "Trump 48 percent"
    if t.ent_type_ in ("PERSON", "ORG", "FAC", "PRODUCT", "WORK_OF_ART", "LAW", "EVENT"):
        ent = next((e for e in t.sent.ents if e.start <= t.i < e.end), None)
        if ent is not None and ent.start < t.i and ent.end == t.i + 1 and not nb.unit_of(nxt):
            return True  # the number ends a name: "Apollo 11"
    if _address(toks, end):
        return True
    listed = prev in ("to", "and", "-", "–") and _low(toks, i - 2).isdigit()
    if listed and not_a_number(toks, i - 2, i - 1):
        return True  # "Terminals 1 to 4"
    if t.i == t.sent.start and nxt in (".", ")"):
        return True  # list numbering: "1." / "2)"
    if _aged_before(toks, i) and not nb.unit_of(nxt):
        return True  # "aged 35", "those aged between 15 and 44", "at the age of 86"
    if (
        nxt in ("in", "o'clock")
        and _low(toks, end + 1) == "the"
        and _low(toks, end + 2) in ("morning", "afternoon", "evening", "night")
    ):
        return True  # "three in the morning"
    named = i >= 2 and (toks[i - 2].pos_ in ("PROPN", "NOUN") or toks[i - 2].text == ")")
    if prev == "," and named and end == i + 1 and nxt in (",", ".", "", ")", "(", "and", ";"):
        return not nb.unit_of(nxt)  # an age after a name: "Gennady, 35,", "The actress, 64,"
    if prev == "and" and i >= 3 and _low(toks, i - 3) == "," and toks[i - 2].like_num:
        return not_a_number(toks, i - 2, i - 1)  # "two sons, 11 and 14"
    if re.fullmatch(r"1[0-7]\d\d", low) and end == i + 1:
        years = ("in", "since", "from", "until", "by", "between", "of", "(", "-", "and")
        return prev in years or re.fullmatch(r"\d{4}-", prev) is not None  # "(1661- 1718)"
    return False


def _aged_before(toks: list[Token], i: int) -> bool:
    """ "aged 35", "those aged between 15 and 44", "under the age of 40": an age follows."""
    j = i - 1
    while j >= 0 and (
        toks[j].like_num
        or toks[j].lower_ in ("between", "and", "to", "-", "under", "over")
        or toks[j].lower_ in ("above", "below", "than", "more", "less", "least", "at")
    ):
        j -= 1
    word = _low(toks, j)
    return word in ("aged", "ages") or (word == "of" and _low(toks, j - 1) == "age")


def _glued(toks: list[Token], i: int) -> str:
    """The run of tokens written without spaces around token i ("0800-123-4567")."""
    start = i
    while start > 0 and toks[start - 1].whitespace_ == "" and not toks[start - 1].is_alpha:
        start -= 1
    end = i
    while end + 1 < len(toks) and toks[end].whitespace_ == "" and not toks[end + 1].is_alpha:
        end += 1
    return "".join(t.text for t in toks[start : end + 1]).strip(".,;:()")


def _names(before: Token, t: Token) -> bool:
    """Is ``t`` the number part of a name or model ("AK 47", "Nava 5", "Channel 16")?"""
    if before.whitespace_ == "" and before.text not in ("-", "(", "$", "£", "€"):
        return before.text[-1:].isalpha() and before.text[:1].isupper()
    text = before.text.rstrip("-")
    if not text[:1].isupper() or _date_word(text) or before.i == before.sent.start:
        return False
    if text.isupper() and text.isalpha() and len(text) <= 4 and before.pos_ not in ("DET", "PRON"):
        return True  # "AK 47", "CN 235"; not the article in "- A 14.2-km tunnel"
    return before.pos_ == "PROPN" and before.ent_type_ not in ("GPE", "NORP", "DATE")


def _address(toks: list[Token], end: int) -> bool:
    """ "473 East 52nd Street": a street address follows the number."""
    words = [_low(toks, j) for j in range(end, min(end + 4, len(toks)))]
    if not words or not toks[end].text[:1].isupper():
        return False
    return any(w in _STREET_WORDS for w in words[1:]) and all(
        toks[j].text[:1].isupper() or toks[j].text[:1].isdigit()
        for j in range(end, end + words.index(next(w for w in words[1:] if w in _STREET_WORDS)) + 1)
    )


def not_a_claim(toks: list[Token], p: Phrase) -> bool:
    """A phrase that is no claim: an age, a relative time anchor ("four months ago", "two days
    after"), a clock time written in hours ("at 1100 hours"), a multiple ("six times the
    limit"), a date the parser tagged, pronominal "one" ("one of the", "one protester said")
    and "the two" standing for people already named."""
    if p.family in ("skip", "age"):
        return True
    after = _low(toks, p.last + 1)
    if p.unit in ("years", "months", "weeks", "days") and (
        after in ("old", "olds", "-old", "year-old", "year-olds") or _aged(toks, p)
    ):
        return True  # "a 22 year-old resident", "an 18-month-old son"
    if p.family in ("time", "ordinal") and p.qualifier != "ordinal":
        if _anchored(toks, p, after):
            return True  # "four months ago", "two days after the quake", "four days to go"
        if after == "at" and _low(toks, p.last + 2) in ("a", "the") and p.lo == 1:
            return True  # "one day at a time"
        if p.unit == "hours" and p.lo is not None and _military(toks[p.first].text):
            return True  # "at 1100 hours"
    if p.family == "count" and _date_entity(toks[p.anchor]):
        return True
    words = [t.lower_ for t in toks[p.first : p.last + 1]]
    if words[-1:] == ["one"] and p.unit is None and not p.side:
        return not _one_counts(toks, p)
    if p.qualifier is None and p.unit is None and _low(toks, p.first - 1) == "the":
        return _pronominal(toks[p.anchor])
    return False


def _anchored(toks: list[Token], p: Phrase, after: str) -> bool:
    """Is a time phrase a relative anchor ("four months ago", "two days after the quake", "with
    four days to go") rather than a duration ("a period of 29 hours after the first quake")?"""
    unit = toks[p.last]
    if unit.dep_ == "pobj" and unit.head.lower_ in ("of", "for", "within", "in", "over"):
        return False
    if after in ("ago", "later", "earlier", "prior"):
        return True
    if after == "to" and _low(toks, p.last + 2) in ("go", "run"):
        return True
    return after in ("after", "before", "since")


def _aged(toks: list[Token], p: Phrase) -> bool:
    """ "16-year old", "a 22 year-old": the unit token carries "-old" or is followed by it."""
    nxt = toks[p.last + 1] if p.last + 1 < len(toks) else None
    return nxt is not None and nxt.lower_ in ("-",) and _low(toks, p.last + 2) in ("old", "olds")


def _military(text: str) -> bool:
    m = re.fullmatch(r"([01]\d|2[0-3])([0-5]\d)", text)
    return m is not None


def _date_entity(tok: Token) -> bool:
    """Is the number inside a DATE/TIME entity that reads as a date ("Jan. 4", "Sunday 14")?
    A bare count the tagger called DATE ("46 were arrested") is not."""
    if tok.ent_type_ not in ("DATE", "TIME"):
        return False
    ent = next((e for e in tok.sent.ents if e.start <= tok.i < e.end), None)
    if ent is None:
        return False
    return any(
        _date_word(t.lower_) or re.fullmatch(r"(1[89]|20)\d\d", t.text) or t.lower_ == "ago"
        for t in ent
    )


def multiple(toks: list[Token], p: Phrase) -> bool:
    """ "six times the limit", "three times as many", "a 10-fold rise": a ratio, no count.
    ("shot eleven times" counts shots and is kept.)"""
    after = _low(toks, p.last + 1)
    if after in ("fold", "-fold") or (after in ("-",) and _low(toks, p.last + 2) == "fold"):
        return True
    if after != "times":
        return False
    nxt = toks[p.last + 2] if p.last + 2 < len(toks) else None
    if nxt is None:
        return False
    return nxt.lower_ in ("the", "as", "that", "what", "more", "less", "its", "their", "his",
                          "her") or nxt.tag_ in ("JJR", "RBR", "DT")  # fmt: skip


def _one_counts(toks: list[Token], p: Phrase) -> bool:
    """Does "one" count something here? "killing one man", "at least one person", "one arrest",
    "two women and one man died", "one bomb fell" count; "one of the", "one protester threw a
    bottle", "no one", "one another", "one thing" do not."""
    one = toks[p.last]
    prev, nxt = _low(toks, p.first - 1), _low(toks, p.last + 1)
    before = toks[p.first - 1] if p.first > 0 else None
    if prev in ("no", "any", "every", "each", "the", "a", "another") or (
        prev in ("this", "that", "which") and before is not None and before.pos_ == "DET"
    ):
        return False
    if before is not None and before.pos_ == "ADJ" and prev not in ("only", "just"):
        return False  # "a nice one", "the second one"
    if nxt in ("of", "another", "other", "by", "or", "-", "more", "day", "after", "time", "to"):
        return False
    noun = one.head if one.dep_ == "nummod" else None
    if noun is not None and noun.lower_ in _PRONOUN_NOUNS:
        return False
    if p.qualifier is not None:
        return True
    holder = noun if noun is not None else one
    if holder.dep_ == "conj" or any(c.dep_ == "conj" for c in holder.children):
        return True  # "two women and one man"
    if holder.dep_ in ("oprd", "acomp") or (noun is not None and noun.pos_ == "ADJ"):
        return True  # "left one armed militant dead"
    if holder.dep_ == "nsubjpass" or (holder.dep_ == "attr" and noun is not None):
        return True  # "one person has been arrested", "there was one arrest"
    if holder.dep_ == "dobj":
        return noun is not None  # "killing one man"; not "noticed one break away"
    if holder.dep_ == "nsubj" and noun is not None:
        verb = holder.head
        if verb.lemma_.lower() == "be" or verb.pos_ == "AUX":
            return False  # "one son was a militant": one of them
        agentive = any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in verb.children)
        return not (agentive or verb.lemma_.lower() in _AGENT_VERBS)
    return False


def _pronominal(tok: Token) -> bool:
    """ "the two" standing alone ("the two met"), or "the two sides": no count."""
    if tok.dep_ == "nummod" and tok.head.pos_ in ("NOUN", "PROPN"):
        return tok.head.lower_ in _PRONOUN_NOUNS
    return True
