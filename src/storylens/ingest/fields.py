"""The explicit mapping from field names seen in exports and front matter to article fields.

Names are matched case-insensitively, first alias wins. Fields not listed here are kept in
``extra``. docs/ingest.md shows this table; a test keeps the two in step.
"""

from __future__ import annotations

from typing import Any

from storylens.errors import InputError
from storylens.ingest.markup import html_to_paragraphs, strip_tags
from storylens.ingest.text import split_paragraphs
from storylens.models import Paragraph, RawItem

ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name"),
    "text": ("text", "body", "maintext", "content", "article", "articlebody", "full_text"),
    "published": (
        "published", "date", "date_publish", "datepublished", "published_at", "publish_date",
        "pubdate", "publishdate", "created_at", "timestamp",
    ),
    "url": ("url", "link", "canonical_url", "permalink", "source_url"),
    "outlet": ("outlet", "source", "publisher", "site_name", "sitename", "source_name", "domain"),
    "via": ("via", "republished_by", "aggregator"),
    "authors": ("authors", "author", "byline", "creator"),
    "description": ("description", "summary", "abstract", "excerpt", "standfirst", "dek"),
    "image": ("image", "image_url", "top_image", "featured_image", "cover"),
    "categories": ("categories", "category"),
    "language": ("language", "lang", "language_code"),
}  # fmt: skip


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):  # NewsAPI: "source": {"id": …, "name": …}
        value = value.get("name") or value.get("title") or value.get("url")
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v is not None)
    text = str(value).strip()
    return text or None


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        parts = value.replace("|", ";").split(";") if ";" in value or "|" in value else [value]
        if len(parts) == 1 and "," in value and len(value) < 200:
            parts = value.split(",")
        return [p.strip() for p in parts if p.strip()]
    if isinstance(value, dict):
        name = _as_text(value)
        return [name] if name else []
    if isinstance(value, list):
        out: list[str] = []
        for v in value:
            out.extend(_as_list(v))
        return out
    return [str(value)]


def _text_paragraphs(raw_text: Any) -> list[Paragraph]:
    if isinstance(raw_text, list):
        raw_text = "\n\n".join(str(t) for t in raw_text)
    if not raw_text or not str(raw_text).strip():
        names = ", ".join(ALIASES["text"])
        raise InputError(f"no report text (looked for a field named one of: {names})")
    raw_text = str(raw_text)
    looks_html = "</p>" in raw_text or "<br" in raw_text
    return html_to_paragraphs(raw_text) if looks_html else split_paragraphs(raw_text)


def pick(record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a record into known fields (by :data:`ALIASES`) and the rest."""
    lowered = {str(k).lower(): k for k in record}
    known: dict[str, Any] = {}
    used: set[str] = set()
    for field, names in ALIASES.items():
        for name in names:
            key = lowered.get(name)
            if key is not None and record[key] not in (None, "", []):
                known[field] = record[key]
                used.add(key)
                break
    extra = {k: v for k, v in record.items() if k not in used}
    return known, extra


def record_to_item(
    record: dict[str, Any],
    origin: str,
    fmt: str,
    item: int | None,
    paragraphs: list[Paragraph] | None = None,
) -> RawItem:
    """Build a :class:`RawItem` from a record (a JSON object, a CSV row, front matter).

    ``paragraphs`` is given when the text comes from elsewhere (the body under front matter);
    otherwise it is read from the record's text field.
    """
    known, extra = pick(record)
    if paragraphs is None:
        paragraphs = _text_paragraphs(known.get("text"))
    elif "text" in known:  # e.g. a 'content:' key in front matter: not the body, keep it
        extra["text"] = known.pop("text")
    title = _as_text(known.get("title"))
    published = known.get("published")
    return RawItem(
        origin=origin,
        item=item,
        format=fmt,
        paragraphs=paragraphs,
        title=strip_tags(title) if title else None,
        url=_as_text(known.get("url")),
        published=published if published is None else str(published),
        authors=_as_list(known.get("authors")),
        description=_as_text(known.get("description")),
        outlet=_as_text(known.get("outlet")),
        via=_as_text(known.get("via")),
        image=_as_text(known.get("image")),
        categories=_as_list(known.get("categories")),
        language=_as_text(known.get("language")),
        extra=extra,
    )
