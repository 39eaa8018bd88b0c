"""Numeric claims in one parsed sentence: what is counted, the value as an interval, the unit and
who said so.

:func:`extract_claims` scans the tokens of a sentence for the words of a number (digits, number
words, plural number words such as "tens of thousands", ordinal durations such as "its sixth
week"), reads the qualifier before it and the unit after it (:mod:`storylens.enrich.numbers`),
then uses the dependency parse to find what is counted and the reporting verb it hangs from. What
is skipped (dates, times, ages, identifiers, list numbers) and every rule are in docs/claims.md.
spaCy is imported here for typing only: the parsed sentence comes from ``enrich.nlp``.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from storylens.enrich import numbers as nb
from storylens.models import Claim

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def extract_claims(sent: Span, index: int) -> list[Claim]:
    """The numeric claims of one parsed sentence (a ``doc.sents`` item), with ``sentence=index``
    and ``start``/``end`` the offsets of the number words in the sentence's text."""
    toks = list(sent)
    claims: list[Claim] = []
    i = 0
    while i < len(toks):
        phrase, nxt = nb.phrase_at(toks, i)
        if phrase is not None:
            claim = _claim(toks, phrase, sent, index)
            if claim is not None:
                claims.append(claim)
        i = max(nxt, i + 1)
    return claims


def _claim(toks: list[Token], p: nb.Phrase, sent: Span, index: int) -> Claim | None:
    anchor = toks[p.anchor]
    count = p.family == "count"
    subject = counted_subject(anchor) if count else context_subject(anchor, p.family)
    if subject is None:
        return None
    start = toks[p.first].idx - sent.start_char
    end = toks[p.last].idx + len(toks[p.last].text.rstrip(".")) - sent.start_char
    return Claim(
        sentence=index,
        subject=subject,
        lo=p.lo,
        hi=p.hi,
        text=sent.text[start:end],
        unit=p.unit,
        qualifier=p.qualifier,
        lo_open=p.lo_open,
        hi_open=p.hi_open,
        attribution=attribution(anchor),
        start=start,
        end=end,
    )


# --- what is counted -----------------------------------------------------------------------------

_MASS = {"staff", "personnel", "police", "livestock", "cattle", "crew", "equipment"}
_GENERIC = {"people", "person", "persons", "individual", "individuals", "other", "others"}
_SYNONYMS = {  # plural noun -> the subject it merges into (see docs/claims.md)
    "protestors": "protesters", "demonstrators": "protesters", "marchers": "protesters",
    "ships": "vessels", "boats": "vessels",
}  # fmt: skip
_VERB_SUBJECTS = {  # verb lemma -> subject, when a generic noun is counted by a verb
    "arrest": "detained", "detain": "detained", "kill": "dead", "die": "dead",
    "injure": "injured", "hurt": "injured", "wound": "injured", "evacuate": "evacuated",
    "march": "protesters", "protest": "protesters", "demonstrate": "protesters",
    "rally": "protesters",
}  # fmt: skip
_STATES = {"dead": "dead", "injured": "injured", "missing": "missing", "hurt": "injured"}
_REPORTING = {
    "say", "tell", "report", "announce", "estimate", "claim", "add", "state", "confirm", "warn",
    "show", "insist", "suggest", "believe", "calculate", "count", "record",
}  # fmt: skip
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "who", "which", "that", "this"}
_FALLBACK = {
    "percent": "share", "points": "change", "money": "amount", "time": "duration",
    "length": "distance", "area": "area", "mass": "weight", "volume": "volume",
}  # fmt: skip
_AMOUNT_VERBS = {
    "cost": "cost", "spend": "spending", "lose": "loss", "raise": "raised", "fine": "fine",
    "charge": "charge", "save": "savings", "pay": "payment", "earn": "earnings",
}  # fmt: skip
_EVENTS = {
    "walkout": "strike",
    "stoppage": "strike",
    "demonstration": "protest",
    "rally": "protest",
}
_REFERENCE = {"capacity", "average", "total", "supply", "normal", "level", "target", "budget"}
_VOTE_VERBS = {"win", "take", "get", "receive", "secure", "poll", "gain"}


def _plural(lemma: str) -> str:
    irregular = {"person": "people", "man": "men", "woman": "women"}
    if lemma in irregular:
        return irregular[lemma]
    if lemma.endswith("child"):
        return lemma + "ren"
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return lemma[:-1] + "ies"
    if lemma.endswith(("s", "x", "ch", "sh")):
        return lemma if lemma.endswith("s") else lemma + "es"
    return lemma + "s"


def _noun(tok: Token, plural: bool = True) -> str:
    """A counted noun, normalised: lemma, plural, spelling variants and synonyms merged."""
    lemma = tok.lemma_.lower()
    if tok.pos_ == "PROPN":
        return tok.text
    if tok.tag_ in ("NNS", "NNPS") or tok.pos_ not in ("NOUN", "PROPN") or lemma in _MASS:
        word = tok.lower_  # already plural, or "four of the injured"
    else:
        word = _plural(lemma) if plural else lemma
    return _SYNONYMS.get(word, word)


def _phrase_noun(tok: Token) -> str:
    """A context noun with its compounds, lemmatised: "pay rise", "relief fund"."""
    parts = [
        t
        for t in tok.lefts
        if t.dep_ == "compound" and t.pos_ in ("NOUN", "PROPN") and not nb.unit_of(t.lower_)
    ]
    return " ".join(t.lower_ for t in [*parts, tok])


def _verb_subject(verb: Token) -> str:
    """The subject named by a verb that counts generic people: "detained", "dead"."""
    lemma = verb.lemma_.lower()
    for child in verb.children:
        if child.dep_ in ("acomp", "oprd", "xcomp") and child.lower_ in _STATES:
            return _STATES[child.lower_]
    if lemma in _VERB_SUBJECTS:
        return _VERB_SUBJECTS[lemma]
    if lemma in ("take", "turn") and any(c.lower_ in ("part", "out") for c in verb.children):
        return "participants"
    return "people"


def _of_object(tok: Token) -> Token | None:
    """X in "<tok> of X"."""
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return obj
    return None


def counted_subject(anchor: Token) -> str | None:
    """What a plain count counts: the noun the number modifies, the verb for generic nouns."""
    tok = anchor
    modifies = anchor.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod")
    before = anchor.head.i > anchor.i or anchor.dep_ == "nummod"
    if modifies and before and anchor.head.pos_ in ("NOUN", "PROPN"):
        tok = anchor.head
    if tok is anchor:
        obj = _of_object(anchor)
        if obj is not None and obj.pos_ != "PRON":  # "thousands of people", "three of the nine"
            tok = obj
    if tok is anchor:
        if anchor.dep_ in ("conj", "appos") and anchor.head.like_num:
            return counted_subject(anchor.head)
        if anchor.dep_ in ("nsubj", "nsubjpass") and anchor.head.pos_ in ("VERB", "AUX"):
            return _verb_subject(anchor.head)
        return _from_verb(anchor, "count")
    if tok.lower_ in _GENERIC or tok.lemma_.lower() in _GENERIC:
        governor = tok.head
        if tok.dep_ == "pobj" and governor.head.i == anchor.i:  # "thousands of people"
            governor = anchor.head
        for child in tok.children:
            if child.dep_ in ("amod", "acl") and child.lower_ in _STATES:
                return _STATES[child.lower_]  # "the 19 people injured"
            if child.dep_ in ("relcl", "acl") and _verb_subject(child) != "people":
                return _verb_subject(child)
        return _verb_subject(governor) if governor.pos_ in ("VERB", "AUX") else "people"
    return _noun(tok)


def context_subject(anchor: Token, family: str) -> str | None:
    """What a measured value (%, money, time, length) is about, from the words around its unit."""
    if family == "ordinal":
        return _ordinal_subject(anchor)
    obj = _of_object(anchor)
    if obj is not None and obj.lemma_.lower() == "vote":
        return "vote share"
    if obj is not None and obj.lemma_.lower() not in _REFERENCE and family != "time":
        determined = any(c.dep_ in ("det", "poss") for c in obj.children)
        if family in ("percent", "money") or not determined:  # "of rain", not "of the plant"
            return _phrase_noun(obj)
    if family == "time":
        return _duration_subject(anchor)
    head = anchor.head
    modifies = anchor.dep_ in ("compound", "amod", "nmod", "nummod", "npadvmod")
    if modifies and head.pos_ == "NOUN" and head.i > anchor.i:
        return _phrase_noun(head)
    if anchor.dep_ in ("conj", "appos") and (head.like_num or head.lower_ in ("%", "percent")):
        return context_subject(head, family)
    if anchor.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN":
        return _phrase_noun(head.head)
    return _from_verb(anchor, family)


def _duration_subject(anchor: Token) -> str:
    """ "26 years in power" -> "duration in power"; "19 hours of talks" -> "talks duration";
    "an eight-day strike" -> "strike duration"; otherwise "duration"."""
    for child in anchor.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "of"):
            for pobj in child.children:
                if pobj.dep_ == "pobj" and pobj.pos_ == "NOUN":
                    if child.lower_ == "in":
                        return f"duration in {pobj.lower_}"
                    return f"{_event(pobj)} duration"
    head = anchor.head
    modifies = anchor.dep_ in ("compound", "amod", "nmod", "npadvmod") and head.i > anchor.i
    if modifies and head.pos_ == "NOUN" and not nb.unit_of(head.lower_):
        return f"{_event(head, compounds=True)} duration"
    return "duration"


def _event(tok: Token, compounds: bool = False) -> str:
    """An event noun, merged: strike / walkout / stoppage -> strike; protests -> protest."""
    word = tok.lemma_.lower()
    word = _EVENTS.get(word, word)
    if compounds:
        parts = [t for t in tok.lefts if t.dep_ == "compound" and not nb.unit_of(t.lower_)]
        return " ".join([*(t.lower_ for t in parts), word])
    return word


def _from_verb(anchor: Token, family: str) -> str | None:
    """The subject from the verb a value hangs from: "inflation fell to 2.4%" -> inflation."""
    verb = anchor.head
    while verb.dep_ in ("prep", "advmod", "quantmod") and verb.head.i != verb.i:
        verb = verb.head  # "fined up to £1,000", "fell to 2.4%"
    if anchor.dep_ == "pobj" and verb.pos_ == "ADP":
        verb = verb.head
    if verb.pos_ == "ADJ" and verb.head.pos_ == "NOUN":  # "bonuses worth £2.4m"
        return _phrase_noun(verb.head)
    lemma = verb.lemma_.lower()
    if family == "money" and lemma in _AMOUNT_VERBS:
        return _AMOUNT_VERBS[lemma]
    if family == "percent" and lemma in _VOTE_VERBS:
        return "vote share"
    children = list(verb.children)
    if anchor.dep_ != "dobj":
        for c in children:
            if c.dep_ == "dobj" and c.pos_ == "NOUN" and c.i != anchor.i:
                return _phrase_noun(c)
    for c in children:
        if c.dep_ in ("nsubj", "nsubjpass") and c.i != anchor.i:
            noun = c
            if c.lower_ in ("which", "that") and verb.dep_ == "relcl":
                noun = verb.head
            if noun.lemma_.lower() in ("number", "total", "figure", "count"):
                noun = _of_object(noun) or noun
            if noun.pos_ in ("NOUN", "PROPN") and noun.lower_ not in _PRONOUNS:
                return _phrase_noun(noun) if family != "count" else _noun(noun)
    if family == "count":
        return None
    return _FALLBACK.get(family, family)


def _ordinal_subject(anchor: Token) -> str:
    """ "Belarus protests entered its sixth week" -> "protest duration"."""
    event = _of_object(anchor)
    if event is None and anchor.dep_ in ("dobj", "pobj"):
        verb = anchor.head if anchor.dep_ == "dobj" else anchor.head.head
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects and subjects[0].pos_ in ("NOUN", "PROPN"):
            event = subjects[0]
        elif verb.dep_ == "relcl" and verb.head.pos_ == "NOUN":
            event = verb.head
    if event is None or event.pos_ not in ("NOUN", "PROPN"):
        return "duration"
    return f"{_event(event)} duration"


# --- who said so ---------------------------------------------------------------------------------


def attribution(anchor: Token) -> str | None:
    """Who a number is attributed to: the subject of the reporting verb whose clause holds it, or
    X in "according to X"."""
    path = [anchor, *anchor.ancestors]
    for tok in path:
        for child in tok.children:
            if child.lower_ == "according":
                for to in child.children:
                    for obj in to.children:
                        if obj.dep_ == "pobj":
                            return _source(obj)
    for child, verb in itertools.pairwise(path):
        lemma = verb.lemma_.lower()
        if lemma in _REPORTING and child.dep_ in ("ccomp", "parataxis", "xcomp", "advcl"):
            return _speaker(verb)
        if lemma in ("put", "estimate") and child.dep_ == "prep" and child.lower_ == "at":
            return _speaker(verb)  # "the union put the turnout at 35,000"
    root = path[-1]
    for child in root.children:
        reporting = child.lemma_.lower() in _REPORTING and child.i > anchor.i
        if child.dep_ in ("parataxis", "ccomp") and reporting:
            return _speaker(child)
    return None


def _speaker(verb: Token) -> str | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return _source(child)
    return None


def _source(tok: Token) -> str | None:
    """A source as written for names ("Saltmere Dockworkers' Union"), lower-cased otherwise."""
    if tok.lower_ in _PRONOUNS or tok.pos_ == "PRON":
        return None
    if tok.ent_type_ in ("ORG", "PERSON", "GPE", "NORP"):  # the name as written
        for ent in tok.sent.ents:
            if ent.start <= tok.i < ent.end:
                words = ent.text.split()
                return " ".join(words[1:] if words[0].lower() == "the" else words)
    if tok.pos_ == "PROPN":
        span = tok.doc[tok.left_edge.i : tok.i + 1]
        return span.text[4:] if span.text.lower().startswith("the ") else span.text
    parts = [t for t in tok.lefts if t.dep_ in ("compound", "amod") and t.pos_ != "DET"]
    return " ".join([*(t.lower_ for t in parts), tok.lower_])
