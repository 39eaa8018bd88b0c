"""Finding inputs (files, folders, globs, stdin) and reading their bytes as text."""

from __future__ import annotations

import glob
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from storylens.errors import InputError
from storylens.models import Problem

SKIP_NAMES = {".DS_Store", "Thumbs.db"}
SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", "node_modules"}


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
        return self.path.suffix.lower() if self.path else ""


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
            yield Source(origin=str(path), path=path)
        elif path.is_symlink():
            yield Problem(
                str(path), "broken symbolic link", detail=f"points to {os.readlink(path)}"
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
                    yield Source(origin=match, path=m)
        else:
            yield Problem(spec, "no such file or folder")


def _walk(root: Path) -> Iterator[Source | Problem]:
    seen: set[tuple[int, int]] = set()

    def visit(folder: Path) -> Iterator[Source | Problem]:
        try:
            st = folder.stat()
        except OSError as exc:
            yield Problem(str(folder), "cannot open folder", detail=exc.strerror or str(exc))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            yield Problem(str(folder), "symbolic link loop: this folder was already read")
            return
        seen.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield Problem(str(folder), "cannot list folder", detail=exc.strerror or str(exc))
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
                    yield Source(origin=str(path), path=path)
                elif entry.is_symlink():
                    yield Problem(str(path), "broken symbolic link")
            except OSError as exc:  # e.g. ELOOP on a self-referencing link
                yield Problem(str(path), "cannot read", detail=exc.strerror or str(exc))

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
