"""JSON Lines and JSON exports: one report per object, fields mapped by :mod:`fields`.

A JSON file may hold one object, a list of objects, or an object with the list under
``articles``, ``items``, ``data``, ``results`` or ``documents``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from storylens.errors import InputError
from storylens.ingest.detect import LIST_KEYS
from storylens.ingest.fields import record_to_item
from storylens.models import Problem, RawItem


def _items(records: list[Any], origin: str, fmt: str) -> Iterator[RawItem | Problem]:
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            yield Problem(origin, f"item is a JSON {type(record).__name__}, not an object", index)
            continue
        try:
            yield record_to_item(record, origin, fmt, index)
        except InputError as exc:
            yield Problem(origin, exc.message, index)
        except RecursionError:
            yield Problem(origin, "item is nested too deeply to read", index)


def read_lines(text: str, origin: str) -> Iterator[RawItem | Problem]:
    index = 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Problem(
                origin, f"line {lineno} is not valid JSON: {exc.msg} (column {exc.colno})", index
            )
        except ValueError as exc:  # e.g. an integer of over 4,300 digits
            yield Problem(origin, f"line {lineno} cannot be read: {exc}", index)
        except RecursionError:
            yield Problem(origin, f"line {lineno} is nested too deeply to read", index)
        else:
            if isinstance(record, dict):
                try:
                    yield record_to_item(record, origin, "jsonl", index)
                except InputError as err:
                    yield Problem(origin, f"line {lineno}: {err.message}", index)
                except RecursionError:
                    yield Problem(origin, f"line {lineno} is nested too deeply to read", index)
            else:
                kind = type(record).__name__
                yield Problem(origin, f"line {lineno} is a JSON {kind}, not an object", index)
        index += 1
    if index == 0:
        raise InputError("empty file: no JSON lines")


def read_document(text: str, origin: str) -> Iterator[RawItem | Problem]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} at line {exc.lineno}") from None
    except ValueError as exc:
        raise InputError(f"JSON cannot be read: {exc}") from None
    if isinstance(data, dict):
        for key in LIST_KEYS:
            if isinstance(data.get(key), list):
                if not data[key]:
                    raise InputError(f"empty JSON list under {key!r}: no reports")
                yield from _items(data[key], origin, "json")
                return
        yield record_to_item(data, origin, "json", None)
    elif isinstance(data, list):
        if not data:
            raise InputError("empty JSON list: no reports")
        yield from _items(data, origin, "json")
    else:
        raise InputError(f"JSON holds a {type(data).__name__}, not reports")
