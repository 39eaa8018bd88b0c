"""Markdown posts with YAML front matter (Jekyll, Hugo, Jigsaw, Eleventy …).

The ``---`` delimiter lines and the values may carry trailing spaces. ``date:
2020-09-14-10-20-36`` (Jigsaw sites) is read with an explicit format, as site-local time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

import yaml

from storylens.errors import InputError
from storylens.ingest.fields import ALIASES, record_to_item
from storylens.ingest.markup import markdown_to_paragraphs
from storylens.models import Problem, RawItem

_OPEN = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_JIGSAW_DATE = re.compile(r"\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}")

try:  # the C loader is several times faster on 25k posts
    _Base: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc]
    """Safe YAML without timestamp resolution: dates stay text for the clean stage to read
    (PyYAML raises ValueError on an impossible date such as 2020-02-30)."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }


def split(text: str) -> tuple[str, str]:
    """Return (front matter, body). Raises InputError when the block is not closed."""
    opening = _OPEN.match(text)
    if opening is None:
        raise InputError("does not open with a '---' front matter line")
    closing = _CLOSE.search(text, opening.end())
    if closing is None:
        raise InputError("front matter is never closed (no second '---' line)")
    return text[opening.end() : closing.start()], text[closing.end() :].lstrip("\r\n")


def _refuse_aliases(head: str) -> None:
    """Refuse YAML aliases (``*name``): a few hundred bytes of nested aliases expand to
    millions of values (the "billion laughs"). Front matter has no use for them. Only the
    parser's events are read, so nothing is expanded to find out."""
    if "&" not in head or "*" not in head:  # an alias needs an anchor: the common case
        return
    try:
        for event in yaml.parse(head, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                mark = getattr(event, "start_mark", None)
                line = f" at line {mark.line + 2}" if mark is not None else ""
                raise InputError(
                    f"front matter uses a YAML alias (*{event.anchor}){line}: aliases are"
                    " refused, they can expand a small file into millions of values",
                    hint="Write the value out where the alias stands.",
                )
    except yaml.YAMLError:
        return  # malformed: yaml.load below says where


def read(text: str, origin: str) -> Iterator[RawItem | Problem]:
    head, body = split(text)
    _refuse_aliases(head)
    try:
        meta = yaml.load(head, Loader=_Loader)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 2}" if where is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"malformed YAML front matter{line}: {problem}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise InputError("front matter is not a set of 'key: value' lines")
    meta = {str(k): _strip(v) for k, v in meta.items()}
    paragraphs = markdown_to_paragraphs(body)
    if not paragraphs:
        raise InputError("no report text after the front matter")
    item = record_to_item(meta, origin, "frontmatter", None, paragraphs=paragraphs)
    published = meta.get(next((k for k in meta if k.lower() in ALIASES["published"]), ""))
    if isinstance(published, str) and _JIGSAW_DATE.fullmatch(published):
        item.published_format = "%Y-%m-%d-%H-%M-%S"
    yield item


def _strip(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value
