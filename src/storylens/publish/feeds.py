"""Atom feeds (RFC 4287), written with ElementTree so every text is escaped.

Links may be relative (a static site that works from any folder or host): readers resolve them
against the feed's own address. Ids are ``urn:storylens:…`` so they never depend on the host.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime

from storylens.publish.bidi import neutralise

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0


@dataclass(slots=True)
class Entry:
    id: str
    title: str
    link: str
    updated: str | None  # ISO 8601
    summary: str = ""
    author: str | None = None
    categories: list[str] = field(default_factory=list)


def _stamp(iso: str | None) -> str:
    if not iso:
        return "1970-01-01T00:00:00Z"
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def atom_feed(
    *, feed_id: str, title: str, self_link: str, alternate: str, entries: list[Entry]
) -> bytes:
    """An Atom document; ``updated`` is the newest entry's (stable across rebuilds)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        clean = {k: _NOT_XML.sub("", v) for k, v in attrs.items()}
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", clean)
        if text is not None:  # shown by feed readers: bidi controls as visible marks
            el.text = neutralise(_NOT_XML.sub("", text))
        return el

    sub(feed, "id", feed_id)
    sub(feed, "title", title)
    newest = max((_stamp(e.updated) for e in entries), default=_stamp(None))
    sub(feed, "updated", newest)
    sub(feed, "link", rel="self", href=self_link, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=alternate, type="text/html")
    author = sub(feed, "author")
    sub(author, "name", "storylens")
    sub(feed, "generator", "storylens")
    for e in entries:
        entry = sub(feed, "entry")
        sub(entry, "id", e.id)
        sub(entry, "title", e.title)
        sub(entry, "updated", _stamp(e.updated))
        sub(entry, "link", rel="alternate", href=e.link, type="text/html")
        if e.author:
            sub(sub(entry, "author"), "name", e.author)
        for c in e.categories:
            sub(entry, "category", term=c)
        if e.summary:
            sub(entry, "summary", e.summary, type="text")
    body = ET.tostring(feed, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")
