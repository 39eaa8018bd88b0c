"""Which reader handles an input: decided by the content, with the file suffix as a hint.

Markup is decided by the first marker near the top, comments left out: an HTML doctype or
``<html>`` before any feed root is a page, whatever it embeds or comments out further down
(an old trackback ``<rdf:RDF>`` block). JSON Lines is decided on whole lines, however long the
first record is.
"""

from __future__ import annotations

import json
import re

LIST_KEYS = ("articles", "items", "data", "results", "documents", "posts")
FORMATS = ("dateline", "frontmatter", "html", "feed", "jsonl", "json", "csv", "text")

HEAD_CHARS = 4096  # what the markup and CSV rules look at
LEADING_JUNK = 16  # stray characters tolerated before a doctype or <html> (a "?", a BOM)

_DATELINE = re.compile(r"\A\s*date[ \t]+\S", re.IGNORECASE)
_FRONTMATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_FEED = re.compile(r"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_PAGE = re.compile(r"<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE)
_CSV_HEADER = re.compile(r"\A[\w \"']+(?:,[\w \"']+){2,}\r?\n")

SUFFIX_HINTS = {
    ".txt": "text",
    ".md": "frontmatter",
    ".markdown": "frontmatter",
    ".html": "html",
    ".htm": "html",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
}


def strip_boms(text: str) -> str:
    """``text`` without the byte-order marks some tools write at its start (once or more)."""
    return text.lstrip("\ufeff") if text.startswith("\ufeff") else text


def detect(text: str, suffix: str = "") -> str:
    """Name the format of ``text``. Content wins over the suffix; the suffix breaks ties."""
    text = strip_boms(text)
    head = text[:HEAD_CHARS]
    stripped = head.lstrip()
    if _FRONTMATTER.match(head):
        return "frontmatter"
    if _DATELINE.match(head):
        return "dateline"
    markup = _markup(stripped)
    if markup:
        return markup
    if stripped.startswith("{"):
        start = len(text) - len(text.lstrip())
        end = text.find("\n", start)
        first = (text[start:] if end < 0 else text[start:end]).rstrip()
        one_line = end < 0 or not text[end:].strip()
        if one_line and (suffix == ".json" or _holds_a_list(first)):
            return "json"  # one object on one line: a document (maybe a list of reports)
        if first.endswith("}") or suffix in {".jsonl", ".ndjson"}:
            return "jsonl"  # one object per line, decided on the whole first line
        return "json"  # one object spread over lines
    if stripped.startswith("["):
        return "json"
    hint = SUFFIX_HINTS.get(suffix)
    if hint == "csv" or (hint is None and _CSV_HEADER.match(head)):
        return "csv"
    return "text"


def _holds_a_list(line: str) -> bool:
    """Whether a one-line JSON object is a document holding a list of reports (NewsAPI's
    ``{"status": …, "articles": [...]}``) rather than one record."""
    if '": [' not in line and '":[' not in line:
        return False
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and any(isinstance(value.get(k), list) for k in LIST_KEYS)


def _markup(stripped: str) -> str | None:
    """``html`` or ``feed`` for markup, None for anything else."""
    page = _PAGE.search(stripped[: LEADING_JUNK + 16])
    if page and not stripped[: page.start()].strip("?\ufeff\ufffd\x00 \t\r\n"):
        return "html"  # a doctype or <html> behind a stray "?" or a second BOM
    if not stripped.startswith("<"):
        return None
    visible = _COMMENT.sub("", stripped)
    page, feed = _PAGE.search(visible), _FEED.search(visible)
    if page and (feed is None or page.start() < feed.start()):
        return "html"  # the doctype or <html> comes first: a page, whatever it embeds
    # a feed root first (or alone); markup with no feed root is a page (or a fragment of
    # one), even behind an <?xml …?> line: the feed reader could find no items in it
    return "feed" if feed else "html"
