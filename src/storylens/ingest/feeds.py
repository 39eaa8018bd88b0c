"""RSS, Atom and JSON Feed: one report per item, full content when present."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

from storylens.errors import InputError
from storylens.ingest.markup import html_to_paragraphs, strip_tags
from storylens.models import Problem, RawItem

_CHARREF = re.compile(r"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")


def _no_surrogate_refs(text: str) -> str:
    """Character references to surrogates (``&#xD800;``) as U+FFFD: feedparser turns them into
    characters and then fails to encode them (UnicodeEncodeError out of ``parse``)."""

    def fix(match: re.Match[str]) -> str:
        ref = match.group(1)
        code = int(ref[1:], 16) if ref[0] in "xX" else int(ref)
        return "&#xFFFD;" if 0xD800 <= code <= 0xDFFF else match.group(0)

    return _CHARREF.sub(fix, text) if "&#" in text else text


def read(text: str, origin: str) -> Iterator[RawItem | Problem]:
    import feedparser  # imported only when a feed is read

    try:
        parsed: Any = feedparser.parse(_no_surrogate_refs(text))
    except Exception as exc:  # feedparser's own failures on odd markup
        raise InputError(f"feed cannot be parsed: {type(exc).__name__}: {exc}"[:300]) from None
    version = parsed.get("version") or ""
    if not parsed.entries:
        if parsed.bozo and not version:
            reason = getattr(parsed.get("bozo_exception"), "getMessage", lambda: "")() or str(
                parsed.get("bozo_exception", "")
            )
            raise InputError(f"not a valid RSS or Atom feed: {reason or 'unrecognised markup'}")
        raise InputError("feed has no items")
    feed = parsed.feed
    outlet = strip_tags(feed.get("title", "")) or None
    fmt = "atom" if version.startswith("atom") else "rss"
    for index, entry in enumerate(parsed.entries):
        try:
            yield _item(entry, origin, index, fmt, outlet, feed.get("language"))
        except InputError as exc:
            yield Problem(origin, exc.message, index)


def _item(
    entry: Any, origin: str, index: int, fmt: str, outlet: str | None, language: str | None
) -> RawItem:
    content = ""
    for block in entry.get("content", []) or []:
        if len(block.get("value", "")) > len(content):
            content = block["value"]
    summary = entry.get("summary", "") or ""
    paragraphs = html_to_paragraphs(content or summary)
    if not paragraphs:
        raise InputError("feed item has no text (no content and no summary)")
    notes = [] if content else ["feed item has only a summary, not the full text"]
    authors = [a.get("name", "").strip() for a in entry.get("authors", []) if a.get("name")]
    if not authors and entry.get("author"):
        authors = [strip_tags(entry["author"])]
    image = None
    for media in list(entry.get("media_content", [])) + list(entry.get("enclosures", [])):
        if str(media.get("type", "image")).startswith("image") and media.get(
            "url", media.get("href")
        ):
            image = media.get("url") or media.get("href")
            break
    known = {
        "title", "link", "links", "id", "guidislink", "published", "published_parsed", "updated",
        "updated_parsed", "authors", "author", "author_detail", "summary", "summary_detail",
        "content", "tags", "title_detail", "media_content", "enclosures",
    }  # fmt: skip
    extra = {k: v for k, v in entry.items() if k not in known and isinstance(v, str | int | float)}
    if entry.get("id"):
        extra["guid"] = entry["id"]
    return RawItem(
        origin=origin,
        item=index,
        format=fmt,
        paragraphs=paragraphs,
        title=strip_tags(entry.get("title", "")) or None,
        url=entry.get("link") or None,
        published=entry.get("published") or entry.get("updated") or None,
        authors=authors,
        description=strip_tags(summary) if content and summary else None,
        outlet=outlet,
        image=image,
        categories=[t.get("term") for t in entry.get("tags", []) if t.get("term")],
        language=language,
        extra=extra,
        notes=notes,
    )


def is_json_feed(data: Any) -> bool:
    """Whether a parsed JSON document is a JSON Feed (https://jsonfeed.org/version/1.1)."""
    return (
        isinstance(data, dict)
        and str(data.get("version", "")).startswith("https://jsonfeed.org/version/")
        and isinstance(data.get("items"), list)
    )


def read_json_feed(data: dict[str, Any], origin: str) -> Iterator[RawItem | Problem]:
    """A parsed JSON Feed: one report per item, ``content_html`` / ``content_text`` when
    present, else the summary (noted, as for RSS)."""
    if not data["items"]:
        raise InputError("feed has no items")
    outlet = strip_tags(str(data.get("title") or "")) or None
    feed_authors = _json_authors(data)
    for index, entry in enumerate(data["items"]):
        if not isinstance(entry, dict):
            yield Problem(origin, f"feed item is a JSON {type(entry).__name__}", index)
            continue
        content = str(entry.get("content_html") or "")
        paragraphs = html_to_paragraphs(content) if content else []
        if not paragraphs and entry.get("content_text"):
            blocks = str(entry["content_text"]).split("\n\n")
            paragraphs = html_to_paragraphs("".join(f"<p>{html.escape(b)}</p>" for b in blocks))
        summary = str(entry.get("summary") or "")
        has_content = bool(paragraphs)
        if not paragraphs and summary:
            paragraphs = html_to_paragraphs(f"<p>{html.escape(summary)}</p>")
        if not paragraphs:
            yield Problem(origin, "feed item has no text (no content and no summary)", index)
            continue
        tags = entry.get("tags")
        yield RawItem(
            origin=origin,
            item=index,
            format="jsonfeed",
            paragraphs=paragraphs,
            title=strip_tags(str(entry.get("title") or "")) or None,
            url=entry.get("url") or entry.get("external_url") or None,
            published=entry.get("date_published") or entry.get("date_modified") or None,
            authors=_json_authors(entry) or feed_authors,
            description=(summary or None) if has_content else None,
            outlet=outlet,
            image=entry.get("image") or entry.get("banner_image") or None,
            categories=[str(t) for t in tags] if isinstance(tags, list) else [],
            language=entry.get("language") or data.get("language") or None,
            extra={"guid": str(entry["id"])} if entry.get("id") is not None else {},
            notes=[] if has_content else ["feed item has only a summary, not the full text"],
        )


def _json_authors(obj: dict[str, Any]) -> list[str]:
    found = obj.get("authors") or ([obj["author"]] if obj.get("author") else [])
    names = [a.get("name") for a in found if isinstance(a, dict)] if isinstance(found, list) else []
    return [str(n).strip() for n in names if n and str(n).strip()]
