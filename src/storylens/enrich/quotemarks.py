"""Quotation marks paired across an article: which words stand inside quotes.

News text marks quotes in several ways, and the marks do not always come in tidy pairs within
one paragraph:

- straight or curly double quotes, British single quotes (``'…,' he said``), ``` `` ``` / ``''``;
- a quote that runs over several paragraphs (or several lines, when a corpus keeps one
  sentence a line) opens in one and closes in a later one; by the newspaper convention, a
  paragraph that continues a quote opens with a quote mark again and the paragraph before it
  has no closing mark;
- text re-joined from tokens puts spaces on both sides of a mark (``, " he said``,
  ``I ’ m``) or none (``"said``, ``EU"because``).

:func:`find_spans` reads every mark of the article in order and decides open / close from the
characters around it (a space before and a letter after opens; a letter before and a space
after closes), and from the state (inside a quote, the next mark of the family closes it) when
both sides look alike. Single marks are also apostrophes (``don't``, ``I ’ m``, ``workers'
rights``), told apart by the letters around them. Single quotes are paired only outside double
quotes, so American nesting (``"… 'Stop.' …"``) and British nesting (``'… "a disgrace" …'``) both
give the outer quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_CARRY = 4  # paragraphs a quote may run on over; an unclosed one ends where it opened
OPEN, CLOSE, EITHER, SOFT = "open", "close", "either", "soft"  # soft: an apostrophe or a close

# a double mark: straight, curly, low, guillemets, and the TeX pairs `` and ''
_DOUBLE = re.compile(r"``|''|[\"“”„«»]")
_SINGLE = re.compile(r"[‘’'`]")
# an apostrophe: inside a word, or a spaced contraction (``I ’ m``, ``don ’ t``, ``Gray ’ s``)
_CONTRACTION = re.compile(r"(?<=\w) ?$")
_SUFFIX = re.compile(r"^ ?(?:s|t|m|re|ve|ll|d)\b", re.IGNORECASE)
_OPENERS = frozenset("([{—–-/")


@dataclass(slots=True)
class Piece:
    """The quoted words of one span that lie in one paragraph (offsets into its text)."""

    paragraph: int  # position in the sequence given to :func:`find_spans`
    start: int
    end: int


@dataclass(slots=True)
class Span:
    """One quotation: from the character after its opening mark to its closing mark."""

    pieces: list[Piece] = field(default_factory=list)
    closed: bool = True  # False when no closing mark was found (the span ends a paragraph)
    family: str = "double"  # or "single"

    @property
    def first(self) -> Piece:
        return self.pieces[0]

    @property
    def last(self) -> Piece:
        return self.pieces[-1]


@dataclass(slots=True)
class _Mark:
    paragraph: int
    at: int  # offset of the mark
    width: int
    kind: str


def find_spans(texts: Sequence[str]) -> list[Span]:
    """Every top-level quoted span of an article whose paragraphs are ``texts``."""
    doubles = _pair([_double_marks(i, t) for i, t in enumerate(texts)], texts, "double")
    inside: list[list[tuple[int, int]]] = [[] for _ in texts]
    for span in doubles:
        for p in span.pieces:
            text = texts[p.paragraph]
            lo = p.start - (2 if text[p.start - 2 : p.start] in ("''", "``") else 1)
            hi = p.end + (2 if text[p.end : p.end + 2] == "''" else 1)
            inside[p.paragraph].append((lo, hi))
    singles = _pair([_single_marks(i, t, inside[i]) for i, t in enumerate(texts)], texts, "single")
    spans = [s for s in doubles + singles if not any(_within(s, o) for o in doubles + singles)]
    return sorted(spans, key=lambda s: (s.first.paragraph, s.first.start))


def _within(inner: Span, outer: Span) -> bool:
    if inner is outer:
        return False
    a, b = inner.first, inner.last
    c, d = outer.first, outer.last
    return (c.paragraph, c.start) <= (a.paragraph, a.start) and (b.paragraph, b.end) <= (
        d.paragraph,
        d.end,
    )


def _side(text: str, at: int, width: int) -> tuple[str, str]:
    before = text[at - 1] if at > 0 else " "
    after = text[at + width] if at + width < len(text) else " "
    return before, after


def _kind_by_sides(before: str, after: str) -> str:
    space_before = before.isspace() or before in _OPENERS
    space_after = after.isspace() or after in ".,;:!?)]}—–"
    if space_before and not space_after:
        return OPEN
    if space_after and not space_before:
        return CLOSE
    return EITHER


def _double_marks(paragraph: int, text: str) -> list[_Mark]:
    out = []
    for m in _DOUBLE.finditer(text):
        mark = m.group()
        if mark in ("“", "„", "«", "``"):
            kind = OPEN
        elif mark in ("”", "»"):
            kind = CLOSE
        else:  # " and '' (a TeX close, or two apostrophes standing for a quote mark)
            kind = _kind_by_sides(*_side(text, m.start(), len(mark)))
        out.append(_Mark(paragraph, m.start(), len(mark), kind))
    return out


def _single_marks(paragraph: int, text: str, skip: list[tuple[int, int]]) -> list[_Mark]:
    out = []
    for m in _SINGLE.finditer(text):
        at = m.start()
        if any(lo <= at < hi for lo, hi in skip):
            continue
        before, after = _side(text, at, 1)
        if before.isalnum() and after.isalnum():
            continue  # don't, O'Neill
        if _CONTRACTION.search(text[max(0, at - 2) : at]) and _SUFFIX.match(text[at + 1 :]):
            continue  # I ’ m, Gray ’ s
        if after.isdigit() and (before.isspace() or at == 0):
            continue  # the '90s
        mark = m.group()
        if before == "s" and text[at + 1 : at + 2] == " " and text[at + 2 : at + 3].islower():
            kind = SOFT  # workers' rights, or the end of 'bombs refugees' in …
        elif mark in ("‘", "`"):
            kind = OPEN
        elif mark == "’" and not (before.isspace() and not after.isspace()):
            kind = CLOSE
        else:
            kind = _kind_by_sides(before, after)
        out.append(_Mark(paragraph, at, 1, kind))
    return out


def _pair(marks: list[list[_Mark]], texts: Sequence[str], family: str) -> list[Span]:
    """Pair the marks of one family over the whole article."""
    spans: list[Span] = []
    opened: _Mark | None = None
    depth = 0  # curly quotes opened inside the open one ("‘… the biggest ‘f*** you’ ever …’")
    for paragraph, found in enumerate(marks):
        text = texts[paragraph]
        depth = 0
        if opened is not None and opened.paragraph < paragraph:
            lead = found[0] if found else None
            reopens = lead is not None and lead.kind != CLOSE and not text[: lead.at].strip()
            if paragraph - opened.paragraph > MAX_CARRY:
                # too far to be one quote: the mark was never closed, and the quote ends with
                # the paragraph it opened in
                spans.append(_span(texts, family, opened, opened.paragraph, None))
                opened = None
            elif reopens:
                # the paragraph convention: the quote went on to the end of the paragraph
                # before this one, and starts again here
                spans.append(_span(texts, family, opened, paragraph - 1, None))
                opened = None
        for n, mark in enumerate(found):
            if mark.kind == SOFT:
                # an apostrophe unless it is the only mark left that can close an open quote
                later = any(m.kind in (CLOSE, EITHER) for m in found[n + 1 :])
                if opened is None or later:
                    continue
            if opened is None:
                if mark.kind != CLOSE:
                    opened, depth = mark, 0
                continue
            if mark.kind == OPEN and opened.paragraph < paragraph:
                # a clear opening mark while a quote of an earlier paragraph is still open:
                # that one never closed, and ends with the paragraph it opened in
                spans.append(_span(texts, family, opened, opened.paragraph, None))
                opened = mark
                continue
            if mark.kind == OPEN and _curly_open(text, mark):
                depth += 1
                continue
            if depth and mark.kind != OPEN:
                depth -= 1
                continue
            spans.append(_span(texts, family, opened, paragraph, mark.at))
            opened = None
    if opened is not None:
        spans.append(_span(texts, family, opened, opened.paragraph, None))
    return [s for s in spans if s.pieces]


def _curly_open(text: str, mark: _Mark) -> bool:
    return text[mark.at : mark.at + mark.width] in ("“", "„", "«", "‘", "``")


def _span(texts: Sequence[str], family: str, opened: _Mark, end_par: int, end: int | None) -> Span:
    """The span from the mark ``opened`` to offset ``end`` of paragraph ``end_par`` (None: to
    the end of that paragraph, the quote never closed), one piece per paragraph."""
    start_par, start = opened.paragraph, opened.at + opened.width
    pieces = []
    for p in range(start_par, end_par + 1):
        lo = start if p == start_par else 0
        hi = end if p == end_par and end is not None else len(texts[p].rstrip())
        if texts[p][lo:hi].strip():
            pieces.append(Piece(p, lo, hi))
    return Span(pieces, end is not None, family)
