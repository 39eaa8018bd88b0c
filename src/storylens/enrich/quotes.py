"""Quotes: what was said, by whom, direct ("…," she said) or indirect (police said they …).

A direct quote is the text between quotation marks, paired across the whole article by
:mod:`storylens.enrich.quotemarks` (so a quote may run over several paragraphs), one unit per
sentence. It is attributed by a reporting verb outside the marks: after the quote (``"…,"
she said``, ``"…!" the prime minister thundered``, ``"…," added the doctor``), before it
(``X said, "…"``, ``X told the Daily News "…"``, ``another witness described the scene,
"…"``), or in the sentence before when that one ends with a colon (``The letter goes on:``).
A quote without a verb of its own continues the speaker of the quote right before it: the
sentences after the first of a multi-sentence quote, a paragraph that opens with a quote mark
after a quoted paragraph. A quoted phrase of fewer than four words is a scare quote ("a
'reserve police force'") unless a reporting verb gives it to someone, and a quote no verb
attributes is kept only as a pull quote, given the speaker of the same words later
(see :mod:`storylens.enrich.attribution`).

Reported speech comes from :mod:`storylens.enrich.reported`. A reported clause that holds a
direct fragment is one quote: direct when the fragment is nearly all of it, else indirect.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storylens.enrich.quotemarks import Span as QuoteSpan
from storylens.enrich.quotemarks import find_spans
from storylens.enrich.reported import INDIRECT_CUES, reported_in, subject_of
from storylens.enrich.speakers import Who, who_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

CUES = INDIRECT_CUES | frozenset(
    "accuse urge ask reply recall conclude read continue quip shout scream cry exclaim "
    "insist".split()
)
NEXT_SENTENCE_CUE = 4  # tokens: the attribution opens the next sentence ("she said.")
AFTER_QUOTE_VERB = 4  # tokens after the closing mark where any verb attributes the quote
MIN_DIRECT_WORDS = 4  # shorter quoted phrases are scare quotes: a 'reserve police force'
MIN_SHORT_WORDS = 2  # … unless a verb attributes a sentence: "I'm angry," he said
DIRECT_SHARE = 0.8  # a direct fragment this much of a reported clause makes it direct
FOLLOW_GAP = 100  # characters between two quotes of one paragraph read as one speaker's
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(slots=True)
class FoundQuote:
    """A quote unit found in an article; the speaker is resolved by the stage."""

    paragraph: int  # position of the paragraph in the article's parsed paragraphs
    start: int  # offsets in the paragraph's text
    end: int
    text: str
    kind: str
    cue: str
    who: Who | None  # None: the quote continues ``follows``, or is a pull quote
    follows: FoundQuote | None = None


def find_quotes(docs: Sequence[Doc]) -> list[FoundQuote]:
    """The direct and indirect quotes of an article whose paragraphs parse to ``docs``."""
    spans = find_spans([d.text for d in docs])
    quoted: list[list[tuple[int, int]]] = [[] for _ in docs]
    for span in spans:
        for piece in span.pieces:
            quoted[piece.paragraph].append((piece.start, piece.end))
    direct: list[FoundQuote] = []
    for span in spans:
        direct.extend(_direct(docs, span, quoted, direct))
    reported: list[FoundQuote] = []
    for p, doc in enumerate(docs):
        for sent in doc.sents:
            for r in reported_in(sent, p):
                # a reporting verb inside quoted words is the speaker's, not the article's
                if not _inside(quoted[p], r.start) and not _inside(quoted[p], r.verb_at):
                    reported.append(FoundQuote(p, r.start, r.end, r.text, "indirect", r.cue,
                                               r.who))  # fmt: skip
    found = _one_per_clause(direct, reported)
    return sorted(found, key=lambda q: (q.paragraph, q.start))


def _inside(ranges: list[tuple[int, int]], at: int) -> bool:
    return any(lo <= at < hi for lo, hi in ranges)


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _direct(
    docs: Sequence[Doc],
    span: QuoteSpan,
    quoted: list[list[tuple[int, int]]],
    earlier: list[FoundQuote],
) -> list[FoundQuote]:
    """The units of one quoted span, attributed, continued or kept as a pull quote."""
    text = " ".join(docs[p.paragraph].text[p.start : p.end] for p in span.pieces).strip()
    words = _words(text)
    if words < MIN_SHORT_WORDS:
        return []
    sentence_like = text[:1].isupper() or text[:1] in "[(…."
    cue = _cue(docs, span, quoted, text)
    ends = text.rstrip()[-1:] in ".!?…" if text.rstrip() else False
    if cue is None or (words < MIN_DIRECT_WORDS and not sentence_like):
        if words < MIN_DIRECT_WORDS and not ends:
            return []  # a scare quote or a heading ('Completely false')
        cue = None
    units = _units(docs, span)
    if not units:
        return []
    if cue is not None:
        verb, paragraph = cue
        subject = _speaker_token(verb)
        if subject is None:
            return []
        who = who_of(subject, paragraph)
        return [FoundQuote(p, s, e, t, "direct", verb.lemma_.lower(), who) for p, s, e, t in units]
    prev = _continued(docs, span, earlier)
    if prev is None and not (sentence_like and words >= MIN_DIRECT_WORDS):
        return []
    out = []
    for p, s, e, t in units:
        q = FoundQuote(p, s, e, t, "direct", prev.cue if prev else "", None, prev)
        out.append(q)
        prev = q if prev is not None else None
    return out


def _units(docs: Sequence[Doc], span: QuoteSpan) -> list[tuple[int, int, int, str]]:
    """One unit per sentence: (paragraph, start, end, text)."""
    out = []
    for piece in span.pieces:
        doc = docs[piece.paragraph]
        for sent in doc.sents:
            lo = max(piece.start, sent.start_char)
            hi = min(piece.end, sent.end_char)
            if hi <= lo:
                continue
            raw = doc.text[lo:hi]
            stripped = raw.strip()
            lo += raw.index(stripped[:1]) if stripped else 0
            stripped = stripped.rstrip(" ,")
            if _words(stripped) == 0:
                continue
            out.append((piece.paragraph, lo, lo + len(stripped), stripped))
    return out


def _continued(
    docs: Sequence[Doc], span: QuoteSpan, earlier: list[FoundQuote]
) -> FoundQuote | None:
    """The quote this one goes on from: the direct quote just before it in the same paragraph
    (only its attribution between), or in the paragraph before when this one opens its own."""
    if not earlier:
        return None
    prev = earlier[-1]
    first = span.first
    text = docs[first.paragraph].text
    if prev.paragraph == first.paragraph:
        gap = text[prev.end : first.start]
        return prev if len(gap) <= FOLLOW_GAP else None
    opens = not text[: max(0, first.start - 1)].strip()
    if opens and prev.paragraph == first.paragraph - 1:
        return prev
    return None


def _cue(
    docs: Sequence[Doc], span: QuoteSpan, quoted: list[list[tuple[int, int]]], text: str
) -> tuple[Token, int] | None:
    """The reporting verb of a quoted span and its paragraph, or None."""
    last, first = span.last, span.first
    doc = docs[last.paragraph]
    sents = list(doc.sents)
    outside = quoted[last.paragraph]
    # after the closing mark, in the same sentence, then at the start of the next one
    k = _sentence_index(sents, last.end)
    if k is not None and span.closed:
        after = [t for t in sents[k] if t.idx > last.end and not _inside(outside, t.idx)]
        found = _verb_in(after, after_quote=text.rstrip()[-1:] in ",!?…-—")
        if found is None and all(t.is_punct for t in after) and k + 1 < len(sents):
            nxt = [t for t in sents[k + 1][:NEXT_SENTENCE_CUE] if not _inside(outside, t.idx)]
            found = _verb_in(nxt, after_quote=False)
        if found is not None:
            return found, last.paragraph
    # before the opening mark, in the sentence it opens in
    doc = docs[first.paragraph]
    sents = list(doc.sents)
    outside = quoted[first.paragraph]
    k = _sentence_index(sents, max(0, first.start - 1))
    if k is None:
        return None
    before = [t for t in sents[k] if t.idx < first.start - 1 and not _inside(outside, t.idx)]
    found = _verb_before(before, doc.text[: max(0, first.start - 1)], text)
    if found is not None:
        return found, first.paragraph
    # a sentence before that ends with a colon: this paragraph's, or the last of the one before
    colon = None
    if before and not [t for t in before if not t.is_punct]:
        if k > 0:
            colon = (sents[k - 1], first.paragraph)
        elif first.paragraph > 0:
            prev_sents = list(docs[first.paragraph - 1].sents)
            if prev_sents:
                colon = (prev_sents[-1], first.paragraph - 1)
    elif not before and k > 0:
        colon = (sents[k - 1], first.paragraph)
    elif not before and first.paragraph > 0:
        prev_sents = list(docs[first.paragraph - 1].sents)
        colon = (prev_sents[-1], first.paragraph - 1) if prev_sents else None
    if colon is not None and colon[0].text.rstrip().endswith(":"):
        tokens = [t for t in colon[0] if not _inside(quoted[colon[1]], t.idx)]
        found = _verb_before(tokens, colon[0].text.rstrip(), text) or _verb_in(
            tokens, after_quote=False
        )
        if found is not None:
            return found, colon[1]
    return None


def _sentence_index(sents: list[Span], at: int) -> int | None:
    for i, s in enumerate(sents):
        if s.start_char <= at < s.end_char + 1:
            return i
    return None


def _verb_in(tokens: list[Token], *, after_quote: bool) -> Token | None:
    """A reporting verb with a speaker among ``tokens``; right after a quote that ends with a
    comma or !/?, any verb with a speaker ("…!" the prime minister thundered)."""
    for n, tok in enumerate(tokens):
        if tok.pos_ != "VERB" or _speaker_token(tok) is None:
            continue
        if tok.lemma_.lower() in CUES or (after_quote and n < AFTER_QUOTE_VERB):
            return tok
    return None


def _verb_before(tokens: list[Token], text_before: str, quote: str) -> Token | None:
    """The verb that introduces a quote: a reporting verb before it in its sentence, or the
    nearest verb whose phrase runs up to a comma or colon right before a quote that opens a
    sentence ("Another witness described the scene to PIX11, "He was running …")."""
    cues = [t for t in tokens if t.pos_ == "VERB" and t.lemma_.lower() in CUES]
    for tok in reversed(cues):
        if _speaker_token(tok) is not None:
            return tok
    if not quote[:1].isupper() or not text_before.rstrip().endswith((",", ":")):
        return None
    for tok in reversed(tokens):
        if tok.pos_ == "VERB" and _speaker_token(tok) is not None:
            tail = [t for t in tokens if t.i > tok.i and not t.is_punct]
            if all(t in set(tok.subtree) for t in tail):
                return tok
            return None
    return None


def _speaker_token(verb: Token) -> Token | None:
    """The verb's subject; after a quote, the noun an inverted attribution puts after the
    verb ("…," added the doctor, which the parser may read as an object)."""
    subject = subject_of(verb)
    if subject is not None:
        return subject
    if (verb.i > 0 and verb.doc[verb.i - 1].is_quote) or (
        verb.i > 1 and verb.doc[verb.i - 2].is_quote
    ):
        for c in verb.rights:
            if c.dep_ in ("dobj", "attr", "npadvmod", "appos") and c.pos_ in ("NOUN", "PROPN"):
                return c
    return None


def _one_per_clause(direct: list[FoundQuote], reported: list[FoundQuote]) -> list[FoundQuote]:
    """A reported clause that holds direct fragments is one quote: direct when the fragments
    are nearly all of it (the reported clause is dropped), else indirect (the fragments are)."""
    dropped: set[int] = set()
    keep_reported = []
    for r in reported:
        inner = [
            q for q in direct if q.paragraph == r.paragraph and q.start < r.end and q.end > r.start
        ]
        if not inner:
            keep_reported.append(r)
            continue
        share = sum(min(q.end, r.end) - max(q.start, r.start) for q in inner) / max(
            1, r.end - r.start
        )
        if share >= DIRECT_SHARE or any(q.start < r.start or q.end > r.end for q in inner):
            continue
        dropped.update(id(q) for q in inner)
        keep_reported.append(r)
    return [q for q in direct if id(q) not in dropped] + keep_reported
