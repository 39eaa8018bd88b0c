"""Text normalisation shared by the stages. Display text keeps its quotes and dashes; matching
uses :func:`norm`."""

from __future__ import annotations

import re
import unicodedata

_WORDS = re.compile(r"\w+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\"'“‘(]?[A-Z0-9])")


def display(text: str) -> str:
    """Text as shown: Unicode NFC, control characters removed, whitespace collapsed."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """Lower-cased word tokens: the unit of every text comparison.

    Quotes and dashes are not word characters, so curly and straight forms already tokenise
    alike ("Russia’s" and "Russia's" both give ``russia``, ``s``).
    """
    return _WORDS.findall(text.lower())


def first_words(text: str, limit: int) -> list[str]:
    """``words(text)[:limit]`` without tokenising the rest of a long text."""
    if limit <= 0:
        return words(text)
    size = limit * 12  # characters per word, generously; doubled until enough words are read
    while True:
        found = words(text[:size])
        # the cut may split the last word read; with more than ``limit`` words it is not kept
        if len(found) > limit or size >= len(text):
            return found[:limit]
        size *= 2


def norm(text: str) -> str:
    """One string for matching: words joined by single spaces."""
    return " ".join(words(text))


_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]\.|\b(?:Mr|Mrs|Ms|Dr|St|Sen|Rep|Gov|Gen|Col|Lt|Sgt|Prof|Rev|Jan|Feb|Mar|Apr|"
    r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|Inc|Ltd|Co|Corp|vs)\.)$"
)


def sentences(text: str) -> list[str]:
    """A light sentence split, good enough for repeat detection and derived titles.

    A break after an initial or a common abbreviation ("U.S.", "Mr.", "Sept.") is not a
    sentence end.
    """
    out: list[str] = []
    for part in _SENTENCE.split(text):
        part = part.strip()
        if not part:
            continue
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out
