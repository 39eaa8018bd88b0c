"""HTML article pages, through trafilatura: main text and metadata.

The text is every text node of trafilatura's tree, tails included, with ``<br>`` as a space (or
a paragraph break after a full sentence). When the first reading is thin (empty, the page's own
links, a few lines, one block), the page is read again with its tables (older sites lay the
article out in one). Menus around the text and a date line leave it. The metadata is checked
against the page itself (:mod:`storylens.ingest.page`): its own URL, its headline, its dates.
docs/ingest.md ("HTML pages") describes each rule and how it was measured.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from storylens.errors import InputError
from storylens.ingest import page as pages
from storylens.models import Paragraph, ParagraphKind, Problem, RawItem
from storylens.text import words

_DATE_ONLY = re.compile(r"^(\d{4}-\d{2}-\d{2})T00:00:00$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
MOSTLY_LINKS = 0.5  # share of the words in paragraphs that are the page's own link texts
MIN_TEXT_WORDS = 100  # a page of links with fewer words of its own holds no article


def read(text: str, origin: str, url: str | None = None) -> Iterator[RawItem | Problem]:
    """``url``: where the page was fetched from (its own URL, unless the page names another)."""
    notes: list[str] = []
    repaired = pages.close_title(text)
    if repaired is not None:
        text = repaired
        notes.append("the page's <title> was not closed: closed it before the next tag")
    tree = pages.parse(text)
    links = pages.link_texts(tree)
    doc = _extract(text, tables=False)
    paragraphs = _paragraphs(doc.body) if doc is not None and doc.body is not None else []
    share = _link_share(paragraphs, links)
    if _thin(paragraphs, share):
        again = _extract(text, tables=True)
        more = _paragraphs(again.body) if again is not None and again.body is not None else []
        if _better(more, paragraphs, links):
            doc, paragraphs, share = again, more, _link_share(more, links)
            notes.append("read again with the page's tables: the first reading found little")
    if doc is None or not paragraphs:
        raise InputError("no article text found in the page")
    if share > MOSTLY_LINKS and _content_words(paragraphs, links) < MIN_TEXT_WORDS:
        raise InputError(
            "no article text found in the page",
            "All it holds is the page's own links: a front or section page, not an article?",
        )
    paragraphs, dropped = _drop_navigation(paragraphs, links)
    if dropped:
        notes.append(f"{dropped} lines of the page's navigation removed (its own links)")
    paragraphs, date_line = _take_date_line(paragraphs)
    if date_line:
        notes.append(f"date line {date_line!r} removed from the text")
    published = doc.date or _date_of(date_line)
    if published and (m := _DATE_ONLY.match(published)):
        published = m.group(1)  # trafilatura pads a bare date with midnight
    if published:
        published, date_note = _check_day_first(published, tree)
        if date_note:
            notes.append(date_note)
    title, extra = doc.title or None, {"tags": doc.tags} if doc.tags else {}
    headline = _first_heading(paragraphs, tree, title, doc.sitename) or pages.headline(
        tree, doc.sitename
    )
    if headline and headline != title:
        # The on-page headline wins over og:title, a shorter social variant, and over a
        # <title> that is the site's name or section.
        if title:
            extra["page_title"] = title
        title = headline
    fetched = url or (origin if origin.startswith(("http://", "https://")) else None)
    url = pages.own_url(tree, fetched)
    if doc.url and url is None:
        # trafilatura's pick (a <base href>, often the home page) is not the page's identity
        notes.append(f"URL {doc.url[:80]!r} is not the page's own (no canonical link or og:url)")
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    categories = [c for c in (doc.categories or []) if c]
    yield RawItem(
        origin=origin,
        format="html",
        paragraphs=paragraphs,
        title=title,
        url=url,
        published=published or None,
        authors=authors,
        description=doc.description or None,
        outlet=doc.sitename or None,
        image=doc.image or None,
        categories=categories,
        language=doc.language or None,
        extra=extra,
        notes=notes,
    )


def _extract(text: str, *, tables: bool) -> Any:
    import trafilatura  # heavy: imported only when an HTML page is read

    try:
        return trafilatura.bare_extraction(
            text,
            with_metadata=True,
            include_comments=False,
            include_tables=tables,
            date_extraction_params={
                "outputformat": "%Y-%m-%dT%H:%M:%S%z",
                "original_date": True,
                "extensive_search": False,
            },
        )
    except Exception as exc:  # trafilatura raises many kinds on odd markup
        raise InputError(f"HTML cannot be parsed: {type(exc).__name__}: {exc}") from None


def _linked_words(found: list[str], links: set[str]) -> int:
    """The words of a paragraph that is (nearly) all links: a menu, a row of related stories.
    A paragraph with links in its sentences is text."""
    key = " ".join(found)
    if key in links:
        return len(found)
    padded = f" {key} "
    linked = sum(padded.count(f" {link} ") * (link.count(" ") + 1) for link in links)
    return len(found) if linked >= 0.8 * len(found) else 0


def _link_share(paragraphs: list[Paragraph], links: set[str]) -> float:
    """The share of the words in paragraphs that are the text of the page's links (a menu, a
    list of related stories)."""
    total = linked = 0
    for p in paragraphs:
        found = words(p.text)
        total += len(found)
        linked += _linked_words(found, links)
    return linked / total if total else 0.0


def _content_words(paragraphs: list[Paragraph], links: set[str]) -> int:
    return sum(len(f) - _linked_words(f, links) for p in paragraphs if (f := words(p.text)))


def _thin(paragraphs: list[Paragraph], share: float) -> bool:
    """A first reading worth a second: nothing, the page's links, a few lines, or the page's
    whole text in one block (trafilatura's fallback when it found no article structure)."""
    size = sum(len(p.text.split()) for p in paragraphs)
    return size < 150 or share > MOSTLY_LINKS or (size >= 100 and _one_block(paragraphs))


def _one_block(paragraphs: list[Paragraph]) -> bool:
    """Most of the words in one paragraph: no structure was found."""
    sizes = [len(p.text.split()) for p in paragraphs]
    return bool(sizes) and max(sizes) >= 0.8 * sum(sizes)


def _better(more: list[Paragraph], first: list[Paragraph], links: set[str]) -> bool:
    """The reading with tables wins when it holds twice the words that are not links (the
    article was in a table, not a table beside it), or as many in paragraphs where the first
    reading had one block."""
    gained, had = _content_words(more, links), _content_words(first, links)
    if _one_block(first) and not _one_block(more) and gained >= 0.8 * had:
        return True
    return gained >= 2 * max(1, had)


_NAV_WORDS = 5  # a menu's entries are short: "Local news", "Sport and leisure"


def _drop_navigation(paragraphs: list[Paragraph], links: set[str]) -> tuple[list[Paragraph], int]:
    """Remove the menus around the text: at the start, a run of two or more short paragraphs
    that are each one of the page's links; at the end, a run holding two or more paragraphs
    that are (nearly) all links, with the short labels between them ("Related stories")."""

    def menu(p: Paragraph) -> bool:
        found = words(p.text)
        return 0 < len(found) <= _NAV_WORDS and " ".join(found) in links

    def linked(p: Paragraph) -> bool:
        found = words(p.text)
        return 0 < len(found) <= 3 * _NAV_WORDS and _linked_words(found, links) == len(found)

    def label(p: Paragraph) -> bool:
        return len(p.text.split()) <= 4 and not p.text.rstrip().endswith((".", "!", "?"))

    start = 0
    while start < len(paragraphs) and menu(paragraphs[start]):
        start += 1
    start = start if start >= 2 else 0
    end, seen = len(paragraphs), 0
    cut = end
    while end > start and (linked(paragraphs[end - 1]) or label(paragraphs[end - 1])):
        end -= 1
        seen += linked(paragraphs[end])
        if seen >= 2:
            cut = end
    kept = paragraphs[start:cut]
    return (kept, len(paragraphs) - len(kept)) if kept else (paragraphs, 0)


_DATE_LINE = re.compile(
    r"^(?:(?:last\s+)?(?:published|posted|updated|date)\s*:?\s+)?(?:(?:[A-Za-z]+day,?\s+)?(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
    r"[A-Za-z]+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Za-z]+\.?,?\s+\d{4})"
    r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?)?)$",
    re.IGNORECASE,
)


def _take_date_line(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], str | None]:
    """A line near the top that is only a date ("04/03/2003", "Tuesday, March 4, 2003"): the
    page's date, not report text."""
    for index, p in enumerate(paragraphs[:5]):
        if _DATE_LINE.match(p.text.strip()):
            return paragraphs[:index] + paragraphs[index + 1 :], p.text.strip()
    return paragraphs, None


def _date_of(line: str | None) -> str | None:
    """The ISO day of a date line (month first when it reads both ways; the page's written
    dates decide afterwards)."""
    if not line:
        return None
    from dateutil import parser as dateutil_parser

    try:
        return dateutil_parser.parse(line, fuzzy=True).date().isoformat()
    except (ValueError, OverflowError):
        return None


def _first_heading(
    paragraphs: list[Paragraph], tree: Any, title: str | None, site_name: str | None
) -> str | None:
    """When the page's title only names the site or its section ("Harbour Gazette - Local
    News"), the heading that opens the text is the article's headline; else the longest part of
    the ``<title>`` that is not the site's name."""
    if tree is None or not pages.names_the_site(tree, title, site_name):
        return None
    sites = pages.site_names(tree, site_name)
    for p in paragraphs[:3]:
        found = words(p.text)
        if title and found == words(title):
            return None  # the text opens with the title: it is the headline ("NASCAR standings")
        if " ".join(found) in sites:
            continue
        if p.kind == "body" and p.text.rstrip().endswith((".", "!", "?")) and len(found) > 12:
            break  # the text has begun
        if pages.headline_sized(p.text, found) and (
            p.kind == "heading" or (len(found) <= 15 and not p.text.rstrip().endswith((".", ",")))
        ):
            return p.text
    parts = [
        part
        for part in pages.title_parts(tree)
        if pages.headline_sized(part, words(part)) and " ".join(words(part)) not in sites
    ]
    return max(parts, key=len) if parts else None


def _check_day_first(published: str, tree: Any) -> tuple[str, str | None]:
    """A date that reads both ways (04/03/2019) is checked against the dates the page writes
    with the month's name; when only the swapped reading is written there, it wins."""
    m = _ISO_DAY.match(published)
    if m is None or tree is None:
        return published, None
    y, mo, d = (int(g) for g in m.groups())
    if d > 12 or d == mo:
        return published, None
    written = pages.written_dates(tree.text_content())
    try:
        read, swapped = date(y, mo, d), date(y, d, mo)
    except ValueError:
        return published, None
    if swapped in written and read not in written:
        fixed = f"{y:04d}-{d:02d}-{mo:02d}" + published[10:]
        return fixed, (
            f"date {published[:10]} read the other way ({fixed[:10]}): the page writes"
            f" {swapped:%d %B %Y}"
        )
    return published, None


# Elements of trafilatura's output tree that start a paragraph; the others (hi, ref, del, cell)
# are inline. A ``<lb/>`` (a ``<br>`` of the page) is a space, two of them end a paragraph.
_BLOCKS = frozenset({"p", "head", "list", "item", "quote", "table", "row", "code", "div", "pre"})
_LB = "\ue000"  # a private-use mark for a line break while the text is gathered
# trafilatura writes <br><br> (how older pages end a paragraph) as one <lb/>: a line break after
# a full sentence, before a capital, a digit or a quote, ends a paragraph; others are a space.
_SENTENCE_END = tuple('.!?:"”’)')
_OPENING = '"“‘('


class _Gatherer:
    """Paragraphs of an extracted tree: every text node and every tail, in document order."""

    def __init__(self) -> None:
        self.out: list[Paragraph] = []
        self.buf: list[str] = []
        self.kind: ParagraphKind = "body"
        self.tables = 0

    def add(self, text: str | None) -> None:
        # Inside a table's cells trafilatura keeps the page's own line breaks (an unclosed
        # <P> of an older page): a newline there is a break like <lb/>.
        if text:
            self.buf.append(text.replace("\n", _LB) if self.tables else text)

    def flush(self) -> None:
        pieces = "".join(self.buf).split(_LB)
        parts, current = [], pieces[0]
        for piece in pieces[1:]:
            after = piece.lstrip()[:1]
            if current.rstrip().endswith(_SENTENCE_END) and (
                after.isupper() or after.isdigit() or (after != "" and after in _OPENING)
            ):
                parts.append(current)
                current = piece
            else:
                current += " " + piece
        parts.append(current)
        for part in parts:
            text = " ".join(part.split()).strip(" |")
            if text:
                self.out.append(Paragraph(text, self.kind))
        self.buf = []
        self.kind = "body"

    def walk(self, element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "lb":
            self.buf.append(_LB)
        elif tag in _BLOCKS:
            self.flush()
            if tag == "head":
                self.kind = "heading"
            elif tag in {"item", "row"}:
                self.kind = "item"  # clean keeps list lines and table rows as text
            self.tables += tag == "table"
            self.add(element.text)
            cells = 0
            for child in element:
                if tag == "row" and child.tag == "cell":
                    self.buf.append(" | " if cells else "")
                    cells += 1
                self.walk(child)
            self.flush()
            self.tables -= tag == "table"
        elif tag != "graphic":
            self.add(element.text)
            for child in element:
                self.walk(child)
        self.add(element.tail)  # the text after an element is text too


def _paragraphs(body: Any) -> list[Paragraph]:
    gatherer = _Gatherer()
    gatherer.add(body.text)
    for child in body:
        gatherer.walk(child)
    gatherer.flush()
    return gatherer.out
