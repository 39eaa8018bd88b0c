"""Bidirectional control characters, neutralised for display.

A right-to-left override (U+202E) in a title makes ``invoice‮gnp.exe`` read as
``invoiceexe.png``; the embedding, override and isolate controls and the directional marks
(Unicode's ``Bidi_Control`` characters) can reorder what a reader sees. The store keeps the
text as it came; everything that *shows* it — web pages, the static site, feeds, the CLI's
tables — shows each such character as a visible mark, ``[U+202E]``, that has no effect.

- :func:`neutralise` — plain text, for any context (text or attribute): the mark in place.
- :func:`escape_marked` — HTML text whose character offsets matter (a paragraph that the page's
  script highlights by offsets): each control becomes one invisible character (a word joiner)
  in a ``span.bidi`` that shows the same mark with CSS, so every offset still holds.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markupsafe import Markup

BIDI_CONTROLS = {
    "\u061c": "ARABIC LETTER MARK",
    "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200f": "RIGHT-TO-LEFT MARK",
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
}
_CONTROL = re.compile("[" + "".join(BIDI_CONTROLS) + "]")
PLACEHOLDER = "\u2060"  # WORD JOINER: invisible, one UTF-16 unit like the control it stands for


def mark(char: str) -> str:
    """The visible mark of one control: ``[U+202E]``."""
    return f"[U+{ord(char):04X}]"


def has_controls(text: str) -> bool:
    return _CONTROL.search(text) is not None


def neutralise(text: str) -> str:
    """``text`` with every bidi control shown as its mark. A :class:`Markup` stays Markup
    (the mark holds no character that HTML treats specially)."""
    if not _CONTROL.search(text):
        return text
    shown = _CONTROL.sub(lambda m: mark(m.group()), str(text))
    if type(text) is not str:  # Markup (markupsafe is imported only where HTML is made)
        from markupsafe import Markup

        if isinstance(text, Markup):
            return Markup(shown)
    return shown


def escape_marked(text: str) -> Markup:
    """``text`` escaped for HTML, each bidi control a ``span.bidi`` of the same length."""
    from markupsafe import Markup, escape

    if not _CONTROL.search(text):
        return Markup(escape(text))
    parts: list[str] = []
    at = 0
    for found in _CONTROL.finditer(text):
        parts.append(str(escape(text[at : found.start()])))
        char = found.group()
        parts.append(
            str(
                Markup(
                    '<span class="bidi" data-mark="{}" title="{}: a bidirectional control'
                    ' character, shown and not applied">{}</span>'
                ).format(mark(char), f"U+{ord(char):04X} {BIDI_CONTROLS[char]}", PLACEHOLDER)
            )
        )
        at = found.end()
    parts.append(str(escape(text[at:])))
    return Markup("".join(parts))
