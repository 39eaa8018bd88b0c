"""Numeric claims in one parsed sentence: what is counted, the value as an interval, the unit and
who said so.

:func:`extract_claims` reads the number phrases of a sentence (:mod:`storylens.enrich.phrases`:
qualifier, number words, range, unit; what is no claim is dropped by
:mod:`storylens.enrich.skips`), asks :mod:`storylens.enrich.subjects` what each one counts, and
finds the source the sentence gives for it (:func:`attribution`). A conversion in parentheses
("10 kilometers (6 miles)") is a second claim of the same thing, with the same qualifier.
Every rule is in docs/claims.md. spaCy is imported here for typing only: the parsed sentence
comes from ``enrich.nlp``.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from storylens.enrich import numbers as nb
from storylens.enrich.phrases import Phrase, find_phrases
from storylens.enrich.subjects import subject_of
from storylens.models import Claim

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

# Pronoun sources, kept for the stage to resolve to the person the article named last.
PRONOUN_SOURCES = {"he", "she"}


def extract_claims(sent: Span, index: int) -> list[Claim]:
    """The numeric claims of one parsed sentence (a ``doc.sents`` item), with ``sentence=index``
    and ``start``/``end`` the offsets of the number words in the sentence's text. An
    attribution to "he" or "she" is left as the pronoun (the stage resolves it)."""
    toks = list(sent)
    phrases = find_phrases(toks)
    claims: list[Claim] = []
    previous: tuple[Phrase, Claim] | None = None
    for p in phrases:
        start = toks[p.first].idx - sent.start_char
        end = toks[p.last].idx + len(toks[p.last].text.rstrip(".")) - sent.start_char
        if end <= start:
            continue
        converted = previous is not None and _conversion(toks, previous[0], p)
        if converted and previous is not None:
            _carry_qualifier(previous[0], p)
            subject, source = previous[1].subject, previous[1].attribution
        else:
            subject, source = subject_of(toks, p), attribution(toks[p.anchor])
            if not subject and claims and _continues(toks, p, phrases):
                subject = claims[-1].subject  # "30 dead and 55 wounded, 15 critically"
        claim = Claim(
            sentence=index,
            subject=subject,
            lo=p.lo,
            hi=p.hi,
            text=sent.text[start:end],
            unit=p.unit,
            qualifier=p.qualifier,
            lo_open=p.lo_open,
            hi_open=p.hi_open,
            attribution=source,
            start=start,
            end=end,
        )
        claims.append(claim)
        previous = (p, claim)
    return claims


def _continues(toks: list[Token], p: Phrase, phrases: list[Phrase]) -> bool:
    """Does a phrase with no subject of its own go on from the claim before it: coordinated or
    in apposition ("a 6.5 percent rise this year and 3 percent in 2026", "55 wounded, 15
    critically"), "the other 10 percent", "tens of thousands more", "170,000 of them"?"""
    anchor = toks[p.anchor]
    if anchor.dep_ in ("conj", "appos"):
        return True
    nxt = toks[p.last + 1].lower_ if p.last + 1 < len(toks) else ""
    prev = toks[p.first - 1].lower_ if p.first > 0 else ""
    if nxt == "more" or prev in ("other", "remaining"):
        return True
    after = [t.lower_ for t in toks[p.last + 1 : p.last + 3]]
    return after in (["of", "them"], ["of", "whom"], ["of", "those"])


def _conversion(toks: list[Token], a: Phrase, b: Phrase) -> bool:
    """Is ``b`` a conversion of ``a`` in parentheses: "10 kilometers (6 miles)", "€2m (£1.7m)",
    "1.5 billion rupiah ($A195,900)"?"""
    if a.last + 1 >= len(toks) or toks[a.last + 1].text != "(":
        return False
    gap = [t.lower_ for t in toks[a.last + 2 : b.first]]
    closed = b.last + 1 < len(toks) and toks[b.last + 1].text == ")"
    same = a.family == b.family or {a.family, b.family} <= {"money", "count"}
    measured = a.unit is not None or b.unit is not None  # "(20,000 which is …)": no conversion
    return closed and same and measured and all(w in ("about", "or", "some") for w in gap)


def _carry_qualifier(a: Phrase, b: Phrase) -> None:
    """ "some 75 kilometres (50 miles)": the approximation holds for both figures."""
    kind = nb.QUALIFIERS.get(a.qualifier or "")
    if kind is None or b.qualifier is not None or b.lo is None or b.lo != b.hi:
        return
    b.lo, b.hi, b.lo_open, b.hi_open = nb.interval(b.lo, kind)
    b.qualifier = a.qualifier


# --- who said so ---------------------------------------------------------------------------

_REPORTING = {
    "say", "tell", "report", "announce", "estimate", "claim", "add", "state", "confirm", "warn",
    "show", "insist", "suggest", "believe", "calculate", "count", "record", "find", "reveal",
    "recommend", "indicate", "note", "argue", "allege", "disclose", "testify", "predict",
    "project", "forecast", "cite", "acknowledge", "admit", "explain", "write", "tweet",
    "publish", "release", "quote", "put", "list", "tally", "register", "measure",
    "assert", "contend", "maintain", "stress", "emphasise", "emphasize", "declare", "conclude",
    "determine", "document", "detail",
}  # fmt: skip
# Verbs whose object is itself the reported figure: "a poll found 46 percent", "prosecutors
# recommended 30 to 37 months", "police reported 12 arrests".
_OBJECT_REPORTING = {
    "find", "show", "reveal", "report", "record", "count", "estimate", "confirm", "announce",
    "recommend", "indicate", "cite", "list", "tally", "register", "measure", "predict",
    "project", "forecast", "document", "put", "detail", "claim",
}  # fmt: skip
_PRONOUNS = {"it", "we", "i", "you", "who", "which", "that", "this", "they", "them", "one"}


_SUBJECTS = ("nsubj", "nsubjpass", "csubj", "expl")


def attribution(anchor: Token) -> str | None:
    """Who a number is attributed to: the subject of the reporting verb whose clause (or object)
    holds it ("police said …", "a poll found 46 percent", "prosecutors recommended 30 to 37
    months"), X in "according to X", the source of "X put the figure at"."""
    path = [anchor, *anchor.ancestors]
    for tok in path:
        for child in tok.children:
            if child.lower_ == "according":
                for to in child.children:
                    for obj in to.children:
                        if obj.dep_ == "pobj":
                            return _source(obj)
    for child, verb in itertools.pairwise(path):
        if verb.pos_ not in ("VERB", "AUX") or child.dep_ in _SUBJECTS:
            continue  # a number in the subject of "said" is no claim of the speaker
        lemma = verb.lemma_.lower()
        reporting = lemma in _REPORTING and lemma != "put"
        if reporting and (lemma not in _OBJECT_REPORTING or child.dep_ != "prep"):
            found = _speaker(verb)
            if found is not None:
                return found
        if lemma in ("put", "estimate", "place") and child.dep_ == "prep" and child.lower_ == "at":
            return _speaker(verb)  # "the union put the turnout at 35,000"
        if verb.dep_ == "conj" and verb.head.lemma_.lower() in _REPORTING and child.dep_ != "prep":
            found = _speaker(verb.head)  # "reported hearing an explosion, then saw …"
            if found is not None:
                return found
    root = path[-1]
    for child in root.children:
        reporting = child.lemma_.lower() in _REPORTING and child.i > anchor.i
        if child.dep_ in ("parataxis", "ccomp") and reporting:
            found = _speaker(child)
            if found is not None:
                return found
    return None


def _speaker(verb: Token, depth: int = 0) -> str | None:
    """The source of a reporting verb: its subject (the agent of a passive; the noun a "who"
    stands for), or, without one, the source of the verb it goes with ("…, Atururi said,
    adding that 17 camps had been set up")."""
    for child in verb.children:
        if child.dep_ == "nsubjpass":
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            obj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
            return _source(obj) if obj is not None else None
        if child.dep_ == "nsubj":
            if child.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                return _source(verb.head)  # "seamen on board, who said …"
            return _source(child)
    if verb.dep_ in ("advcl", "conj", "xcomp") and verb.head != verb and depth < 3:
        return _speaker(verb.head, depth + 1)
    before = [c for c in verb.lefts if c.pos_ in ("NOUN", "PROPN", "ADJ") and c.dep_ != "npadvmod"]
    return _source(before[-1]) if before else None  # "An autopsy shows" parsed without a subject


def _source(tok: Token) -> str | None:
    """A source as written for names ("Saltmere Dockworkers' Union"), lower-cased otherwise; "he"
    and "she" as the pronoun, for the stage to resolve."""
    if tok.lower_ in PRONOUN_SOURCES:
        return tok.lower_
    if tok.like_num or tok.lower_ in nb.FRACTION_NOUNS or tok.lower_ in nb.VAGUE:
        return None  # "two-thirds of Republicans said": the figure is no source
    if tok.lower_ in _PRONOUNS or tok.pos_ == "PRON" or tok.ent_type_ in ("DATE", "TIME"):
        return None
    if tok.ent_type_ in ("ORG", "PERSON", "GPE", "NORP"):  # the name as written
        for ent in tok.sent.ents:
            if ent.start <= tok.i < ent.end:
                words = ent.text.split()
                return " ".join(words[1:] if words[0].lower() == "the" else words)
    named = [t for t in tok.subtree if t.ent_type_ == "PERSON" and t.i != tok.i]
    if tok.pos_ == "PROPN" and named:  # "Head of the agency Captain Manrosan"
        ent = next(e for e in tok.sent.ents if e.start <= named[0].i < e.end)
        return ent.text
    if tok.pos_ == "PROPN":
        span = tok.doc[tok.left_edge.i : tok.i + 1]
        return span.text[4:] if span.text.lower().startswith("the ") else span.text
    parts = [t for t in tok.lefts if t.dep_ in ("compound", "amod", "poss") and t.pos_ != "DET"]
    words = []
    for t in parts:
        if t.dep_ == "poss" and t.pos_ == "PROPN":  # "South Sudan's president"
            words += [w.text for w in t.subtree if w.pos_ == "PROPN"]
        elif t.dep_ != "poss":
            words.append(t.lower_)
    return " ".join([*words, tok.lower_])
