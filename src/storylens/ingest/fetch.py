"""URLs as inputs: fetch a page or a feed and hand what came back to the readers as sources.

The interface (``storylens ingest https://…`` and ``storylens watch`` both use it)::

    is_url(spec) -> bool
    with Fetcher(store, settings, ignore_robots=False) as fetcher:
        for found in fetcher.sources(url):   # Source | Problem, lazily
            ...
        fetcher.record                       # list[FetchRecord]: the requests made since the
                                             # last save (robots.txt included)
        fetcher.save(conn, run_id)           # write them and the validators inside the
                                             # caller's transaction; the list is emptied

- A **page** (``text/html``) becomes one :class:`Source` holding its bytes (as UTF-8, the charset
  of the header or the page's ``<meta>`` honoured), ``url`` set to where it was fetched from
  after redirects (the article's identity) and ``origin`` the URL asked for.
- A **feed** (RSS, Atom or JSON Feed, recognised by content) becomes one source per item not
  stored yet (an item is known by its link: a sighting with that origin), each the item as a
  JSON record (link, title, date, authors, text, outlet = the feed's title). An item that carries
  only a summary (no content, and a summary under ``fetch.full_text_words`` words; a longer one
  is the text) or a teaser (content under a third of that) has its link fetched, and the page is
  the source, the feed's fields filling what the page lacks; when that fetch fails the summary
  is stored, with a note saying why.
- An **unchanged** URL costs one conditional GET (``If-None-Match`` / ``If-Modified-Since``
  from the validators remembered in the store) and yields nothing after a 304.
- Any failure (HTTP 4xx/5xx after retries, a robots.txt refusal, a timeout, a TLS or DNS error,
  a body over ``fetch.max_mb``, content that is neither a page nor a feed) is one
  :class:`Problem` naming the URL, as for a bad file.

Call :meth:`Fetcher.save` after the sources' articles are stored, in the same transaction: until
then the store does not remember the validators, so an interrupted run fetches again rather
than losing items behind a 304.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

from storylens.config import Settings
from storylens.errors import InputError
from storylens.ingest import feeds
from storylens.ingest.client import Client, FetchError, FetchOptions, Response, Robots
from storylens.ingest.fields import ALIASES
from storylens.ingest.sources import Source, decode
from storylens.models import Problem, RawItem
from storylens.store import Store
from storylens.store.fetches import (
    FetchRecord,
    last_kind,
    robots_rules,
    save_fetches,
    seen_origin,
    validators,
)

__all__ = ["Fetcher", "is_url"]

_URL = re.compile(r"^https?://[^\s/?#]+", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([\w.:-]+)", re.IGNORECASE)
_FEED_MARKUP = re.compile(r"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTML_MARKUP = re.compile(r"<(?:!doctype html|html|head|body|article)[\s>]", re.IGNORECASE)
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
     "text/xml", "application/feed+json", "application/json"}
)  # fmt: skip
SNIFFED_TYPES = frozenset({"", "text/plain", "application/octet-stream"})
# WHATWG: the labels a page declares that browsers read as Windows-1252
_AS_CP1252 = frozenset({"iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii", "l1", "cp819"})
_ALIAS_NAMES = frozenset(name for names in ALIASES.values() for name in names)


def is_url(spec: str) -> bool:
    """Whether an input named on the command line is a web address (http:// or https://)."""
    return bool(_URL.match(spec.strip()))


class Fetcher:
    """Fetches URLs for one ingest run (or one ``watch``); see the module docstring."""

    def __init__(self, store: Store, settings: Settings, *, ignore_robots: bool = False) -> None:
        self.store = store
        self.options = FetchOptions.from_settings(settings)
        self.full_text_words = int(settings.get("fetch.full_text_words"))
        self.record: list[FetchRecord] = []  # shared with Robots: emptied in place
        self.client = Client(self.options)
        if not ignore_robots:  # asked at every hop of every request but robots.txt's own
            robots = Robots(self.client, self.record, remembered=self._robots_rules)
            self.client.allowed = robots.check

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client (its connections)."""
        self.client.close()

    def save(self, conn: sqlite3.Connection, run_id: int | None, *, remember: bool = True) -> None:
        """Write :attr:`record` for ``run_id`` and empty it; with ``remember`` (the sources'
        articles are stored), keep the validators for the next conditional GET. A long
        ``watch`` calls it after every poll, so the list stays short."""
        save_fetches(conn, run_id, self.record, remember=remember)
        del self.record[:]

    def sources(self, url: str) -> Iterator[Source | Problem]:
        """What ``url`` holds: one page source, one source per new feed item, or a problem."""
        url = url.strip()
        record = FetchRecord(url=url)
        got = self._get(url, record)
        if isinstance(got, Problem):
            yield got
            return
        if got is None:  # 304: unchanged since the last poll
            record.kind = last_kind(self.store.conn, url) or record.kind
            record.detail = "not modified since the last fetch"
            return
        try:
            _check_type(got)
            text, note = _decode(got)
            kind = _kind(got, text)
        except InputError as exc:
            record.outcome, record.detail = "failed", exc.message
            yield Problem(url, exc.message, detail=exc.hint)
            return
        notes = [note] if note else []
        if kind == "page":
            yield Source(
                origin=url,
                data=text.encode("utf-8"),
                url=got.url,
                defaults={"notes": notes} if notes else None,
            )
            return
        record.kind = "feed"
        yield from self._feed_items(url, got, text, record)

    def _get(
        self, url: str, record: FetchRecord, *, conditional: bool = True
    ) -> Response | Problem | None:
        self.record.append(record)
        try:
            return self.client.get(url, record, self._cached if conditional else None)
        except FetchError as exc:
            record.outcome, record.detail = exc.outcome, exc.message
            return Problem(url, exc.message, detail=exc.hint)

    def _cached(self, url: str) -> tuple[str | None, str | None]:
        return validators(self.store.conn, url)

    def _robots_rules(self, url: str, max_age: float) -> str | None:
        return robots_rules(self.store.conn, url, max_age)

    def _feed_items(
        self, url: str, got: Response, text: str, record: FetchRecord
    ) -> Iterator[Source | Problem]:
        try:
            items = list(_read_feed(text, url))
        except InputError as exc:
            record.outcome, record.detail = "failed", exc.message
            yield Problem(url, exc.message, detail=exc.hint)
            return
        new = skipped = 0
        for found in items:
            if isinstance(found, Problem):
                yield found
                continue
            index = found.item or 0
            if found.url:  # a relative link is relative to where the feed was found
                found.url = urljoin(got.url, found.url)
            origin = found.url or f"{url}#{found.extra.get('guid') or index}"
            if seen_origin(self.store.conn, origin):
                skipped += 1
                continue
            new += 1
            yield self._item_source(found, origin, index, url)
        record.detail = f"{len(items)} items: {new} new, {skipped} already stored"

    def _item_source(self, item: RawItem, origin: str, index: int, feed_url: str) -> Source:
        words = sum(len(p.text.split()) for p in item.paragraphs)
        summary_only = any(n.startswith("feed item has only a summary") for n in item.notes)
        # a summary under the limit, or content so short it is a teaser ("Continue reading")
        teaser = words < self.full_text_words // 3
        if item.url and ((summary_only and words < self.full_text_words) or teaser):
            page = self._full_text(item, origin, index, feed_url)
            if isinstance(page, Source):
                return page
            item.notes.append(f"full text not fetched from {item.url} ({page}): summary stored")
        return _record_source(item, origin)

    def _full_text(self, item: RawItem, origin: str, index: int, feed_url: str) -> Source | str:
        """The item's page as a source, the feed's fields as defaults; else why not."""
        assert item.url is not None
        record = FetchRecord(url=item.url, kind="item")
        # unconditional: an item not stored yet needs the body, whatever was fetched before
        got = self._get(item.url, record, conditional=False)
        if isinstance(got, Problem):
            return got.reason
        if got is None:
            return "not modified since the last fetch"
        try:
            _check_type(got)
            text, note = _decode(got)
            if _kind(got, text) != "page":
                raise InputError(f"the link is not a page ({got.media_type or 'no type'})")
        except InputError as exc:
            record.outcome, record.detail = "failed", exc.message
            return exc.message
        fields = _fields(item)
        fields.pop("url", None)
        fields["notes"] = [
            *(n for n in item.notes if not n.startswith("feed item has only a summary")),
            *([note] if note else []),
            f"full text fetched from the link of item {index} of {feed_url}",
        ]
        return Source(origin=origin, data=text.encode("utf-8"), url=got.url, defaults=fields)


def _read_feed(text: str, url: str) -> Iterator[RawItem | Problem]:
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise InputError(f"not valid JSON: {exc}") from None
        if not feeds.is_json_feed(data):
            raise InputError("JSON, but not a JSON Feed (no version and items)")
        return feeds.read_json_feed(data, url)
    return feeds.read(text, url)


def _fields(item: RawItem) -> dict[str, Any]:
    """A feed item's metadata, by the field names readers know."""
    published = item.published
    return {
        "title": item.title,
        "url": item.url,
        "published": published.isoformat() if isinstance(published, datetime) else published,
        "authors": item.authors,
        "description": item.description,
        "outlet": item.outlet,
        "image": item.image,
        "categories": item.categories,
        "language": item.language,
    }


def _record_source(item: RawItem, origin: str) -> Source:
    """A feed item as a JSON record the JSON reader reads (format and notes kept)."""
    record = {k: v for k, v in _fields(item).items() if v not in (None, [], "")}
    record["text"] = [p.text for p in item.paragraphs]
    for key, value in item.extra.items():
        if key.lower() not in _ALIAS_NAMES and key not in record:
            record[key] = value
    # indented: one object over several lines reads as one JSON document, not JSON Lines
    data = json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8")
    return Source(
        origin=origin,
        data=data,
        url=item.url,
        defaults={"format": item.format, "notes": list(item.notes)},
    )


def _decode(got: Response) -> tuple[str, str | None]:
    """The body as text: valid UTF-8 is UTF-8 whatever the header claims (a page labelled
    ISO-8859-1 that is really UTF-8 is common); otherwise the header's charset, then the
    page's own ``<meta charset>`` / XML declaration, then detection."""
    body = got.body
    if not body.strip():
        raise InputError("the server sent an empty body")
    declared = [(got.charset, "the Content-Type header")]
    head = body[:4096]
    if m := _XML_ENCODING.match(head) or _META_CHARSET.search(head):
        declared.append((m.group(1).decode("ascii").lower(), "the document"))
    if body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode(body)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        claimed = next((c for c, _ in declared if c), None)
        if claimed and claimed.replace("_", "-") not in {"utf-8", "utf8"} and not body.isascii():
            return text, f"read as UTF-8: the bytes are UTF-8, although labelled {claimed}"
        return text, None
    for charset, where in declared:
        if not charset:
            continue
        codec = "cp1252" if charset in _AS_CP1252 else charset
        try:
            return body.decode(codec), f"decoded as {codec} (declared by {where})"
        except (LookupError, UnicodeDecodeError):
            continue
    return decode(body)


def _check_type(got: Response) -> None:
    """Refuse what is neither text nor markup (an image, a PDF) before reading it."""
    media = got.media_type
    if media in HTML_TYPES | FEED_TYPES | SNIFFED_TYPES or media.endswith(("+xml", "+json")):
        return
    host = urlsplit(got.url).netloc
    raise InputError(
        f"not a page or a feed: {host} sent {media}, which storylens does not read",
        hint="storylens fetches HTML pages and RSS, Atom or JSON feeds.",
    )


def _kind(got: Response, text: str) -> str:
    """'page' or 'feed', from the content type and the content; else an InputError."""
    media = got.media_type
    head = text[:4096]
    stripped = head.lstrip()
    if stripped.startswith("<"):
        if _FEED_MARKUP.search(head):
            return "feed"
        if _HTML_MARKUP.search(head) or media in HTML_TYPES:
            return "page"
        if stripped.startswith("<?xml"):
            return "feed"  # the feed reader says what is wrong with it
    if stripped.startswith("{") and media not in HTML_TYPES:
        return "feed"
    host = urlsplit(got.url).netloc
    raise InputError(
        f"not a page or a feed: {host} sent {media or 'no content type'}, neither HTML nor a feed",
        hint="storylens fetches HTML pages and RSS, Atom or JSON feeds.",
    )
