"""Repeated paragraphs, image captions and page furniture in article bodies.

Scrapers that keep every ``<p>`` of a page mix image captions into the text, and captions often
repeat a paragraph of the article (seed 003 repeats "At least 100,000 protesters took to the
streets …" as the tail of a caption). Repeats are removed; caption-like paragraphs are kept but
marked ``caption`` so later stages skip them. Every change is returned as a note.
"""

from __future__ import annotations

import re
import unicodedata

from storylens.models import Paragraph
from storylens.text import norm, sentences, words

MIN_REPEAT_WORDS = 6  # a shorter sentence ("He said.") repeating is not evidence

_TERMINAL = tuple(".!?\"'”’)]…:;")
_CAPTION_CUES = re.compile(
    r"\b(?:pictured|picture[ds]? above|above|below|left|right|centre|center|file (?:photo|image|"
    r"picture)|photograph(?:ed)?|seen here|in this (?:photo|image|handout)|getty images|"
    r"credit:|photo:|image:|ap photo|reuters/|afp via getty)\b",
    re.IGNORECASE,
)
_FURNITURE = re.compile(
    r"^(?:advertisement|share this article|share or comment on this article.*|related articles?|"
    r"scroll down for (?:video|more)|read more:?|click here.*|sign up.*newsletter.*|"
    r"follow us on .*|watch:?|video:?|listen:?|loading\.*|comments?|"
    r"(?:©|\(c\)|copyright\b|all rights reserved).{0,80})$",
    re.IGNORECASE,
)


def _short(text: str, size: int = 60) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def remove_repeats(
    paragraphs: list[Paragraph], share: float, numbers: list[int] | None = None
) -> tuple[list[Paragraph], list[str]]:
    """Drop paragraphs that repeat earlier text: exactly, or mostly (``share`` of their words
    are in sentences that already appeared). Returns (kept, notes)."""
    kept: list[Paragraph] = []
    kept_index: list[int] = []
    numbers = numbers if numbers is not None else list(range(1, len(paragraphs) + 1))
    notes: list[str] = []
    seen_exact: dict[str, int] = {}
    earlier = ""  # normalised text of the kept paragraphs, for containment checks
    for index, para in enumerate(paragraphs):
        sentence_keys = [norm(sentence) for sentence in sentences(para.text)]
        key = " ".join(k for k in sentence_keys if k)
        if not key:
            notes.append(f"paragraph {numbers[index]} removed: no words")
            continue
        again = key in seen_exact
        if again and para.kind != "item" and not _repeats_legitimately(para.text):
            notes.append(
                f"paragraph {numbers[index]} removed: repeats paragraph "
                f"{numbers[seen_exact[key]]} "
                f"({_short(para.text)!r})"
            )
            continue
        total = key.count(" ") + 1
        repeated = 0
        if earlier and para.kind != "heading" and not again:
            for sent_key in sentence_keys:
                n = sent_key.count(" ") + 1
                if n >= MIN_REPEAT_WORDS and sent_key in earlier:
                    repeated += n
        if total and repeated / total >= share:
            source = _find_source(paragraphs, kept_index, para.text)
            notes.append(
                f"paragraph {numbers[index]} removed: {repeated} of its {total} words repeat "
                f"paragraph {numbers[source]} (a caption repeating the text?) "
                f"({_short(para.text)!r})"
            )
            continue
        seen_exact[key] = index
        kept.append(para)
        kept_index.append(index)
        earlier += " " + key + " |"
    numbers[:] = [numbers[i] for i in kept_index]
    return kept, notes


def _repeats_legitimately(text: str) -> bool:
    """Lines a text repeats on purpose: short ones (a list line, a label, "Meal 2"), and
    questions and labels ending in a colon (an interview asking each guest the same thing,
    "Biggest challenge:" before each team). A repeated sentence is a caption's copy."""
    return len(words(text)) < MIN_REPEAT_WORDS or text.rstrip().endswith(("?", ":"))


def _find_source(paragraphs: list[Paragraph], candidates: list[int], text: str) -> int:
    """The earlier paragraph sharing the most sentences with ``text``, for the note."""
    best, best_score = candidates[0], -1
    probes = [norm(s) for s in sentences(text) if len(words(s)) >= MIN_REPEAT_WORDS]
    for index in candidates:
        target = norm(paragraphs[index].text)
        score = sum(len(p) for p in probes if p in target)
        if score > best_score:
            best, best_score = index, score
    return best


def mark_captions(
    paragraphs: list[Paragraph], max_words: int, numbers: list[int] | None = None
) -> tuple[list[Paragraph], list[str]]:
    """Mark caption-like paragraphs, drop page furniture ("Advertisement"). Returns notes.

    List items and table rows (``item``, as the HTML reader marks them) inside the text are
    report text (bullet points, the features of a product, a results table); a run of them at
    either edge of the text is related links or a gallery's captions, marked as captions.

    ``numbers`` as for :func:`remove_repeats`.
    """
    numbers = numbers if numbers is not None else list(range(1, len(paragraphs) + 1))
    kept_numbers: list[int] = []
    out: list[Paragraph] = []
    notes: list[str] = []
    for index, para in enumerate(paragraphs):
        if len(para.text) < 60 and _FURNITURE.match(para.text):
            notes.append(f"paragraph {numbers[index]} removed: page furniture ({para.text!r})")
            continue
        out.append(para)
        kept_numbers.append(numbers[index])
    numbers[:] = kept_numbers
    like = [p.kind in {"body", "item"} and is_caption(p.text, max_words) for p in out]
    index = 0
    while index < len(out):
        if not like[index]:
            index += 1
            continue
        end = index
        while end + 1 < len(out) and like[end + 1] and out[end + 1].kind == out[index].kind:
            end += 1
        # List items inside the text are text; at its edges they are related links
        edge = index == 0 or end == len(out) - 1
        if out[index].kind == "body" or edge:
            for i in range(index, end + 1):
                out[i] = Paragraph(out[i].text, "caption")
                notes.append(
                    f"paragraph {numbers[i]} marked as a caption ({_short(out[i].text)!r})"
                )
        index = end + 1
    return out, notes


_BULLET = re.compile(r"^[\-–—*•·▪▫◦‣⁃►▶▸➤✓✔☑→]\s*")


def _ends_like_a_sentence(text: str) -> bool:
    last = text.rstrip()[-1:]
    # A sentence may end in an emoji or another symbol ("… see you soon 🙂").
    return last in _TERMINAL or (bool(last) and unicodedata.category(last) == "So")


def is_caption(text: str, max_words: int) -> bool:
    """Caption-like: an unpunctuated description of a picture, or a short line with a
    picture cue. Bullet points and lines ending like a sentence (an emoji ends one too) are
    not captions, nor is anything longer than ``max_words``.

    Short unpunctuated lines (up to six words, like "Protests in Minsk") are subheadings,
    not captions.
    """
    if _ends_like_a_sentence(text) or _BULLET.match(text) or text.count(" | ") >= 2:
        return False  # a sentence, a bullet point, a table row ("Ward | Votes | Result")
    n = text.count(" ") + 1
    if n > max_words:
        return False
    if n > 6:
        return True
    if n > 1 and text[:1].islower():  # a caption that lost its first letter
        return True
    return bool(_CAPTION_CUES.search(text))


def mark_headings(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Short unpunctuated lines between paragraphs are subheadings."""
    out = []
    for para in paragraphs:
        text = para.text
        n = len(text.split())
        if (
            para.kind == "body"
            and 1 <= n <= 6
            and not text.endswith(_TERMINAL)
            and text[:1].isupper()
        ):
            para = Paragraph(text, "heading")
        out.append(para)
    return out
