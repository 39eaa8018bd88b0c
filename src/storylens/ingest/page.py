"""What an HTML page says about itself, read from its markup (lxml): the page's own URL, its
headline, the dates written in it, the text of its links, and repairs of broken markup.

trafilatura finds the article text; these helpers check its metadata against the page.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from storylens.text import words

_TITLE_OPEN = re.compile(r"<title\b[^>]*>", re.IGNORECASE)
_TITLE_CLOSE = re.compile(r"</title\s*>", re.IGNORECASE)
_NEXT_TAG = re.compile(r"<[A-Za-z/!]")
HEADLINE_MAX_WORDS = 30  # longer "headlines" are a paragraph or a teaser, not a title


def parse(page: str) -> Any | None:
    """The page as an lxml tree, or None when lxml cannot read it at all."""
    from lxml import html as lxml_html

    try:
        return lxml_html.document_fromstring(page)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return None


def close_title(page: str) -> str | None:
    """The page with an unterminated ``<title>`` closed before the next tag, or None when the
    title is closed (or absent). Left open, the title swallows the whole page."""
    opening = _TITLE_OPEN.search(page)
    if opening is None or _TITLE_CLOSE.search(page, opening.end()):
        return None
    nxt = _NEXT_TAG.search(page, opening.end())
    at = nxt.start() if nxt else len(page)
    return page[:at] + "</title>" + page[at:]


def is_home_page(url: str) -> bool:
    """A site's home page (path ``/`` or empty, no query): never one article's identity."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.path.strip("/") == "" and not parts.query


def own_url(tree: Any, fetched: str | None) -> str | None:
    """The page's own URL: its canonical link or og:url (anywhere in
    the page: some sites put them in the body), else the URL it was fetched from. Never the
    ``<base href>``, which names where relative links point (often the home page), and never a
    home page. Relative links are resolved against the base, as a browser would."""
    base = next(iter(tree.xpath("//base/@href")), None) if tree is not None else None
    base = base or fetched
    candidates: list[str] = []
    if tree is not None:
        for link in tree.xpath("//link[@href]"):
            if "canonical" in (link.get("rel") or "").lower().split():
                candidates.append(link.get("href"))
        for meta in tree.xpath("//meta[@content]"):
            if (meta.get("property") or meta.get("name") or "").lower() == "og:url":
                candidates.append(meta.get("content"))
    if fetched:
        candidates.append(fetched)
    for href in candidates:
        href = href.strip()
        url = urljoin(base, href) if base and not _absolute(href) else href
        if _absolute(url) and not is_home_page(url):
            return url
    return None


def _absolute(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def _text(element: Any) -> str:
    return " ".join(element.text_content().split())


def headline(tree: Any, site_name: str | None) -> str | None:
    """The article's headline: the first ``<h1>``, else ``og:title``, else the first ``<h2>``,
    of which at least 60% of the words are in the page's ``<title>`` (which adds the site's name
    or section, or cuts the headline short); not the site's name (its ``og:site_name``, the text
    of a link to its home page: a logo in an ``<h1>``), not over :data:`HEADLINE_MAX_WORDS`.
    When the ``<title>`` is only the site's name, the first ``<h1>``. None otherwise."""
    if tree is None:
        return None
    title_words = set(words(tree.findtext(".//title") or ""))
    sites = site_names(tree, site_name)
    h1s = [_text(h) for h in tree.iter("h1")]
    og = [
        " ".join((meta.get("content") or "").split())
        for meta in tree.xpath("//meta[@content]")
        if (meta.get("property") or meta.get("name") or "").lower() == "og:title"
    ]
    for group in (h1s, og, [_text(h) for h in tree.iter("h2")]):
        for candidate in group:
            found = words(candidate)
            if not headline_sized(candidate, found) or " ".join(found) in sites:
                continue
            if sum(w in title_words for w in found) >= 0.6 * len(found):
                return candidate
    if title_words and " ".join(words(tree.findtext(".//title") or "")) in sites:
        return next(
            (
                h
                for h in h1s
                if words(h)
                and len(h.split()) <= HEADLINE_MAX_WORDS
                and " ".join(words(h)) not in sites
            ),
            None,
        )
    return None


def headline_sized(text: str, found: list[str]) -> bool:
    """Three to :data:`HEADLINE_MAX_WORDS` words and at most 200 characters: a single word in
    an ``<h1>`` is a section's label ("Immunology"), a long one a paragraph."""
    return 3 <= len(found) <= HEADLINE_MAX_WORDS and len(text) <= 200


def site_names(tree: Any, site_name: str | None) -> set[str]:
    """The site's names, normalised: its ``og:site_name``, the one trafilatura found, the
    text of the links to its home page (a logo, often in an ``<h1>``)."""
    sites = {" ".join(words(site_name or ""))} | _home_link_texts(tree)
    for meta in tree.xpath("//meta[@content]"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:site_name":
            sites.add(" ".join(words(meta.get("content"))))
    return sites - {""}


_SEPARATORS = re.compile(r"\s+[|–—:·»>-]+\s+")


def names_the_site(tree: Any, title: str | None, site_name: str | None) -> bool:
    """True when the title is only the site's name or a section of it: it is one of the
    site's names, or the page's ``<title>`` is all short parts ("Harbour Gazette - Local
    News")."""
    sites = site_names(tree, site_name)
    if title and " ".join(words(title)) in sites:
        return True
    parts = title_parts(tree)
    # a part of one long "word" is a sentence of a language written without spaces
    return bool(parts) and all(len(p.split()) <= 3 and len(p) <= 12 * len(p.split()) for p in parts)


def title_parts(tree: Any) -> list[str]:
    """The parts of the page's ``<title>`` between separators (" | ", " - ", " :: " …)."""
    full = " ".join((tree.findtext(".//title") or "").split())
    return [p for p in _SEPARATORS.split(full) if p]


def _home_link_texts(tree: Any) -> set[str]:
    out = set()
    for a in tree.xpath("//a[@href]"):
        href = a.get("href").strip()
        if href in {"/", "./", "index.html"} or (_absolute(href) and is_home_page(href)):
            key = " ".join(words(a.text_content()))
            if key:
                out.add(key)
    return out


def link_texts(tree: Any) -> set[str]:
    """The normalised text of every link of the page (navigation, related stories)."""
    if tree is None:
        return set()
    out = set()
    for a in tree.iter("a"):
        key = " ".join(words(a.text_content()))
        if key:
            out.add(key)
    return out


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\.?,?\s+(\d{{4}})\b", re.IGNORECASE
)
_MONTH_DAY = re.compile(
    rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE
)


def written_dates(text: str) -> set[date]:
    """Dates written with the month's name ("4 March 2019", "March 4, 2019"): they cannot be
    read two ways, unlike 03/04/2019."""
    found = set()
    for m in _DAY_MONTH.finditer(text):
        found.add((int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1))))
    for m in _MONTH_DAY.finditer(text):
        found.add((int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2))))
    out = set()
    for y, mo, d in found:
        try:
            out.add(date(y, mo, d))
        except ValueError:
            continue
    return out
