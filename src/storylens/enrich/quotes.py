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
from storylens.enrich.reported import INDIRECT_CUES, Reported, reported_in, subject_of
from storylens.enrich.speakers import DOCUMENTS, Who, who_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

CUES = INDIRECT_CUES | frozenset(
    "accuse urge ask reply recall conclude read continue quip shout scream cry exclaim "
    "insist".split()
)
NEXT_SENTENCE_CUE = 4  # tokens: the attribution opens the next sentence ("she said.")
SPLIT_TAG = 8  # tokens of the attribution the parser split off that are read for its verb
MIN_DIRECT_WORDS = 4  # shorter quoted phrases are scare quotes: a 'reserve police force'
MIN_SHORT_WORDS = 2  # … unless a verb attributes a sentence: "I'm angry," he said
DIRECT_SHARE = 0.8  # a direct fragment this much of a reported clause makes it direct
FOLLOW_GAP = 100  # characters between two quotes of one paragraph read as one speaker's
READ_OUT = frozenset("sign banner placard headline caption notice card inscription text".split())
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
    shown: bool = True  # False: a one-word quote ("Nah," he said) kept only for what follows it
    verb: int = -1  # token index of the reporting verb in its paragraph's doc, if any
    verb_paragraph: int = -1


@dataclass(slots=True)
class _Cue:
    subject: Token  # the speaker's head word
    name: str  # the reporting verb's lemma, or "according to"
    paragraph: int
    verb: Token | None = None


def find_quotes(docs: Sequence[Doc]) -> list[FoundQuote]:
    """The direct and indirect quotes of an article whose paragraphs parse to ``docs``."""
    spans = find_spans([text_of(d) for d in docs])
    quoted: list[list[tuple[int, int]]] = [[] for _ in docs]
    for span in spans:
        for piece in span.pieces:
            quoted[piece.paragraph].append((piece.start, piece.end))
    direct: list[FoundQuote] = []
    for span in spans:
        direct.extend(_direct(docs, span, quoted, direct))
    reported: list[tuple[Reported, FoundQuote]] = []
    for p, doc in enumerate(docs):
        for sent in sentences(doc):
            for r in reported_in(sent, p):
                # a reporting verb inside quoted words is the speaker's, not the article's
                if not _inside(quoted[p], r.start) and not _inside(quoted[p], r.verb_at):
                    q = FoundQuote(p, r.start, r.end, r.text, "indirect", r.cue, r.who,
                                   verb=r.verb, verb_paragraph=p)  # fmt: skip
                    reported.append((r, q))
    found = _one_per_clause(docs, direct, _top_reports(reported))
    return sorted(found, key=lambda q: (q.paragraph, q.start))


def sentences(doc: Doc) -> list[Span]:
    """The sentences of a parse, read once (``doc.sents`` walks the whole parse each time)."""
    cached: list[Span] | None = doc.user_data.get("storylens_sents")
    if cached is None:
        cached = list(doc.sents)
        doc.user_data["storylens_sents"] = cached
    return cached


def text_of(doc: Doc) -> str:
    """The text of a parse, joined once (``doc.text`` joins every token each time)."""
    cached: str | None = doc.user_data.get("storylens_text")
    if cached is None:
        cached = doc.text
        doc.user_data["storylens_text"] = cached
    return cached


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
    text = " ".join(text_of(docs[p.paragraph])[p.start : p.end] for p in span.pieces).strip()
    words = _words(text)
    if words < MIN_SHORT_WORDS:
        cue = _cue(docs, span, quoted, text) if words else None
        if cue is None or not span.closed:
            return []
        # '"Nah," he said. "The sea has seen worse."': no quote, but the next one is his
        one = span.first
        who = who_of(cue.subject, cue.paragraph)
        return [FoundQuote(one.paragraph, one.start, one.end, text, "direct", cue.name, who,
                           shown=False)]  # fmt: skip
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
    if cue is not None and cue.name == "read" and not _text_source(cue.subject):
        cue = None  # "a tattoo on her collarbone which reads: '…'": words worn, not said
    if cue is not None and cue.subject.lower_ in ("i", "we", "you"):
        return []  # the writer's own words (or the reader's), no one else's
    if cue is not None:
        who = who_of(cue.subject, cue.paragraph)
        at = cue.verb.i if cue.verb is not None else -1
        return [FoundQuote(p, s, e, t, "direct", cue.name, who, verb=at,
                           verb_paragraph=cue.paragraph) for p, s, e, t in units]  # fmt: skip
    prev = _continued(docs, span, earlier)
    if prev is None and not (sentence_like and words >= MIN_DIRECT_WORDS):
        return []
    out = []
    for p, s, e, t in units:
        q = FoundQuote(p, s, e, t, "direct", prev.cue if prev else "", None, prev)
        out.append(q)
        prev = q if prev is not None else None
    return out


def _text_source(subject: Token) -> bool:
    """What can "read" a quote: a letter, a statement, a sign (not a tattoo or a T-shirt)."""
    head = subject.head if subject.tag_ in ("WDT", "WP") else subject
    return head.lemma_.lower() in DOCUMENTS | READ_OUT


def _units(docs: Sequence[Doc], span: QuoteSpan) -> list[tuple[int, int, int, str]]:
    """One unit per sentence: (paragraph, start, end, text)."""
    out = []
    for piece in span.pieces:
        doc = docs[piece.paragraph]
        for sent in sentences(doc):
            lo = max(piece.start, sent.start_char)
            hi = min(piece.end, sent.end_char)
            if hi <= lo:
                continue
            raw = text_of(doc)[lo:hi]
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
    if not prev.shown and prev.paragraph != first.paragraph:
        return None
    text = text_of(docs[first.paragraph])
    if prev.paragraph == first.paragraph:
        gap = text[prev.end : first.start]
        return prev if len(gap) <= FOLLOW_GAP else None
    opens = not text[: max(0, first.start - 1)].strip()
    if opens and prev.paragraph == first.paragraph - 1:
        return prev
    return None


def _cue(
    docs: Sequence[Doc], span: QuoteSpan, quoted: list[list[tuple[int, int]]], text: str
) -> _Cue | None:
    """The reporting verb (or "according to") that attributes a quoted span, or None."""
    last = span.last
    # a fragment ("told the Times there was "nothing to indicate …"") is introduced by the
    # verb before it; a quoted sentence is mostly attributed after it
    fragment = not text[:1].isupper()
    found = _cue_before(docs, span, quoted, text) if fragment else None
    if found is not None:
        return found
    doc = docs[last.paragraph]
    sents = sentences(doc)
    outside = quoted[last.paragraph]
    # after the closing mark, in the same sentence, then at the start of the next one
    k = _sentence_index(sents, last.end)
    if k is not None and span.closed:
        after = [t for t in sents[k] if t.idx > last.end and not _inside(outside, t.idx)]
        found = _verb_after(after, text.rstrip()[-1:] in ",!?…-—", last.paragraph)
        if found is None and all(t.is_punct for t in after) and k + 1 < len(sents):
            # the parser split the attribution off: '"…!" | Prime Minister Ana Lopes thundered.'
            tag = sents[k + 1]
            short = text.rstrip()[-1:] in ",!?…"  # it opens with "subject verb" then
            nxt = [t for t in tag[: SPLIT_TAG if short else NEXT_SENTENCE_CUE]
                   if not _inside(outside, t.idx)]  # fmt: skip
            found = _verb_after(nxt, short, last.paragraph)
        if found is not None:
            return found
    return None if fragment else _cue_before(docs, span, quoted, text)


def _cue_before(
    docs: Sequence[Doc], span: QuoteSpan, quoted: list[list[tuple[int, int]]], text: str
) -> _Cue | None:
    """The cue before the opening mark: in the sentence the quote opens in, or in a sentence
    before it that ends with a colon."""
    first = span.first
    doc = docs[first.paragraph]
    sents = sentences(doc)
    outside = quoted[first.paragraph]
    k = _sentence_index(sents, max(0, first.start - 1))
    if k is None:
        return None
    before = [t for t in sents[k] if t.idx < first.start - 1 and not _inside(outside, t.idx)]
    found = _verb_before(before, text_of(doc)[: max(0, first.start - 1)], text, first.paragraph)
    if found is not None:
        return found
    # a sentence before that ends with a colon: this paragraph's, or the last of the one before
    if [t for t in before if not t.is_punct]:
        return None
    colon = None
    if k > 0:
        colon = (sents[k - 1], first.paragraph)
    elif first.paragraph > 0:
        prev_sents = sentences(docs[first.paragraph - 1])
        colon = (prev_sents[-1], first.paragraph - 1) if prev_sents else None
    if colon is not None and colon[0].text.rstrip().endswith(":"):
        sent, p = colon
        tokens = [t for t in sent if not _inside(quoted[p], t.idx)]
        return _verb_before(tokens, sent.text.rstrip(), text, p) or _verb_after(tokens, False, p)
    return None


def _sentence_index(sents: list[Span], at: int) -> int | None:
    for i, s in enumerate(sents):
        if s.start_char <= at < s.end_char + 1:
            return i
    return None


def _verb_after(tokens: list[Token], after_quote: bool, paragraph: int) -> _Cue | None:
    """A reporting verb with a speaker among ``tokens``; right after a quote that ends with a
    comma or !/?, any verb whose subject is all that stands between ("…!" the prime minister
    thundered; "…," added the doctor)."""
    for n, tok in enumerate(tokens):
        if tok.pos_ != "VERB":
            continue
        subject = _speaker_token(tok)
        if subject is None:
            continue
        if tok.lemma_.lower() in CUES:
            return _Cue(subject, tok.lemma_.lower(), paragraph, tok)
        if after_quote:
            # only the subject stands between the quote and the verb, or nothing does
            between = [t for t in tokens[:n] if not t.is_punct]
            if all(t in set(subject.subtree) for t in between):
                return _Cue(subject, tok.lemma_.lower(), paragraph, tok)
        after_quote = False  # a verb of its own stands between: what follows is no tag
    return None


def _verb_before(tokens: list[Token], text_before: str, quote: str, paragraph: int) -> _Cue | None:
    """What introduces a quote: a reporting verb before it in its sentence, "according to X",
    or the nearest verb whose phrase runs up to a comma or colon right before a quote that
    opens a sentence ("Another witness described the scene to PIX11, "He was running …")."""
    cues = [t for t in tokens if t.pos_ == "VERB" and t.lemma_.lower() in CUES]
    for tok in reversed(cues):
        subject = _speaker_token(tok)
        if subject is not None:
            return _Cue(subject, tok.lemma_.lower(), paragraph, tok)
    for tok in tokens:
        nxt = tok.nbor() if tok.i + 1 < len(tok.doc) else None
        if tok.lower_ == "according" and nxt is not None and nxt.lower_ == "to":
            source = next((c for c in nxt.children if c.dep_ == "pobj"), None)
            if source is not None:
                return _Cue(source, "according to", paragraph)
    if not quote[:1].isupper() or not text_before.rstrip().endswith((",", ":")):
        return None
    for tok in reversed(tokens):
        if tok.pos_ == "VERB":
            subject = _speaker_token(tok)
            tail = [t for t in tokens if t.i > tok.i and not t.is_punct]
            if subject is not None and all(t in set(tok.subtree) for t in tail):
                return _Cue(subject, tok.lemma_.lower(), paragraph, tok)
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


def _top_reports(reported: list[tuple[Reported, FoundQuote]]) -> list[tuple[Reported, FoundQuote]]:
    """A report nested in another ("Hutson said aid workers said …") is part of the outer."""
    out = []
    for r, q in reported:
        nested = any(
            o is not r and oq.paragraph == q.paragraph and oq.start <= r.verb_at < oq.end
            for o, oq in reported
        )
        if not nested:
            out.append((r, q))
    return out


def _one_per_clause(
    docs: Sequence[Doc],
    direct: list[FoundQuote],
    reported: list[tuple[Reported, FoundQuote]],
) -> list[FoundQuote]:
    """A reported clause that holds direct fragments is one quote: direct when the quote is
    the verb's whole report (a sentence in quotes) or nearly all of the clause (the reported
    clause is dropped), else indirect (the fragments are dropped); a fragment another verb
    attributes outside the report ("… while X said "…"") stays a quote of its own."""
    dropped: set[int] = set()
    keep = []
    for r, rq in reported:
        inner = [
            q
            for q in direct
            if q.paragraph == rq.paragraph and q.start < rq.end and q.end > rq.start
        ]
        if not inner:
            keep.append(rq)
            continue
        doc = docs[rq.paragraph]
        own = [q for q in inner if q.verb == r.verb and q.verb_paragraph == rq.paragraph]
        others = [q for q in inner if q not in own]
        if any(_independent(doc, q, r) for q in others):
            continue  # the fragments are their speakers' own quotes
        share = sum(min(q.end, rq.end) - max(q.start, rq.start) for q in inner) / max(
            1, rq.end - rq.start
        )
        sticks_out = any(q.start < rq.start or q.end > rq.end + 2 for q in inner)
        whole = any(q.text[:1].isupper() for q in own)
        if share >= DIRECT_SHARE or sticks_out or whole:
            continue
        dropped.update(id(q) for q in inner)
        keep.append(rq)
    return [q for q in direct if id(q) not in dropped] + keep


def _independent(doc: Doc, q: FoundQuote, r: Reported) -> bool:
    """Whether the verb that attributes a fragment inside a reported clause is no part of what
    the clause reports: it hangs off the clause through an adverbial ("while X said")."""
    if q.verb < 0 or q.verb_paragraph != q.paragraph:
        return False
    tok = doc[q.verb]
    for _ in range(12):
        if tok.i == r.root or tok.i == r.verb:
            return False
        if tok.dep_ in ("advcl", "parataxis"):
            return True
        if tok.head is tok:
            return False
        tok = tok.head
    return False
