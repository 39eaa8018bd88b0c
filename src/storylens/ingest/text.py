"""Plain text (and Markdown without front matter): paragraphs, maybe a headline line first."""

from __future__ import annotations

import re
from collections.abc import Iterator

from storylens.errors import InputError
from storylens.ingest.markup import markdown_to_paragraphs
from storylens.models import Paragraph, Problem, RawItem

_BLANK = re.compile(r"\n[ \t\u00a0]*\n")


def split_paragraphs(text: str) -> list[Paragraph]:
    """Blank-line separated blocks; lines inside a block are joined. Without any blank line,
    each line is a paragraph (exports that put one paragraph or sentence per line)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    blocks = _BLANK.split(text) if _BLANK.search(text) else text.split("\n")
    out = []
    for block in blocks:
        joined = " ".join(block.split())
        if joined:
            out.append(Paragraph(joined))
    return out


def read(text: str, origin: str, markdown: bool = False) -> Iterator[RawItem | Problem]:
    paragraphs = markdown_to_paragraphs(text) if markdown else split_paragraphs(text)
    if not paragraphs:
        raise InputError("empty file: no text to read")
    title = None
    first = paragraphs[0]
    words = first.text.split()
    if (
        len(paragraphs) > 1
        and len(words) <= 16
        and (first.kind == "heading" or first.text[-1] not in ".!?\"'”’:;,")
    ):
        title = first.text
        paragraphs = paragraphs[1:]
    yield RawItem(
        origin=origin,
        format="markdown" if markdown else "text",
        paragraphs=paragraphs,
        title=title,
        notes=["no date found in a plain-text file"],
    )
