"""Finding inputs (files, folders, globs, stdin) and reading their bytes as text."""

from __future__ import annotations

import glob
import os
import re
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from storylens.errors import InputError
from storylens.models import Problem

SKIP_NAMES = {".DS_Store", "Thumbs.db"}
SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", "node_modules"}
STREAMING_SUFFIXES = {".jsonl", ".ndjson", ".csv"}  # exports, exempt from ingest.max_file_mb
GZIP_MAGIC = b"\x1f\x8b"
GZIP_EXPORT_FACTOR = 20  # a gzipped export may expand to this many times ingest.max_file_mb


@dataclass(slots=True)
class Source:
    """One input to read: a file path, standard input, or what a URL held."""

    origin: str
    path: Path | None = None  # None for stdin
    data: bytes | None = None  # preloaded bytes (stdin, HTTP upload, a fetched page)
    url: str | None = None  # where a fetched page came from: its own URL, the article's identity
    # what the fetch knew (a feed item's title, date, authors …): fills what the reader left
    # empty; "format" replaces the reader's name, "notes" come first
    defaults: dict[str, Any] | None = None

    @property
    def suffix(self) -> str:
        """The suffix that hints at the format: ``.jsonl`` for ``posts.jsonl.gz`` too."""
        if self.path is None:
            return ""
        suffix = self.path.suffix.lower()
        return Path(self.path.stem).suffix.lower() if suffix == ".gz" else suffix


def display_name(path: Path | str) -> str:
    """A path as text that can be stored and shown: bytes of a file name that are not UTF-8
    (kept by Python as lone surrogates) become U+FFFD."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "replace")
    return text


def find_sources(inputs: list[str]) -> Iterator[Source | Problem]:
    """Expand what the user named into sources, in a stable order.

    Folders are walked recursively (hidden files and VCS folders skipped, symlinked folders
    followed once: a loop is reported, not followed forever); globs are expanded; ``-`` reads
    standard input. Names that match nothing become problems.
    """
    for spec in inputs:
        if re.match(r"^https?://", spec, re.IGNORECASE):
            yield Problem(spec, "a URL: fetched only by pipeline.ingest (storylens ingest URL)")
            continue
        if spec == "-":
            yield Source(origin="<stdin>", data=sys.stdin.buffer.read())
            continue
        path = Path(spec)
        if path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            yield Source(origin=display_name(path), path=path)
        elif path.is_symlink():
            yield Problem(
                display_name(path),
                "broken symbolic link",
                detail=f"points to {display_name(os.readlink(path))}",
            )
        elif glob.has_magic(spec):
            matches = sorted(glob.glob(spec, recursive=True))
            if not matches:
                yield Problem(spec, "no file matches this pattern")
            for match in matches:
                m = Path(match)
                if m.is_dir():
                    yield from _walk(m)
                elif m.is_file():
                    yield Source(origin=display_name(match), path=m)
        else:
            yield Problem(spec, "no such file or folder")


def _walk(root: Path) -> Iterator[Source | Problem]:
    seen: set[tuple[int, int]] = set()

    def visit(folder: Path) -> Iterator[Source | Problem]:
        try:
            st = folder.stat()
        except OSError as exc:
            yield Problem(
                display_name(folder), "cannot open folder", detail=exc.strerror or str(exc)
            )
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            yield Problem(display_name(folder), "symbolic link loop: this folder was already read")
            return
        seen.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield Problem(
                display_name(folder), "cannot list folder", detail=exc.strerror or str(exc)
            )
            return
        for entry in entries:
            if entry.name.startswith(".") or entry.name in SKIP_NAMES:
                continue
            path = Path(entry.path)
            try:
                if entry.is_dir(follow_symlinks=True):
                    if entry.name not in SKIP_DIRS:
                        yield from visit(path)
                elif entry.is_file(follow_symlinks=True):
                    yield Source(origin=display_name(path), path=path)
                elif entry.is_symlink():
                    yield Problem(display_name(path), "broken symbolic link")
            except OSError as exc:  # e.g. ELOOP on a self-referencing link
                yield Problem(display_name(path), "cannot read", detail=exc.strerror or str(exc))

    yield from visit(root)


def check_size(size: int, max_bytes: int | None) -> None:
    """Refuse an input over the ``ingest.max_file_mb`` limit."""
    if max_bytes is not None and size > max_bytes:
        raise InputError(
            f"file is {size / 1e6:.1f} MB, over the limit of {max_bytes / 1e6:g} MB",
            hint="Raise ingest.max_file_mb if this really is one report.",
        )


def read_bytes(source: Source, max_bytes: int | None) -> bytes:
    if source.data is not None:
        return source.data
    assert source.path is not None
    try:
        size = source.path.stat().st_size
        check_size(size, max_bytes)
        return source.path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}") from None


def gunzip(data: bytes, limit: int | None) -> bytes:
    """Decompress gzip ``data`` (every member of it), refusing more than ``limit`` bytes of
    output: a small file that would expand past it (a gzip bomb) is never expanded whole."""
    out: list[bytes] = []
    size = 0
    rest = data
    while rest[:2] == GZIP_MAGIC:
        unzip = zlib.decompressobj(zlib.MAX_WBITS | 16)
        try:
            chunk = unzip.decompress(rest, (limit - size + 1) if limit is not None else 0)
        except zlib.error as exc:
            raise InputError(f"damaged gzip data: {exc}") from None
        size += len(chunk)
        out.append(chunk)
        if limit is not None and size > limit:
            raise InputError(
                f"gzip data expands to over {limit / 1e6:g} MB, the limit for this input",
                hint="Raise ingest.max_file_mb (an export named .jsonl.gz or .csv.gz may"
                f" expand to {GZIP_EXPORT_FACTOR} times it).",
            )
        if not unzip.eof:
            raise InputError("gzip data is cut short (the file is incomplete)")
        rest = unzip.unused_data.lstrip(b"\x00")  # some tools pad members with NULs
    return b"".join(out)


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        # UTF-16 text has NULs too; a BOM says it is text
        return not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    return False


def decode(data: bytes) -> tuple[str, str | None]:
    """Bytes to text: UTF-8 (BOM removed) first, else the detected encoding, else an error.

    Returns the text and a note when the encoding was not UTF-8.
    """
    if looks_binary(data):
        raise InputError(
            "binary file, not text", hint="storylens reads text, HTML, feeds, JSON, CSV."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise InputError(
            f"not valid UTF-8 (bad byte at offset {first_bad}) and no other encoding fits",
            hint="Convert the file to UTF-8.",
        )
    encoding = best.encoding
    if encoding.startswith(("cp125", "iso8859", "latin")) or encoding in {"mac_roman", "cp850"}:
        # Single-byte Western text is far more often Windows-1252 than its neighbours.
        try:
            data.decode("cp1252")
            encoding = "cp1252"
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise InputError(f"not valid UTF-8, and not valid {encoding} either") from None
    return text, f"decoded as {encoding} (not valid UTF-8)"
