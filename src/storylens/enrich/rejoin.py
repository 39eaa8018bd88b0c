"""Numbers that a detokeniser split apart ("230, 000", "6. 1-magnitude", "$1. 29", "a. 357
caliber"), read as one token before the parse.

Corpora rebuilt from tokens (ECB+ and the like) put a space after every comma and full stop, so
"230,000" reads "230, 000" and "6.1" reads "6. 1": spaCy then sees two numbers, parses them as
two, and may end a sentence inside "13. 6 percent". :func:`split_numbers` finds the spans that
can only be one number, by rules that cannot fire on ordinary prose (docs/claims.md, "Text
rebuilt from tokens"); :class:`RejoiningTokenizer` wraps spaCy's tokenizer so that each such
span is one token whose ``norm_`` is the number as it should have been written ("230,000").
The text itself, and so every character offset, is unchanged. spaCy is not imported here: the
wrapped tokenizer makes the documents.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

# "230, 000", "1, 000, 000": a thousands group that starts with 0 is never a number of its own,
# so "3, 050" or "230, 000" is one number in any text. ("Day 3, 500 people" is not joined.)
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:, \d{3})+(?![\d])")
# "6. 1", "13. 6", "472. 72": one number when the context says so (see _decimal_context).
_DECIMAL = re.compile(r"(?<![\d.,])(\d{1,3})\. (\d{1,3})(?![\d,])")
# ". 38-caliber", "a. 357 caliber": a calibre's leading point.
_CALIBRE = re.compile(
    r"(?<=\w)\. (\d{2,3})(?=-?\s?(?i:caliber|calibre|magnum)\b)|(?<=\ba)\. (\d{2,3})\b"
)
_AFTER_WORDS = {
    "per", "percent", "%", "billion", "million", "trillion", "thousand", "bn", "m", "mn",
    "tn", "k", "magnitude", "points", "point", "feet", "foot", "metres", "meters", "metre",
    "meter", "kilometres", "kilometers", "km", "miles", "mile", "inches", "cm", "mm", "kg",
    "tonnes", "tons", "euros", "euro", "pounds", "pound", "dollars", "dollar", "degrees",
}  # fmt: skip
_BEFORE = re.compile(
    r"(?:[$£€¥\ufffd]|\b(?:magnitude-?|measuring|Dh|Rs|Rp|euro|US\$|A\$|C\$|HK\$|NZ\$))\s?$",
    re.IGNORECASE,
)
_GLUED_SCALE = re.compile(r"^(?:bn|mn|tn|m|b|k)\b", re.IGNORECASE)
_AFTER_WORD = re.compile(r"^\s([A-Za-z%]+)")


def _decimal_context(text: str, start: int, end: int) -> bool:
    """Is "X. Y" at text[start:end] one decimal number? Only when the words around it leave no
    other reading: a hyphenated unit ("6. 1-magnitude"), a glued scale ("25. 7bn"), a unit or
    scale word after it ("5. 4 per cent", "93. 6 billion"), or a currency or "magnitude" just
    before it ("$1. 29", "magnitude-9. 1"). Two sentences, the first ending in a number and the
    second starting with a numeral, have none of these."""
    after = text[end : end + 24]
    if re.match(r"^-[A-Za-z]", after) or _GLUED_SCALE.match(after):
        return True
    word = _AFTER_WORD.match(after)
    if word and word.group(1).lower() in _AFTER_WORDS:
        return True
    return bool(_BEFORE.search(text[max(0, start - 12) : start]))


def split_numbers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, number as written without the inserted spaces) of every split number."""
    if ". " not in text and ", " not in text:
        return []
    found: list[tuple[int, int, str]] = []
    for m in _THOUSANDS.finditer(text):
        groups = m.group(0).split(", ")
        if any(g.startswith("0") for g in groups[1:]):
            found.append((m.start(), m.end(), ",".join(groups)))
    for m in _DECIMAL.finditer(text):
        if _decimal_context(text, m.start(), m.end()):
            found.append((m.start(), m.end(), f"{m.group(1)}.{m.group(2)}"))
    for m in _CALIBRE.finditer(text):  # ". 38-caliber"; "a. 357" (an article ends no sentence)
        found.append((m.start(), m.end(), "." + (m.group(1) or m.group(2))))
    found.sort()
    out: list[tuple[int, int, str]] = []
    for span in found:  # overlapping finds: keep the first
        if not out or span[0] >= out[-1][1]:
            out.append(span)
    return out


class RejoiningTokenizer:
    """spaCy's tokenizer, then every span of :func:`split_numbers` made one token (tokens that
    straddle a span's edge are cut there). Text without such a span is returned as tokenized."""

    def __init__(self, tokenizer: Callable[[str], Doc]) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        spans = split_numbers(text)
        return _rejoin(doc, spans) if spans else doc

    def __getattr__(self, name: str) -> object:  # the wrapped tokenizer's other methods
        return getattr(self.tokenizer, name)


def _rejoin(doc: Doc, spans: list[tuple[int, int, str]]) -> Doc:
    cuts = {p for s, e, _ in spans for p in (s, e)}
    pieces: list[tuple[int, int, bool]] = []  # (start, end, space after)
    for tok in doc:
        start, end = tok.idx, tok.idx + len(tok.text)
        inner = sorted(p for p in cuts if start < p < end)
        bounds = [start, *inner, end]
        for a, b in itertools.pairwise(bounds):
            if b in cuts and b - a > 1 and doc.text[b - 1] == "-":  # "magnitude-" | "6. 1"
                pieces.append((a, b - 1, False))
                a = b - 1
            pieces.append((a, b, b == end and bool(tok.whitespace_)))
    words: list[str] = []
    spaces: list[bool] = []
    norms: dict[int, str] = {}
    text = doc.text
    k = 0
    for s, e, norm in spans:
        while k < len(pieces) and pieces[k][1] <= s:
            a, b, sp = pieces[k]
            words.append(text[a:b])
            spaces.append(sp)
            k += 1
        while k < len(pieces) and pieces[k][1] <= e:
            k += 1
        norms[len(words)] = norm
        words.append(text[s:e])
        spaces.append(pieces[k - 1][2] if k else False)
    for a, b, sp in pieces[k:]:
        words.append(text[a:b])
        spaces.append(sp)
    out = type(doc)(doc.vocab, words=words, spaces=spaces)
    for i, norm in norms.items():
        out[i].norm_ = norm
    return out
