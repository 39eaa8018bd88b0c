"""The data model: plain dataclasses, no I/O.

Readers produce :class:`RawItem`; the clean stage turns each into an :class:`Article`. Bad inputs
become :class:`Problem` records instead of exceptions escaping a batch.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

ParagraphKind = Literal["body", "heading", "caption"]
Precision = Literal["day", "minute", "second"]


@dataclass(slots=True)
class Paragraph:
    """One paragraph of display text. Captions are kept but marked so later stages skip them."""

    text: str
    kind: ParagraphKind = "body"


@dataclass(slots=True)
class RawItem:
    """What a reader found in one input, before cleaning. Values are as found (strings)."""

    origin: str
    format: str
    paragraphs: list[Paragraph]
    item: int | None = None
    title: str | None = None
    url: str | None = None
    published: str | datetime | None = None
    published_format: str | None = None  # an explicit strptime format, when the reader knows it
    authors: list[str] = field(default_factory=list)
    description: str | None = None
    outlet: str | None = None
    via: str | None = None
    image: str | None = None
    categories: list[str] = field(default_factory=list)
    language: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        """The origin, with the item index for inputs that hold several reports."""
        return self.origin if self.item is None else f"{self.origin}#{self.item}"


@dataclass(slots=True)
class Article:
    """A cleaned news report. ``id`` is stable: a hash of the canonical URL, else of the text."""

    id: str
    outlet: str | None
    url: str | None
    title: str
    title_derived: bool
    paragraphs: list[Paragraph]
    published: datetime | None
    published_precision: Precision | None
    format: str
    origin: str
    content_hash: str
    via: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    categories: list[str] = field(default_factory=list)
    image: str | None = None
    credits: list[str] = field(default_factory=list)
    featured: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    revision: int = 1

    @property
    def body(self) -> str:
        """The article text without captions: what search and later stages read."""
        return "\n\n".join(p.text for p in self.paragraphs if p.kind != "caption")


@dataclass(slots=True)
class Problem:
    """An input that could not be used, and why. Stored in the ``problems`` table."""

    origin: str
    reason: str
    item: int | None = None
    detail: str = ""

    @property
    def where(self) -> str:
        return self.origin if self.item is None else f"{self.origin}#{self.item}"


def short_hash(text: str, length: int = 16) -> str:
    """A stable hex digest used for ids and content hashes."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()[:length]
