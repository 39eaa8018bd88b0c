"""Quotes: what was said, by whom, direct ("…," she said) or indirect (police said they …).

A direct quote is text between quotation marks (straight, curly, or single quotes as British
outlets use them) of at least three words, in a sentence with a reporting verb outside the
marks, or right after a sentence that ends with a colon and has one. Scare quotes ("a 'reserve
police force'") have no reporting verb and are not quotes. The speaker is the subject of the
reporting verb: a named entity, a description ("police", "the defence ministry"), or a pronoun
that is read as the last person the article named before the quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

CUES = frozenset(
    "say tell add state write claim insist warn announce declare explain note report deny "
    "confirm argue accuse urge ask reply suggest stress tweet admit reveal allege predict vow "
    "promise testify recall acknowledge complain conclude assert maintain estimate".split()
)
INDIRECT_CUES = frozenset(
    "say tell state claim announce report insist warn deny confirm add allege admit estimate "
    "acknowledge believe".split()
)
NEXT_SENTENCE_CUE = 4  # tokens: the attribution opens the next sentence ("she said.")
PRONOUNS = frozenset({"he", "she", "him", "her"})
PLURAL_PRONOUNS = frozenset({"they", "them", "we", "i", "it"})
MIN_WORDS = 3  # reported clauses
MIN_DIRECT_WORDS = 4  # shorter quoted phrases are scare quotes: a 'reserve police force'
_INNER = r"(?:[^'‘’\n]|(?<=\w)['’](?=\w))+?"
DIRECT = re.compile(
    r"[“\"](?P<d>[^”\"\n]+?)[”\"]"
    rf"|(?:(?<=^)|(?<=[\s(\[—–-]))['‘](?P<s>{_INNER})['’](?=[\s.,;:!?)\]—–-]|$)"
)


@dataclass(slots=True)
class FoundQuote:
    """A quote found in one paragraph; the speaker is resolved to an entity by the stage."""

    sentence: int  # index of the sentence the quote starts in, within the paragraph's doc
    start: int  # offsets in the paragraph
    end: int
    text: str
    kind: str
    cue: str
    speaker: str | None  # as written, or None for a pronoun
    speaker_at: int | None  # paragraph offset of the speaker's head word (entity lookup)
    pronoun: bool = False


def find_quotes(doc: Doc) -> list[FoundQuote]:
    """The direct and indirect quotes of one paragraph."""
    sents = list(doc.sents)
    found: list[FoundQuote] = []
    covered: list[tuple[int, int]] = []
    for m in DIRECT.finditer(doc.text):
        group = "d" if m.group("d") is not None else "s"
        text = m.group(group).strip().rstrip(",")
        if len(text.split()) < MIN_DIRECT_WORDS:
            continue
        qs, qe = m.start(), m.end()
        index = next((i for i, s in enumerate(sents) if s.start_char <= qs < s.end_char), 0)
        cue = _cue_near(sents, index, qs, qe)
        start = m.start(group)
        if cue is not None:
            covered.append((qs, qe))
            found.append(_quote(index, start, start + len(text), text, "direct", cue))
        elif found and found[-1].kind == "direct" and _follows(doc.text, found[-1], qs):
            # '"…," she said. "We will find out what happened."': the same speaker goes on
            covered.append((qs, qe))
            prev = found[-1]
            found.append(FoundQuote(index, start, start + len(text), text, "direct", prev.cue,
                                    prev.speaker, prev.speaker_at, prev.pronoun))  # fmt: skip
    for index, sent in enumerate(sents):
        found.extend(_indirect(index, sent, covered))
    return found


def _follows(text: str, prev: FoundQuote, start: int) -> bool:
    """A quote that goes on from the previous one: only its attribution lies between."""
    return start - prev.end <= 100 and "\n" not in text[prev.end : start]


def _cue_near(sents: list[Span], index: int, qs: int, qe: int) -> Token | None:
    """A reporting verb outside the quote: in the sentences the quote spans, at the start of
    the next one (``“…,” she said.`` split off), or in a preceding one that ends with a
    colon."""
    candidates = [(s, len(s)) for s in sents if s.start_char < qe and s.end_char > qs]
    last = sents.index(candidates[-1][0]) if candidates else index
    if last + 1 < len(sents) and sents[last].text.rstrip().endswith(("”", '"', "'", "’")):
        candidates.append((sents[last + 1], NEXT_SENTENCE_CUE))
    if index > 0 and sents[index - 1].text.rstrip().endswith(":"):
        candidates.append((sents[index - 1], len(sents[index - 1])))
    for sent, within in candidates:
        for tok in sent[:within]:
            if qs <= tok.idx < qe or tok.lemma_.lower() not in CUES or tok.pos_ != "VERB":
                continue
            if _subject(tok) is not None:
                return tok
    return None


def _subject(verb: Token) -> Token | None:
    """The speaker's head word: the verb's subject; for "…, saying that" or "said … but
    warned that" the subject of the verb it hangs from; for "which says" the noun "which"
    stands for."""
    for _ in range(3):
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None:
            if subject.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
                return verb.head
            return subject
        if verb.dep_ not in ("advcl", "conj", "xcomp") or verb.head is verb:
            return None
        verb = verb.head
    return None


def _quote(sentence: int, start: int, end: int, text: str, kind: str, cue: Token) -> FoundQuote:
    subject = _subject(cue)
    assert subject is not None
    pronoun = subject.lower_ in PRONOUNS
    speaker = None if pronoun or subject.lower_ in PLURAL_PRONOUNS else _describe(subject)
    person = _person_in(subject)
    at = person.root.idx if person is not None else subject.idx
    return FoundQuote(sentence, start, end, text, kind, cue.lemma_.lower(), speaker, at, pronoun)


def _describe(head: Token) -> str:
    """The speaker as the text names it: a proper name whole, a description without its
    article ("the defence ministry" → "defence ministry"), common nouns in lower case."""
    if head.ent_type_ and head.ent_iob_ in ("B", "I"):
        ent = next((e for e in head.doc.ents if e.start <= head.i < e.end), None)
        if ent is not None:
            return ent.text
    person = _person_in(head)
    if person is not None:  # "union general secretary Ilse Marrow": the name, not the title
        return person.text
    left = [t for t in head.lefts if t.dep_ in ("compound", "amod", "nmod", "poss")]
    words = [*left, head]
    for prep in (t for t in head.rights if t.dep_ == "prep" and t.lower_ == "of"):
        words += list(prep.subtree)
    words.sort(key=lambda t: t.i)
    text = " ".join(t.text for t in words[:8])
    return text if head.pos_ == "PROPN" else text.lower()


def _person_in(head: Token) -> Span | None:
    """A person named in the subject's own phrase (compounds and appositions)."""
    lo = min(t.i for t in head.subtree)
    hi = max(t.i for t in head.subtree)
    for ent in head.doc.ents:
        inside = ent.label_ == "PERSON" and lo <= ent.start and ent.end - 1 <= hi
        if inside and (ent.root.head == head or ent.root == head or ent.root.dep_ == "appos"):
            return ent
    return None


def _indirect(index: int, sent: Span, covered: list[tuple[int, int]]) -> list[FoundQuote]:
    """Reported speech: a reporting verb with a subject and a clause ("Police said they
    detained …"), or "according to X"."""
    out: list[FoundQuote] = []
    for tok in sent:
        if any(qs <= tok.idx < qe for qs, qe in covered):
            continue
        lemma = tok.lemma_.lower()
        if lemma in INDIRECT_CUES and tok.pos_ == "VERB":
            clause = next((c for c in tok.children if c.dep_ == "ccomp"), None)
            if clause is None or _subject(tok) is None:
                continue
            span = sent.doc[clause.left_edge.i : clause.right_edge.i + 1]
            if any(qs < span.end_char and qe > span.start_char for qs, qe in covered):
                continue  # a direct quote already carries these words
            if span[0].lower_ == "that" and span[0].dep_ == "mark":
                span = span[1:]  # "said that the supporters …": the words start after "that"
            if len(span) < MIN_WORDS:
                continue
            out.append(_quote(index, span.start_char, span.end_char, span.text, "indirect", tok))
        elif lemma == "accord" and tok.i + 1 < len(sent.doc) and sent.doc[tok.i + 1].lower_ == "to":
            source = next((c for c in sent.doc[tok.i + 1].children if c.dep_ == "pobj"), None)
            if source is None:
                continue
            # the words reported: the longer side of "according to X", so they are one span
            # of the sentence and the offsets point at them exactly
            before = sent.doc[sent.start : tok.i]
            after = sent.doc[source.right_edge.i + 1 : sent.end]
            side = after if len(after) > len(before) else before
            text = side.text.strip(" ,.;:")
            if len(text.split()) < MIN_WORDS:
                continue
            start = side.start_char + side.text.index(text)
            out.append(
                FoundQuote(
                    index,
                    start,
                    start + len(text),
                    text,
                    "indirect",
                    "according to",
                    _describe(source),
                    source.idx,
                )
            )
    return out
