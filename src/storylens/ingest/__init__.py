"""Ingest: turn files, folders, globs and stdin into :class:`~storylens.models.RawItem` s.

Each format has its own reader module; :func:`detect.detect` chooses one from the content.
Readers raise :class:`~storylens.errors.InputError` for an input they cannot use, and yield
:class:`~storylens.models.Problem` for one bad item among good ones (a bad JSON line).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from storylens.errors import InputError
from storylens.ingest import caps, csvfile, dateline, feeds, frontmatter, html, jsonl, text
from storylens.ingest.detect import SUFFIX_HINTS, detect, strip_boms
from storylens.ingest.sources import (
    GZIP_EXPORT_FACTOR,
    GZIP_MAGIC,
    STREAMING_SUFFIXES,
    Source,
    check_size,
    decode,
    find_sources,
    gunzip,
    read_bytes,
)
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


def read_source(
    source: Source, max_bytes: int | None, max_field_chars: int = caps.MAX_FIELD_CHARS
) -> Iterator[RawItem | Problem]:
    """Read one source with the reader its content calls for.

    Never raises for bad input: an unreadable source yields a single :class:`Problem`, and a
    report over one of the :mod:`caps` is a :class:`Problem` of its own.
    """
    try:
        export = source.suffix in STREAMING_SUFFIXES
        data = read_bytes(source, None if export else max_bytes)
        notes = []
        if data[:2] == GZIP_MAGIC:
            expands = max_bytes * GZIP_EXPORT_FACTOR if export and max_bytes else max_bytes
            data = gunzip(data, expands)
            notes.append("read from gzip-compressed data")
        if not data.strip():
            raise InputError("empty file")
        content, encoding_note = decode(data)
        content = strip_boms(content)  # a BOM written twice (the first one went with decode)
        fmt = detect(content, source.suffix)
        if fmt not in STREAMING_FORMATS:
            check_size(len(data), max_bytes)
        if encoding_note:
            notes.append(encoding_note)
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
                try:
                    caps.check_item(found, max_field_chars)
                except InputError as exc:
                    yield Problem(source.origin, exc.message, found.item, exc.hint)
                    continue
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
