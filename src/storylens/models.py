"""The data model: plain dataclasses, no I/O.

Readers produce :class:`RawItem`; the clean stage turns each into an :class:`Article`. Bad inputs
become :class:`Problem` records instead of exceptions escaping a batch.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

# "item" (a list item or a table row) is what a reader saw; clean stores it as "body".
ParagraphKind = Literal["body", "heading", "caption", "item"]
Precision = Literal["day", "minute", "second"]

# How a report that names no outlet is shown, everywhere: its file or URL is a detail beside it.
UNKNOWN_OUTLET = "unknown outlet"
# What a spreadsheet runs as a formula: CSV exports put ``'`` before a cell that starts so, and
# the CSV reader takes it off again, so an export reads back as it was.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


# --- enrich: what an article says, each piece pointing at a sentence ------------------------------

EntityLabel = Literal[
    "PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC", "PRODUCT", "LAW", "WORK_OF_ART"
]
QuoteKind = Literal["direct", "indirect"]


@dataclass(slots=True, frozen=True)
class Sentence:
    """A sentence of an article. ``start``/``end`` are character offsets into its paragraph's
    text (``article.paragraphs[paragraph].text``), so a page can highlight it in place."""

    article_id: str
    index: int  # position in the article, counting from 0
    paragraph: int  # index into Article.paragraphs
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Mention:
    """A span of a sentence that names an entity. Offsets are into the sentence's text."""

    sentence: int
    start: int
    end: int
    text: str
    label: str
    entity: str  # canonical entity key, ``label:name`` (see :func:`entity_key`)


@dataclass(slots=True)
class Entity:
    """A canonical entity: one person, place or organisation however an article names it."""

    key: str
    name: str
    label: str
    aliases: list[str] = field(default_factory=list)
    country: str | None = None  # ISO code, places only
    lat: float | None = None
    lon: float | None = None


@dataclass(slots=True)
class Quote:
    """Words attributed to a speaker. ``text`` is the quoted words (direct) or the reported
    clause (indirect); ``speaker`` the speaker as named (resolved to a name where the text
    allows), ``speaker_entity`` its canonical key when it is a known entity."""

    sentence: int
    text: str
    speaker: str | None
    kind: QuoteKind
    cue: str  # the reporting verb: said, told, added ...
    speaker_entity: str | None = None
    start: int = 0  # offsets of ``text`` in the sentence
    end: int = 0


@dataclass(slots=True)
class Claim:
    """A number someone reported. The value is an interval ``[lo, hi]``; an open end is
    ``None`` (no bound) and ``lo_open``/``hi_open`` say whether a finite bound is excluded:
    "over 400" is lo=400, lo_open=True, hi=None; "at least 100,000" is lo=100000, lo_open=False.
    """

    sentence: int
    subject: str  # what is counted, normalised: "protesters", "detained", "vote share"
    lo: float | None
    hi: float | None
    text: str  # the words of the number as written: "over 100,000", "tens of thousands"
    unit: str | None = None  # "%", "years", "people", "$" ...
    qualifier: str | None = None  # "over", "at least", "about", "up to" ...
    lo_open: bool = False
    hi_open: bool = False
    attribution: str | None = None  # who said so: "police"
    start: int = 0  # offsets of ``text`` in the sentence
    end: int = 0


@dataclass(slots=True)
class Enrichment:
    """Everything the enrich stage found in one article."""

    article_id: str
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)


def entity_key(label: str, name: str) -> str:
    """The canonical key of an entity: its coarse type and its normalised full name."""
    kind = "PLACE" if label in ("GPE", "LOC", "FAC") else label
    return f"{kind}:{' '.join(name.lower().split())}"


# --- stories and their comparison ----------------------------------------------------------------

FactKind = Literal["claim", "quote", "statement", "entity"]
FactStatus = Literal["agree", "compatible", "conflict", "update", "only_one"]
FACT_STATUSES: tuple[FactStatus, ...] = ("agree", "compatible", "conflict", "update", "only_one")


@dataclass(slots=True)
class Story:
    """A story: reports of one happening, grouped by the cluster stage. ``id`` is stable across
    re-runs (``s`` + its first member's id)."""

    id: str
    title: str
    first_seen: str | None
    last_seen: str | None
    size: int
    outlets: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)


@dataclass(slots=True)
class FactCell:
    """One outlet's sentence behind a fact: where it is (article, sentence index, paragraph and
    the sentence's offsets in that paragraph's text) and what the outlet wrote (``value``),
    with the claim or quote it shows. ``published`` is the report's date (ISO), for updates."""

    article: str
    sentence: int
    paragraph: int | None
    start: int | None
    end: int | None
    text: str
    value: str | None = None
    published: str | None = None
    claim: Claim | None = None
    quote: Quote | None = None


@dataclass(slots=True)
class Fact:
    """One thing several reports may say, aligned across the story's outlets.

    ``status``: ``agree`` (the same value or words), ``compatible`` (consistent once rounding,
    qualifiers and units are read), ``conflict`` (the same quantity at the same time, values
    that cannot both hold), ``update`` (the same quantity reported differently at different
    times: :meth:`steps` gives the sequence), ``only_one`` (one outlet reports it).
    ``outlets`` maps every outlet of the story to its cells (empty: not reported).
    """

    id: str
    kind: FactKind
    key: str
    label: str
    status: FactStatus
    note: str | None
    outlets: dict[str, list[FactCell]]

    @property
    def reporting(self) -> int:
        """How many outlets report it."""
        return sum(1 for cells in self.outlets.values() if cells)

    def steps(self) -> list[tuple[str, FactCell]]:
        """(outlet, cell) in the order the reports came out (undated last): an update's
        sequence."""
        cells = [(o, c) for o, cs in self.outlets.items() for c in cs]
        return sorted(cells, key=lambda oc: (oc[1].published is None, oc[1].published or ""))


@dataclass(slots=True)
class ComparedReport:
    """A report of the story as the comparison read it."""

    id: str
    outlet: str
    title: str
    url: str | None
    published: str | None
    copy_of: str | None
    enriched: bool


@dataclass(slots=True)
class SummarySource:
    """One outlet's sentence behind a summary line (its first report's)."""

    outlet: str
    article: str
    sentence: int
    paragraph: int | None = None
    start: int | None = None
    end: int | None = None


@dataclass(slots=True)
class SummaryLine:
    """A sentence of a source chosen for the story's summary, and the outlets behind it."""

    text: str
    article: str
    sentence: int
    outlets: list[str]
    sources: list[SummarySource]
    paragraph: int | None = None
    start: int | None = None
    end: int | None = None


@dataclass(slots=True)
class TimelineReport:
    """A report on the timeline and the facts it was first to report (fact ids)."""

    article: str
    outlet: str
    title: str
    published: str | None
    lead: str
    facts: list[str] = field(default_factory=list)


@dataclass(slots=True)
class TimelineDay:
    day: str  # ISO date, or "undated"
    reports: list[TimelineReport]


@dataclass(slots=True)
class Comparison:
    """Facts × outlets of a story, with an extractive summary and a timeline. ``compared`` is
    how many of the story's ``size`` reports were read (near copies are left out, and a very
    large story is compared on a capped number of reports: ``note`` says so)."""

    story: Story
    outlets: list[str]
    articles: list[ComparedReport]
    facts: list[Fact]
    summary: list[SummaryLine]
    timeline: list[TimelineDay]
    compared: int = 0
    note: str | None = None

    @property
    def enriched(self) -> int:
        """How many of the compared reports are enriched."""
        return sum(1 for a in self.articles if a.enriched)
