"""HTML article pages, through trafilatura: main text and metadata."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from storylens.errors import InputError
from storylens.models import Paragraph, Problem, RawItem

_DATE_ONLY = re.compile(r"^(\d{4}-\d{2}-\d{2})T00:00:00$")


def read(text: str, origin: str, url: str | None = None) -> Iterator[RawItem | Problem]:
    """``url``: where the page was fetched from (its own URL), when it was."""
    import trafilatura  # heavy: imported only when an HTML page is read

    try:
        doc: Any = trafilatura.bare_extraction(
            text,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            date_extraction_params={
                "outputformat": "%Y-%m-%dT%H:%M:%S%z",
                "original_date": True,
                "extensive_search": False,
            },
        )
    except Exception as exc:  # trafilatura raises many kinds on odd markup
        raise InputError(f"HTML cannot be parsed: {type(exc).__name__}: {exc}") from None
    if doc is None or doc.body is None:
        raise InputError("no article text found in the page")
    paragraphs = _paragraphs(doc.body)
    if not paragraphs:
        raise InputError("no article text found in the page")
    published = doc.date
    if published and (m := _DATE_ONLY.match(published)):
        published = m.group(1)  # trafilatura pads a bare date with midnight
    title, extra = doc.title or None, {"tags": doc.tags} if doc.tags else {}
    headline = _page_headline(text)
    if headline and headline != title:
        # The on-page headline wins over og:title, which is often a shorter social variant.
        if title:
            extra["social_title"] = title
        title = headline
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    categories = [c for c in (doc.categories or []) if c]
    yield RawItem(
        origin=origin,
        format="html",
        paragraphs=paragraphs,
        title=title,
        url=url or doc.url or None,
        published=published or None,
        authors=authors,
        description=doc.description or None,
        outlet=doc.sitename or None,
        image=doc.image or None,
        categories=categories,
        language=doc.language or None,
        extra=extra,
    )


def _paragraphs(body: Any) -> list[Paragraph]:
    out = []
    for element in body.iterchildren():
        text = " ".join(element.xpath("string()").split())
        if not text:
            continue
        kind = "heading" if element.tag == "head" else "body"
        if element.tag == "list":
            for li in element.iterchildren():
                item_text = " ".join(li.xpath("string()").split())
                if item_text:
                    out.append(Paragraph(item_text))
            continue
        out.append(Paragraph(text, kind))  # type: ignore[arg-type]
    return out


def _page_headline(page: str) -> str | None:
    """The page's single ``<h1>`` when the ``<title>`` confirms it is the article headline."""
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(page)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return None
    h1s = [" ".join(h.text_content().split()) for h in tree.iter("h1")]
    titles = tree.findtext(".//title") or ""
    if len(h1s) == 1 and h1s[0] and h1s[0] in " ".join(titles.split()):
        return h1s[0]
    return None
