"""Clean: normalise a :class:`RawItem` into an :class:`Article`, noting every change."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from storylens.clean.credits import clean_authors, take_byline, take_credits
from storylens.clean.dates import parse_published
from storylens.clean.outlets import resolve_outlet
from storylens.clean.paragraphs import mark_captions, mark_headings, remove_repeats
from storylens.errors import InputError
from storylens.models import Article, Paragraph, RawItem, short_hash
from storylens.text import display, norm, sentences

__all__ = ["CleanOptions", "canonical_url", "clean_item"]

_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|ocid|cmpid|ito|CMP|ns_\w+|at_\w+)$", re.I)
_STOPWORDS = frozenset(
    (
        "the of and to in a is that for on was with he it as at by his be from are have has"
        " said an they not were their been will who which its but after this had would"
    ).split()
)


@dataclass(slots=True)
class CleanOptions:
    """Everything the clean stage needs, built once from the settings."""

    zone: ZoneInfo
    repeat_share: float = 0.5
    caption_max_words: int = 45
    title_max_chars: int = 90
    outlet: str | None = None
    via: str | None = None
    outlet_domains: dict[str, str] = field(default_factory=dict)


def canonical_url(url: str | None) -> str | None:
    """Lower-case scheme and host, no fragment, no tracking parameters, no trailing slash."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https", parts.netloc.lower().removeprefix("www."), path, query, ""))


def derive_title(paragraphs: list[Paragraph], max_chars: int) -> str:
    """A short title from the lead sentence, cut at a word boundary."""
    lead = next((p.text for p in paragraphs if p.kind == "body"), paragraphs[0].text)
    first = sentences(lead)[0] if sentences(lead) else lead
    first = first.strip(". …")
    if not any(ch.isalnum() for ch in first):
        first = lead.strip(". …") or "Untitled report"
    if len(first) <= max_chars:
        return first
    cut = first[:max_chars].rsplit(" ", 1)[0].rstrip(",;:—- ")
    return cut + "…"


def guess_language(text: str) -> str | None:
    tokens = text.lower().split()[:400]
    if len(tokens) < 20:
        return None
    share = sum(t in _STOPWORDS for t in tokens) / len(tokens)
    return "en" if share >= 0.12 else None


def clean_item(raw: RawItem, options: CleanOptions) -> Article:
    """Turn what a reader found into an Article. Raises InputError when nothing usable is left."""
    notes = list(raw.notes)
    paragraphs = [Paragraph(display(p.text), p.kind) for p in raw.paragraphs]
    paragraphs = [p for p in paragraphs if p.text]

    numbers = list(range(1, len(paragraphs) + 1))  # notes number paragraphs as in the input
    paragraphs, credits, credit_notes = take_credits(paragraphs, numbers)
    notes += credit_notes
    paragraphs, byline, byline_notes = take_byline(paragraphs, numbers)
    notes += byline_notes
    paragraphs, repeat_notes = remove_repeats(paragraphs, options.repeat_share, numbers)
    notes += repeat_notes
    paragraphs, caption_notes = mark_captions(paragraphs, options.caption_max_words, numbers)
    notes += caption_notes
    paragraphs = mark_headings(paragraphs)
    paragraphs = [Paragraph(p.text, "body") if p.kind == "item" else p for p in paragraphs]
    if not any(p.kind == "body" for p in paragraphs) and any(
        p.kind == "caption" for p in paragraphs
    ):
        # A short breaking report ("… has announced" with no full stop) looks like captions.
        paragraphs = [Paragraph(p.text, "body") if p.kind == "caption" else p for p in paragraphs]
        notes.append("only caption-like paragraphs: kept them as the report text")
    body_paragraphs = [p for p in paragraphs if p.kind != "caption"]
    if not any(p.kind == "body" for p in body_paragraphs):
        raise InputError("no report text left after removing captions and credit lines")

    title = display(raw.title) if raw.title else ""
    title_derived = not title
    if title_derived:
        title = derive_title(body_paragraphs, options.title_max_chars)
        notes.append("title derived from the lead sentence")

    published, precision, date_note = parse_published(
        raw.published, raw.published_format, options.zone
    )
    if date_note:
        notes.append(date_note)
    if published is None:
        notes.append("no publication date")

    url = canonical_url(raw.url)
    site = None  # a home page names the site (for the outlet), never the article
    if raw.url and url is None:
        notes.append(f"not an http(s) URL, ignored: {raw.url[:80]!r}")
    elif url and urlsplit(url).path == "/" and not urlsplit(url).query:
        site, url = url, None
        notes.append(f"URL {site!r} is the site's home page: not the article's identity")
    outlet, domain, how = resolve_outlet(
        display(raw.outlet) if raw.outlet else None,
        url or site,
        raw.image,
        options.outlet,
        options.outlet_domains,
    )
    if how:
        notes.append(f"outlet {outlet!r} from the {how}")
    via = raw.via or options.via
    if via and outlet and via.casefold() == outlet.casefold():
        via = None

    extra: dict[str, Any] = dict(raw.extra)
    featured = extra.pop("featured", None)
    if domain:
        extra["_domain"] = domain
    body_key = norm("\n".join(p.text for p in body_paragraphs))
    content_hash = short_hash(body_key, 32)
    identity = f"url:{url}" if url else f"text:{norm(title)}\n{content_hash}"
    authors, agencies, author_notes = clean_authors([display(a) for a in raw.authors + byline])
    notes += author_notes
    credits += [a for a in agencies if a not in credits]
    categories = list(dict.fromkeys(display(c) for c in raw.categories if display(c)))
    return Article(
        id=short_hash(identity),
        outlet=outlet,
        via=via,
        url=url,
        title=title,
        title_derived=title_derived,
        paragraphs=paragraphs,
        published=published,
        published_precision=precision,
        format=raw.format,
        origin=raw.where,
        content_hash=content_hash,
        description=display(raw.description) if raw.description else None,
        authors=authors,
        language=raw.language or guess_language(body_key),
        categories=categories,
        image=raw.image,
        credits=credits,
        featured=featured if isinstance(featured, bool) else None,
        extra=extra,
        notes=notes,
    )
