"""Turning Markdown bodies and HTML fragments (feed content) into plain paragraphs."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from storylens.models import Paragraph

_BLANK = re.compile(r"\n[ \t\u00a0]*\n")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_REFLINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_EMPH = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\3(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_LIST = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_LINKDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")


def markdown_to_paragraphs(text: str) -> list[Paragraph]:
    """Blocks separated by blank lines become paragraphs; inline markup becomes plain text.

    Headings (``## …``) become ``heading`` paragraphs; images are dropped (their alt text is
    not report text), links keep their words, block quotes and list items keep their text.
    """
    out: list[Paragraph] = []
    in_fence = False
    for block in _BLANK.split(text.replace("\r\n", "\n").replace("\r", "\n")):
        lines: list[str] = []
        for line in block.split("\n"):
            if line.strip().startswith("```"):
                in_fence = not in_fence
                continue
            if in_fence or _RULE.match(line) or _LINKDEF.match(line):
                continue
            heading = _HEADING.match(line)
            if heading:
                if lines:
                    out.append(Paragraph(_inline(" ".join(lines))))
                    lines = []
                out.append(Paragraph(_inline(heading.group(2)), "heading"))
                continue
            line = _QUOTE.sub("", _LIST.sub("", line))
            lines.append(line)
        joined = _inline(" ".join(lines))
        if joined:
            out.append(Paragraph(joined))
    return [p for p in out if p.text]


_MARKUP = re.compile(r"[\[\]*_`<&!]")


def _inline(text: str) -> str:
    if not _MARKUP.search(text):
        return " ".join(text.split())
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _REFLINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    for _ in range(2):  # nested emphasis
        text = _EMPH.sub(lambda m: m.group(2) or m.group(4) or "", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    return " ".join(text.split())


_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "section", "article", "figure", "figcaption", "table", "tr", "td", "th", "pre", "hr",
    "header", "footer", "aside",
}  # fmt: skip
_SKIP_TAGS = {"script", "style", "noscript", "template", "iframe", "svg", "object"}


class _FragmentParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[Paragraph] = []
        self.buf: list[str] = []
        self.kind: str = "body"
        self.skip = 0

    def _flush(self) -> None:
        text = " ".join("".join(self.buf).split())
        if text:
            self.paragraphs.append(Paragraph(text, self.kind))  # type: ignore[arg-type]
        self.buf = []
        self.kind = "body"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self._flush()
            if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
                self.kind = "heading"
            elif tag == "figcaption":
                self.kind = "caption"

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.buf.append(data)


def html_to_paragraphs(fragment: str) -> list[Paragraph]:
    """Paragraphs of an HTML fragment (feed content): block elements split, scripts dropped."""
    parser = _FragmentParser()
    parser.feed(fragment)
    parser.close()
    parser._flush()
    return parser.paragraphs


def strip_tags(fragment: str) -> str:
    """One line of plain text from a short HTML fragment (a feed title or summary)."""
    return " ".join(p.text for p in html_to_paragraphs(fragment))
