"""Plain-text reports that open with ``date YYYY-MM-DD``.

The date may stand alone on the first line, or the first paragraph may continue on the same
line (`` date 2020-09-14 As demand for …``); a leading space is allowed. There is no title.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from storylens.errors import InputError
from storylens.ingest.text import split_paragraphs
from storylens.models import Problem, RawItem

_HEAD = re.compile(r"\A\s*date[ \t]+(\S+)[ \t]*(.*)", re.IGNORECASE)


def read(text: str, origin: str) -> Iterator[RawItem | Problem]:
    first, _, rest = text.partition("\n")
    match = _HEAD.match(first)
    if match is None:
        raise InputError("does not open with 'date YYYY-MM-DD'")
    date_token, lead = match.group(1), match.group(2).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_token):
        raise InputError(f"the dateline date {date_token!r} is not YYYY-MM-DD")
    body = f"{lead}\n{rest}" if lead else rest
    paragraphs = split_paragraphs(body)
    if not paragraphs:
        raise InputError("no report text after the dateline")
    notes = ["first paragraph continued on the dateline"] if lead else []
    yield RawItem(
        origin=origin,
        format="dateline",
        paragraphs=paragraphs,
        published=date_token,
        published_format="%Y-%m-%d",
        notes=notes,
    )
