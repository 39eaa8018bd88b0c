"""Ingest: turn files, folders, globs and stdin into :class:`~storylens.models.RawItem` s.

Each format has its own reader module; :func:`detect.detect` chooses one from the content.
Readers raise :class:`~storylens.errors.InputError` for an input they cannot use, and yield
:class:`~storylens.models.Problem` for one bad item among good ones (a bad JSON line).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from storylens.errors import InputError
from storylens.ingest import csvfile, dateline, feeds, frontmatter, html, jsonl, text
from storylens.ingest.detect import SUFFIX_HINTS, detect
from storylens.ingest.sources import Source, check_size, decode, find_sources, read_bytes
from storylens.models import Problem, RawItem

Reader = Callable[[str, str], Iterator[RawItem | Problem]]

READERS: dict[str, Reader] = {
    "dateline": dateline.read,
    "frontmatter": frontmatter.read,
    "html": html.read,
    "feed": feeds.read,
    "jsonl": jsonl.read_lines,
    "json": jsonl.read_document,
    "csv": csvfile.read,
    "text": text.read,
}

STREAMING_FORMATS = {"jsonl", "csv"}  # exports that may legitimately be large

__all__ = ["READERS", "Source", "find_sources", "read_source"]


def read_source(source: Source, max_bytes: int | None) -> Iterator[RawItem | Problem]:
    """Read one source with the reader its content calls for.

    Never raises for bad input: an unreadable source yields a single :class:`Problem`.
    """
    try:
        limit = None if source.suffix in {".jsonl", ".ndjson", ".csv"} else max_bytes
        data = read_bytes(source, limit)
        if not data.strip():
            raise InputError("empty file")
        content, encoding_note = decode(data)
        fmt = detect(content, source.suffix)
        if fmt not in STREAMING_FORMATS:
            check_size(len(data), max_bytes)
        notes = [encoding_note] if encoding_note else []
        hinted = SUFFIX_HINTS.get(source.suffix)
        if (
            hinted
            and hinted not in {fmt, "text"}
            and not (hinted == "frontmatter" and fmt == "text")
        ):
            notes.append(
                f"read as {fmt}: the content is {fmt}, although the name ends {source.suffix}"
            )
        if fmt == "text" and source.suffix in {".md", ".markdown"}:
            items: Iterator[RawItem | Problem] = text.read(content, source.origin, markdown=True)
        elif fmt == "html" and source.url:
            items = html.read(content, source.origin, url=source.url)
        else:
            items = READERS[fmt](content, source.origin)
        for found in items:
            if isinstance(found, RawItem):
                if notes:
                    found.notes[:0] = notes
                if source.defaults or source.url:
                    _fill(found, source)
            yield found
    except InputError as exc:
        yield Problem(source.origin, exc.message, detail=exc.hint)
    except RecursionError:
        yield Problem(source.origin, "input is nested too deeply to read")


def _fill(item: RawItem, source: Source) -> None:
    """What a fetch knew about a source, where the reader found nothing (see Source)."""
    if source.url and not item.url:
        item.url = source.url
    for key, value in (source.defaults or {}).items():
        if key == "format":
            item.format = str(value)
        elif key == "notes":
            item.notes[:0] = [n for n in value if n not in item.notes]
        elif value not in (None, "", []) and getattr(item, key, None) in (None, "", []):
            setattr(item, key, value)
