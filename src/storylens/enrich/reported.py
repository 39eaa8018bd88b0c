"""Reported speech: a reporting verb with a clause, and "according to X".

``Police said (that) they detained …``, ``…, the U.S. Geological Survey said.``, ``told
reporters that …``, ``insisted``, ``warned``, ``denied`` + clause, ``…, saying that …``,
``was quoted by AFP as saying``; the reported words are the verb's clausal complement. Not
reported speech: an infinitive (``vowed to bring those responsible to justice``), a noun object
(``denied the claims``), an impersonal passive (``it has not been stated``), an opinion
(``observers believe``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from storylens.enrich.speakers import Who, who_of

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

INDIRECT_CUES = frozenset(
    "say tell state claim announce report insist warn deny confirm add allege admit estimate "
    "acknowledge argue assert contend vow indicate suggest note propose recommend explain "
    "maintain stress reply respond predict reveal disclose testify concede declare write "
    "tweet complain caution emphasise emphasize reiterate repeat promise pledge inform assure "
    "remark observe hint lament boast charge counter retort".split()
)
# verbs whose passive subject is the one spoken to ("the couple were told that …")
HEARD = frozenset("tell inform assure warn advise remind ask".split())
# a clause that asks rather than states ("explained what caused it") is no statement
QUESTION_WORDS = frozenset("what why how whether if where when who whom which".split())
MIN_WORDS = 3  # a reported clause of fewer words is no statement


@dataclass(slots=True)
class Reported:
    """A reported clause of one sentence: offsets into the paragraph's text."""

    start: int
    end: int
    text: str
    cue: str
    who: Who
    verb_at: int  # paragraph offset of the reporting verb
    verb: int  # token index of the reporting verb in the paragraph's doc
    root: int  # token index of the reported clause's head (the verb, for "according to")


def subject_of(verb: Token) -> Token | None:
    """The speaker's head word: the verb's subject (a name rather than "One" when a phrase has
    two, "One of Gray's friends, Devonte Brown told"); for "…, saying that", "said … but
    warned that", "by saying" the subject of the verb it hangs from."""
    for step in range(5):
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            named = [s for s in subjects if s.ent_type_ == "PERSON"]
            subject = (named or subjects)[0]
            if step and subject.lower_ in ("we", "i") and verb.dep_ == "ccomp":
                # '"We have recorded 24 dead", adding that …' hangs from the quoted verb;
                # the one adding is the one who said it
                verb = verb.head
                continue
            return subject
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep":
            verb = verb.head.head
            continue
        if verb.dep_ == "acl" and verb.tag_ == "VBG":
            noun = verb.head  # "with one plaintiff claiming …"; "downplayed the unrest, saying"
            if noun.dep_ == "pobj" and noun.head.lower_ == "with":
                return noun
            verb = noun.head
            if verb.pos_ not in ("VERB", "AUX"):
                return None
            continue
        if verb.dep_ not in ("advcl", "conj", "xcomp") or verb.head is verb:
            return _before_appos(verb)
        verb = verb.head
    return None


def _before_appos(verb: Token) -> Token | None:
    """The subject the parser missed: "Speaking to MailOnline, Imogen, a lawyer from London,
    said" (a name with an apposition that ends right before the verb's comma), "The
    47-year-old said" (a noun phrase the verb was given as a modifier)."""
    lefts = list(verb.lefts)
    if lefts and lefts[-1].dep_ == "amod" and lefts[-1].pos_ == "ADJ":
        nominal = all(c.dep_ in ("det", "amod", "nummod", "compound") for c in lefts)
        if nominal and lefts[0].i == verb.sent.start:
            return lefts[-1]
    if verb.i < 3 or verb.doc[verb.i - 1].text != ",":
        return None
    for tok in reversed(verb.doc[verb.sent.start : verb.i - 1]):
        appos = [c for c in tok.children if c.dep_ == "appos" and c.right_edge.i == verb.i - 2]
        if appos and tok.pos_ in ("PROPN", "NOUN"):
            return tok
    return None


def reported_in(sent: Span, paragraph: int) -> list[Reported]:
    """The reported clauses of one sentence (of paragraph ``paragraph``)."""
    out: list[Reported] = []
    doc = sent.doc
    for tok in sent:
        lemma = tok.lemma_.lower()
        if tok.pos_ == "VERB" and (lemma in INDIRECT_CUES or _quoted_as_saying(tok)):
            found = _clause(tok, paragraph)
            if found is not None:
                out.append(found)
        elif lemma == "accord" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            found = _according_to(sent, tok, paragraph)
            if found is not None:
                out.append(found)
    return out


def _quoted_as_saying(verb: Token) -> bool:
    """ "X was quoted by AFP as saying": X said what the sentence reports."""
    if verb.lemma_.lower() != "quote":
        return False
    return any(
        c.dep_ == "prep" and c.lower_ == "as" and any(g.lemma_ == "say" for g in c.children)
        for c in verb.children
    )


def _clause(verb: Token, paragraph: int) -> Reported | None:
    if any(c.dep_ == "neg" for c in verb.children):
        return None  # "have not explained", "did not say"
    clauses = [c for c in verb.children if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")]
    after = [c for c in clauses if c.i > verb.i]
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    if not after and any(g.dep_ in ("acl", "relcl", "ccomp") for o in objects for g in o.children):
        clauses = []  # "it denies claims that …": the clause before is not what it denies
    if not clauses:
        return _news_tag(verb, paragraph)
    clause = (after or clauses)[0]  # "…, and the union ADEDY said it was planning …"
    subject = subject_of(verb)
    if subject is None:
        return None
    if subject.lower_ == "it" and subject.dep_ == "nsubjpass":
        return None  # it has not been stated where
    if subject.tag_ == "WDT" and verb.dep_ != "relcl":
        return None  # "blasts, which officials said suggested …": a thing says nothing
    if subject.lower_ in ("i", "we", "you"):
        return None  # the writer's own view, or the reader's
    if subject.dep_ == "nsubjpass" and verb.lemma_.lower() in HEARD:
        by = [c for c in verb.children if c.dep_ == "agent"]
        if not by:
            return None  # "the court was told that …": who said it is not given
        subject = next((g for g in by[0].children if g.dep_ == "pobj"), subject)
    doc = verb.doc
    lo, hi = clause.left_edge.i, clause.right_edge.i
    mark = next((t for t in doc[lo : clause.i] if t.dep_ == "mark" and t.lower_ == "that"), None)
    if mark is not None:
        lo = mark.i + 1  # "said (earlier) that the supporters …": the words start after "that"
    if doc[lo].lower_ in QUESTION_WORDS:
        return None
    return _reported(doc[lo : hi + 1], verb, subject, clause, paragraph)


def _reported(
    span: Span, verb: Token, subject: Token, root: Token, paragraph: int
) -> Reported | None:
    doc = span.doc
    lo, hi = span.start, span.end - 1
    while hi > lo and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    span = doc[lo : hi + 1]
    if len([t for t in span if t.is_alpha]) < MIN_WORDS:
        return None
    return Reported(span.start_char, span.end_char, span.text, verb.lemma_.lower(),
                    who_of(subject, paragraph), verb.idx, verb.i, root.i)  # fmt: skip


def _news_tag(verb: Token, paragraph: int) -> Reported | None:
    """ "…, the U.S. Geological Survey said in an alert." when the parser gave the verb no
    clause: the subject and verb close the sentence after a comma, and the words before are
    what was said."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.i > verb.i or verb.lemma_.lower() not in ("say", "report"):
        return None
    sent = verb.sent
    doc = verb.doc
    if any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in verb.children):
        return None
    if any(t.pos_ in ("VERB", "AUX") for t in doc[verb.i + 1 : sent.end]):
        return None  # more follows the verb: this is no tag
    comma = subject.left_edge.i - 1
    if comma <= sent.start or doc[comma].text != ",":
        return None
    return _reported(doc[sent.start : comma], verb, subject, verb, paragraph)


def _according_to(sent: Span, tok: Token, paragraph: int) -> Reported | None:
    doc = sent.doc
    source = next((c for c in doc[tok.i + 1].children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    # the words reported: the longer side of "according to X", so they are one span of the
    # sentence and the offsets point at them exactly
    before = doc[sent.start : tok.i]
    after = doc[source.right_edge.i + 1 : sent.end]
    side = after if len(after) > len(before) else before
    text = side.text.strip(" ,.;:")
    if len(text.split()) < MIN_WORDS:
        return None
    start = side.start_char + side.text.index(text)
    who = who_of(source, paragraph)
    return Reported(start, start + len(text), text, "according to", who, tok.idx, tok.i, tok.i)
