"""Caps on what one report may carry, checked on every :class:`RawItem` before it is cleaned.

A report over a cap is refused as a problem that names the field, never truncated in silence:
a 400-byte YAML file must not become a 39 MB field that every page showing it then renders,
and a record nested a thousand levels deep must not reach the store (or the pickling between
worker processes, which recurses). The walk over ``extra`` is itself bounded: it stops at the
first cap crossed, so a structure built of shared references is never expanded.
"""

from __future__ import annotations

from typing import Any

from storylens.errors import InputError
from storylens.models import RawItem

MAX_FIELD_CHARS = 1_000_000  # the text, and the other fields kept (extra), each in all
METADATA_CHARS = 10_000  # title, URL, outlet, description, image, language, each name
MAX_NAMES = 1_000  # authors, categories
MAX_DEPTH = 32  # nesting of the values kept in extra (a JSON object in an object …)
MAX_NODES = 100_000  # values kept in extra, all levels together

_HINT = "Raise ingest.max_field_chars if this really is one report's text."


def check_item(item: RawItem, max_chars: int = MAX_FIELD_CHARS) -> None:
    """Raise :class:`InputError` when ``item`` holds a field over its cap."""
    text = sum(len(p.text) for p in item.paragraphs)
    if text > max_chars:
        raise InputError(f"the text is {text:,} characters, over the cap of {max_chars:,}", _HINT)
    cap = min(METADATA_CHARS, max_chars)
    for name in ("title", "url", "outlet", "via", "description", "image", "language"):
        value = getattr(item, name)
        if isinstance(value, str) and len(value) > cap:
            raise InputError(f"the {name} is {len(value):,} characters, over the cap of {cap:,}")
    published = item.published
    if isinstance(published, str) and len(published) > cap:
        raise InputError(f"the date is {len(published):,} characters, over the cap of {cap:,}")
    for name in ("authors", "categories"):
        values: list[str] = getattr(item, name)
        if len(values) > MAX_NAMES:
            raise InputError(f"{len(values):,} {name}, over the cap of {MAX_NAMES:,}")
        longest = max((len(v) for v in values), default=0)
        if longest > cap:
            raise InputError(
                f"one of the {name} is {longest:,} characters, over the cap of {cap:,}"
            )
    check_extra(item.extra, max_chars)


def check_extra(extra: dict[str, Any], max_chars: int = MAX_FIELD_CHARS) -> None:
    """Raise :class:`InputError` when the other fields kept are too deep, too many or too long.

    Iterative, and it stops at the first cap crossed: the walk costs at most ``MAX_NODES``
    steps whatever the value (YAML aliases make a small document a huge tree)."""
    chars = nodes = 0
    stack: list[tuple[str, Any, int]] = []

    def push(key: str, values: Any, depth: int) -> None:
        if nodes + len(stack) + len(values) > MAX_NODES:
            raise InputError(f"the other fields hold over {MAX_NODES:,} values, over the cap")
        stack.extend((key, v, depth) for v in values)

    if len(extra) > MAX_NODES:
        raise InputError(f"the other fields hold over {MAX_NODES:,} values, over the cap")
    stack.extend((str(k), v, 1) for k, v in extra.items())
    chars = sum(len(k) for k, _, _ in stack)
    while stack:
        key, value, depth = stack.pop()
        nodes += 1
        if depth > MAX_DEPTH:
            raise InputError(
                f"the field {key!r} is nested over {MAX_DEPTH} levels deep, over the cap"
            )
        if isinstance(value, str):
            chars += len(value)
        elif isinstance(value, dict):
            push(key, value.values(), depth + 1)
            chars += sum(len(str(k)) for k in value)
        elif isinstance(value, list | tuple):
            push(key, value, depth + 1)
        if chars > max_chars:
            raise InputError(
                f"the other fields hold over {max_chars:,} characters, over the cap", _HINT
            )
