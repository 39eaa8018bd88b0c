"""Which reader handles an input: decided by the content, with the file suffix as a hint."""

from __future__ import annotations

import re

FORMATS = ("dateline", "frontmatter", "html", "feed", "jsonl", "json", "csv", "text")

_DATELINE = re.compile(r"\A\s*date[ \t]+\S", re.IGNORECASE)
_FRONTMATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n")
_FEED = re.compile(r"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTML = re.compile(r"<(?:!doctype html|html|head|body|article)[\s>]", re.IGNORECASE)
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


def detect(text: str, suffix: str = "") -> str:
    """Name the format of ``text``. Content wins over the suffix; the suffix breaks ties."""
    head = text[:4096]
    stripped = head.lstrip()
    if _FRONTMATTER.match(head):
        return "frontmatter"
    if _DATELINE.match(head):
        return "dateline"
    if stripped.startswith("<"):
        # A page that is really a feed, or a feed served as .html: the markup decides.
        if _FEED.search(head):
            return "feed"
        if _HTML.search(head):
            return "html"
        return "feed" if stripped.startswith("<?xml") else "html"
    if stripped.startswith("{"):
        first = stripped.split("\n", 1)[0].rstrip()
        # one object per line, or one object spread over lines
        one_document = suffix == ".json" and not stripped.rstrip().count("\n")
        if (first.endswith("}") and not one_document) or suffix in {".jsonl", ".ndjson"}:
            return "jsonl"
        return "json"
    if stripped.startswith("["):
        return "json"
    hint = SUFFIX_HINTS.get(suffix)
    if hint == "csv" or (hint is None and _CSV_HEADER.match(head)):
        return "csv"
    return "text"
