"""Article text with what the enrich stage found marked in it, built on the server.

A sentence's ``start``/``end`` are offsets in its paragraph's text; a mention's, quote's or
claim's ``start``/``end`` are offsets in its sentence's text, so the offset in the paragraph is
``sentence.start + x.start``. Overlapping marks (a name inside a quote, a figure inside a name)
are handled by cutting the paragraph at every boundary: each piece is one flat element carrying
the classes of every mark that covers it, so nothing is nested wrongly. Every piece of text and
every attribute is escaped (the text is untrusted); a mark whose offsets do not fit its text
(a stale enrichment) is left out rather than shown in the wrong place.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from storylens.publish.bidi import escape_marked, neutralise


@dataclass(slots=True)
class Mark:
    start: int  # offsets in the paragraph's text
    end: int
    kind: str  # entity, quote, claim
    title: str
    entity: str | None = None  # the entity key, for a link to its page
    label: str | None = None  # the entity's type, for its colour


def number(v: float) -> str:
    """``100000.0`` → ``100,000``; ``2.4`` → ``2.4``."""
    if v == int(v) and abs(v) < 1e15:
        return f"{int(v):,}"
    return f"{v:,.3f}".rstrip("0").rstrip(".")


def interval(claim: dict[str, Any]) -> str:
    """A claim's value: ``5``, ``(400, ∞)``, ``[100,000, ∞)``, ``(−∞, 20]``."""
    lo, hi = claim.get("lo"), claim.get("hi")
    if lo is not None and lo == hi:
        text = number(lo)
    else:
        left = "(" if lo is None or claim.get("lo_open") else "["
        right = ")" if hi is None or claim.get("hi_open") else "]"
        a = "−∞" if lo is None else number(lo)
        b = "∞" if hi is None else number(hi)
        text = f"{left}{a}, {b}{right}"
    unit = claim.get("unit")
    return f"{text} {unit}" if unit else text


def entity_href(key: str) -> str:
    return "/entities/" + quote(key, safe="")


def fit(sentence: str, text: str, start: int, end: int) -> tuple[int, int] | None:
    """The offsets of ``text`` in ``sentence``: ``start``/``end`` when they hold it; else where
    it is found (a reported clause that leaves out words inside — "…, according to X, …" —
    starts at ``start`` and ends where its last words are); None when it is not there."""
    if 0 <= start < end <= len(sentence) and sentence[start:end] == text:
        return start, end
    if not text:
        return None
    at = sentence.find(text)
    if at >= 0:
        return at, at + len(text)
    head, tail = text[:12], text[-12:]
    if 0 <= start < len(sentence) and sentence.startswith(head, start):
        last = sentence.find(tail, start + len(head))
        if last >= 0:
            return start, last + len(tail)
    return None


def marks_by_paragraph(paragraphs: list[str], enrichment: dict[str, Any]) -> dict[int, list[Mark]]:
    """Every mention, quote and claim of an article as marks in paragraph offsets."""
    sentences: dict[int, dict[str, Any]] = {}
    for s in enrichment.get("sentences", []):
        p = s["paragraph"]
        if 0 <= p < len(paragraphs) and paragraphs[p][s["start"] : s["end"]] == s["text"]:
            sentences[s["index"]] = s
    out: dict[int, list[Mark]] = {}

    def add(x: dict[str, Any], kind: str, title: str, **kw: Any) -> None:
        s = sentences.get(x["sentence"])
        where = fit(s["text"], x["text"], x["start"], x["end"]) if s else None
        if s is None or where is None:
            return
        base = s["start"]
        out.setdefault(s["paragraph"], []).append(
            Mark(base + where[0], base + where[1], kind, title, **kw)
        )

    for m in enrichment.get("mentions", []):
        label = m.get("entity_label") or m["label"]
        add(m, "entity", f"{label}: {m.get('name') or m['text']}", entity=m["entity"], label=label)
    for q in enrichment.get("quotes", []):
        who = q.get("speaker") or "unknown speaker"
        add(q, "quote", f"{q['kind']} quote: {who} ({q.get('cue') or ''})".replace(" ()", ""))
    for c in enrichment.get("claims", []):
        title = f"claim: {c['subject']} = {interval(c)}"
        if c.get("attribution"):
            title += f", according to {c['attribution']}"
        add(c, "claim", title)
    return out


def marked(text: str, marks: list[Mark]) -> Markup:
    """The paragraph's text as HTML, the marks as flat elements (see the module docstring)."""
    if not marks:
        return escape_marked(text)
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    parts: list[str] = []
    for a, b in itertools.pairwise(cuts):
        if a >= b:
            continue
        piece = escape_marked(text[a:b])  # a bidi control shows as a mark, offsets kept
        over = [m for m in marks if m.start <= a and b <= m.end]
        if not over:
            parts.append(piece)
            continue
        classes = ["mk"] + [f"mk-{m.kind}" for m in over]
        classes += [f"ent-{m.label.lower()}" for m in over if m.label]
        title = neutralise(" · ".join(dict.fromkeys(m.title for m in over)))
        entity = next((m.entity for m in over if m.entity), None)
        if entity:
            parts.append(
                Markup('<a class="{}" href="{}" title="{}">{}</a>').format(
                    " ".join(classes), entity_href(entity), title, piece
                )
            )
        else:
            parts.append(
                Markup('<span class="{}" title="{}">{}</span>').format(
                    " ".join(classes), title, piece
                )
            )
    return Markup("").join(parts)


def annotated_paragraphs(paragraphs: list[str], enrichment: dict[str, Any]) -> list[Markup]:
    """Each paragraph's HTML with its marks (the text alone where nothing was found)."""
    found = marks_by_paragraph(paragraphs, enrichment)
    return [marked(text, found.get(i, [])) for i, text in enumerate(paragraphs)]
