"""CSV exports with a header row; columns mapped by :mod:`fields`."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator

from storylens.errors import InputError
from storylens.ingest.fields import record_to_item
from storylens.models import FORMULA_START, Problem, RawItem

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read(text: str, origin: str) -> Iterator[RawItem | Problem]:
    try:
        dialect: type[csv.Dialect] | str = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = "excel"
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    if not reader.fieldnames:
        raise InputError("empty CSV: no header row")
    index = -1
    try:
        for index, row in enumerate(reader):
            if None in row:  # more cells than header columns
                yield Problem(origin, f"row {index + 1} has more cells than the header", index)
                continue
            try:
                yield record_to_item(_unescaped(row), origin, "csv", index)
            except InputError as exc:
                yield Problem(origin, f"row {index + 1}: {exc.message}", index)
    except csv.Error as exc:
        yield Problem(origin, f"CSV cannot be parsed after row {index + 1}: {exc}", index + 1)
    if index < 0:
        raise InputError("CSV has a header but no rows")


def _unescaped(row: dict[str, str]) -> dict[str, str]:
    """A row with the CSV-injection escape of storylens's own export taken off: a cell that a
    spreadsheet would run as a formula was written as ``'=…``; it reads back as ``=…``."""
    return {
        k: v[1:] if isinstance(v, str) and v[:1] == "'" and v[1:].startswith(FORMULA_START) else v
        for k, v in row.items()
    }
