"""Printing for the CLI: Rich tables on a terminal, JSON with --json, plain lines in pipes."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from storylens.publish.bidi import neutralise


class SafeConsole(Console):
    """A Rich console that shows every bidirectional control character of what it prints
    (titles, outlets, URLs in tables and lines) as a visible mark, ``[U+202E]``, instead of
    letting it reorder the text (``--json`` output keeps the stored text as it is)."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(neutralise(text), **kwargs)


console = SafeConsole(highlight=False, soft_wrap=False)
err = SafeConsole(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def error(message: str, hint: str = "") -> None:
    err.print(f"[bold red]Error:[/] {escape(message)}")
    if hint:
        err.print(f"[yellow]Hint:[/] {escape(hint)}")


def day(iso: str | None) -> str:
    return iso[:10] if iso else "—"


def when(iso: str | None) -> str:
    return iso[:16].replace("T", " ") if iso else "—"
