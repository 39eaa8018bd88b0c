"""The shapes of the API's answers, for validation and for the OpenAPI schema."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from storylens import models

T = TypeVar("T")


class ErrorDetail(BaseModel):
    status: int
    code: str = Field(description="not_found, validation_error, bad_request, internal_error …")
    message: str
    hint: str | None


class ErrorBody(BaseModel):
    """Every API error, whatever its status."""

    error: ErrorDetail


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="How many match in all (not only in this page).")
    limit: int
    offset: int


class StorySummary(BaseModel):
    id: str
    title: str
    first_seen: str | None
    last_seen: str | None
    size: int = Field(description="Number of reports.")
    outlets: list[str]
    terms: list[str] = Field(description="The story's top terms.")


class ArticleRef(BaseModel):
    id: str
    title: str
    outlet: str | None
    published: str | None


class Report(ArticleRef):
    score: float = Field(description="Similarity to the story when the report joined it.")
    decision: str = Field(description="joined, new (started the story) or copy.")


class Copy(BaseModel):
    kind: str = Field(description="wire (another outlet) or near (same outlet / unknown).")
    similarity: float
    copy_: ArticleRef = Field(alias="copy")
    original: ArticleRef
    added: list[str] = Field(description="Sentences the copy adds.")
    removed: list[str] = Field(description="Sentences of the original the copy leaves out.")

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class DayCount(BaseModel):
    day: str
    reports: int


class StorylineRef(BaseModel):
    id: str
    title: str
    events: int = Field(description="Number of events (stories) the storyline links.")
    size: int
    first_seen: str | None
    last_seen: str | None


class StoryDetail(StorySummary):
    storyline: StorylineRef | None = Field(
        None, description="The storyline this story (an event) is part of."
    )
    reports: list[Report] = Field(description="In time order.")
    copies: list[Copy] = Field(description="Wire copies and near duplicates among the reports.")
    activity: list[DayCount] = Field(description="Reports per day (UTC).")


class ArticleSummary(BaseModel):
    id: str
    published: str | None
    outlet: str | None
    title: str
    title_derived: bool
    format: str
    words: int


class Paragraph(BaseModel):
    text: str
    kind: str = Field(description="body, heading or caption.")


class Sighting(BaseModel):
    origin: str
    kind: str = Field(description="original, or copy (an exact copy seen in another input).")
    seen_at: str


class StoryRef(BaseModel):
    id: str
    title: str
    size: int
    decision: str


class CopyOf(ArticleRef):
    kind: str
    similarity: float
    added: list[str]
    removed: list[str]


class CopyRef(ArticleRef):
    kind: str
    similarity: float


class ArticleDetail(BaseModel):
    id: str
    outlet: str | None
    via: str | None
    url: str | None
    title: str
    title_derived: bool
    description: str | None
    authors: list[str]
    published: str | None
    published_precision: str | None
    language: str | None
    categories: list[str]
    image: str | None
    credits: list[str]
    featured: bool | None
    paragraphs: list[Paragraph] = Field(description="Index i is paragraph p-{id}-{i} on pages.")
    format: str
    origin: str
    content_hash: str
    extra: dict[str, Any]
    notes: list[str] = Field(description="What cleaning changed, and why.")
    revision: int
    sightings: list[Sighting]
    story: StoryRef | None
    copy_of: CopyOf | None
    copies: list[CopyRef]


class SearchHit(ArticleRef):
    score: float
    snippet: str = Field(description="The matched words between ** and **.")


class Outlet(BaseModel):
    name: str
    domain: str | None
    articles: int
    stories: int | None = None
    first_published: str | None
    last_published: str | None


class ProblemRecord(BaseModel):
    origin: str
    item: int | None
    reason: str
    detail: str
    run_id: int | None = None
    created_at: str | None = None


class Stored(ArticleRef):
    origin: str
    kind: str = Field(description="original, or copy (exact copy of a stored article).")
    story_id: str | None


class IngestResult(BaseModel):
    run: int
    added: int
    updated: int
    unchanged: int
    duplicates: int
    articles: list[Stored] = Field(description="What this input stored or matched.")
    problems: list[ProblemRecord]
    stories: int | None = Field(None, description="Stories in all, when cluster=true.")
    seconds: float


class ArticleIn(BaseModel):
    """One report as JSON. Other fields are kept (``extra``); the same names as JSON exports
    are understood (see docs/ingest.md)."""

    model_config = ConfigDict(extra="allow")

    text: str = Field(description="The report's text; paragraphs separated by blank lines.")
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = Field(None, description="ISO 8601 or another common date form.")
    authors: list[str] = []
    description: str | None = None
    via: str | None = None
    categories: list[str] = []
    language: str | None = None
    image: str | None = None


# What the enrich and compare stages found (docs/enrich.md, docs/compare.md).


class ComparisonPage(BaseModel):
    """A page of a story's comparison: facts × outlets (``storylens.models.Fact``), each cell
    pointing at its sentence."""

    outlets: list[str] = Field(description="In order of first report.")
    articles: list[models.ComparedReport] = Field(description="The reports compared.")
    facts: list[models.Fact] = Field(
        description="A page of the facts (see facts_limit, facts_offset). Statuses: agree, "
        "compatible, conflict, update (the same quantity reported differently at different "
        "times), only_one."
    )
    facts_total: int = Field(description="Facts in the whole comparison.")
    facts_limit: int
    facts_offset: int


class StoryDetailFull(StoryDetail):
    enriched: int = Field(description="How many of the compared reports are enriched.")
    compared: int = Field(description="How many reports the comparison read.")
    note: str | None = Field(description="Set when the comparison read only some reports.")
    summary: list[models.SummaryLine]
    timeline: list[models.TimelineDay]
    comparison: ComparisonPage


class SentenceOut(BaseModel):
    index: int
    paragraph: int
    start: int = Field(description="Offsets in the paragraph's text.")
    end: int
    text: str


class MentionOut(BaseModel):
    sentence: int
    start: int = Field(description="Offsets in the sentence's text.")
    end: int
    text: str
    label: str
    entity: str = Field(description="The canonical entity's key, e.g. PERSON:alexander lukashenko.")
    name: str


class ArticleDetailFull(ArticleDetail):
    enriched: bool
    sentences: list[SentenceOut]
    mentions: list[MentionOut]
    quotes: list[models.Quote]
    claims: list[models.Claim]


class EntitySummary(BaseModel):
    key: str
    name: str
    label: str
    country: str | None = Field(description="ISO code, places only.")
    lat: float | None
    lon: float | None
    articles: int = Field(description="Articles naming it.")
    mentions: int


class EntityStory(BaseModel):
    id: str
    title: str
    first_seen: str | None
    last_seen: str | None
    size: int
    articles: int = Field(description="Its reports naming the entity.")
    mentions: int


class EntityArticle(ArticleRef):
    mentions: int


class EntityDetail(BaseModel):
    key: str
    name: str
    label: str
    country: str | None
    lat: float | None
    lon: float | None
    aliases: list[str]
    stories: list[EntityStory] = Field(description="Oldest first: its stories over time.")
    articles: list[EntityArticle] = Field(description="The latest 200 articles naming it.")


class FactRow(BaseModel):
    article_id: str
    idx: int
    sentence: int
    text: str
    start: int
    end: int
    outlet: str | None
    title: str
    published: str | None
    sentence_text: str | None
    paragraph: int | None
    sentence_start: int | None = Field(description="The sentence's offsets in its paragraph.")
    sentence_end: int | None


class ClaimRow(FactRow):
    subject: str
    lo: float | None
    hi: float | None
    lo_open: bool
    hi_open: bool
    qualifier: str | None
    unit: str | None
    attribution: str | None


class QuoteRow(FactRow):
    speaker: str | None
    speaker_entity: str | None
    kind: str
    cue: str
