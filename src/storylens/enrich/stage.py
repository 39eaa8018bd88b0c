"""The enrich stage over one article: sentences, entities, quotes and claims from spaCy parses.

:func:`enrich_texts` is pure (paragraph texts in, :class:`Enrichment` out) so it runs the same
in this process or in a worker. Captions are not read: they repeat or describe pictures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from storylens.enrich.claims import PRONOUN_SOURCES, extract_claims
from storylens.enrich.entities import ArticleEntities, clean_name
from storylens.enrich.quotes import FoundQuote, find_quotes
from storylens.models import Claim, Enrichment, Mention, Quote, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc


def enrich_docs(article_id: str, paragraphs: Sequence[tuple[int, Doc]]) -> Enrichment:
    """Everything the parses of one article's paragraphs say."""
    out = Enrichment(article_id)
    people = ArticleEntities()
    found: list[tuple[int, FoundQuote]] = []  # (paragraph, quote)
    for paragraph, doc in paragraphs:
        for sent in doc.sents:
            text = sent.text.strip()
            if not text:
                continue
            lead = len(sent.text) - len(sent.text.lstrip())
            start = sent.start_char + lead
            index = len(out.sentences)
            out.sentences.append(
                Sentence(article_id, index, paragraph, start, start + len(text), text)
            )
            for ent in sent.ents:
                people.add(index, start, ent)
            out.claims.extend(_shift_claims(extract_claims(sent, index), lead))
        found.extend((paragraph, q) for q in find_quotes(doc))
    out.mentions, out.entities = people.resolve()
    out.quotes = [_resolve_quote(out, paragraph, q) for paragraph, q in found]
    _resolve_claim_sources(out)
    return out


def _shift_claims(claims: list[Claim], lead: int) -> list[Claim]:
    """Claim offsets count from the stripped sentence start."""
    for claim in claims:
        claim.start -= lead
        claim.end -= lead
    return claims


def _resolve_claim_sources(e: Enrichment) -> None:
    """ "…, he said": a claim attributed to a pronoun goes to the speaker the quotes of its
    sentence resolved for the same pronoun, else to the last person named up to its sentence
    (no one named: no attribution)."""
    for claim in e.claims:
        if claim.attribution not in PRONOUN_SOURCES:
            continue
        quoted = [q.speaker for q in e.quotes if q.sentence == claim.sentence and q.speaker]
        named = [s for s in quoted if s.lower() not in PRONOUN_SOURCES]
        if named:
            claim.attribution = named[0]
            continue
        end = e.sentences[claim.sentence].end if claim.sentence < len(e.sentences) else 0
        mention = _last_person(e.mentions, claim.sentence, end + 1)
        claim.attribution = _name(e, mention.entity) if mention is not None else None


def _sentence_at(e: Enrichment, paragraph: int, offset: int) -> Sentence | None:
    for s in e.sentences:
        if s.paragraph == paragraph and s.start <= offset < s.end + 1:
            return s
    return None


def _resolve_quote(e: Enrichment, paragraph: int, q: FoundQuote) -> Quote:
    sentence = _sentence_at(e, paragraph, q.start) or _sentence_at(e, paragraph, q.end - 1)
    index = sentence.index if sentence else 0
    start = q.start - sentence.start if sentence else 0
    speaker, key = q.speaker, None
    if q.speaker_at is not None and not q.pronoun:
        at = _sentence_at(e, paragraph, q.speaker_at)
        mention = _mention_at(e.mentions, at.index, q.speaker_at - at.start) if at else None
        if mention is not None:
            key = mention.entity
            speaker = _name(e, key) or clean_name(mention.text, mention.label)
        elif speaker is not None and speaker.islower():
            org = _organisation(e.mentions, index, speaker)
            if org is not None:  # "the company said" → the company the article named
                key, speaker = org.entity, _name(e, org.entity)
    elif q.pronoun:
        mention = _last_person(e.mentions, index, start)
        if mention is not None:
            key, speaker = mention.entity, _name(e, mention.entity)
    return Quote(index, q.text, speaker, "direct" if q.kind == "direct" else "indirect",
                 q.cue, key, start, start + len(q.text))  # fmt: skip


GENERIC_ORGS = frozenset(
    "company firm group agency ministry government operator utility authority union council "
    "party department club".split()
)


def _organisation(mentions: list[Mention], sentence: int, description: str) -> Mention | None:
    """The organisation a description such as "the company" or "the union" stands for: the
    last one named up to ``sentence`` whose name holds the noun ("Saltmere Dockworkers' Union"
    for "union"), or, for a generic noun, the last one named."""
    words = description.split()
    if not words or len(words) > 2:
        return None
    noun = words[-1]
    named = [m for m in mentions if m.label == "ORG" and m.sentence <= sentence]
    for m in reversed(named):
        if noun in m.text.lower().split():
            return m
    return named[-1] if named and noun in GENERIC_ORGS else None


def _mention_at(mentions: list[Mention], sentence: int, offset: int) -> Mention | None:
    for m in mentions:
        if m.sentence == sentence and m.start <= offset < m.end:
            return m
    return None


def _last_person(mentions: list[Mention], sentence: int, before: int) -> Mention | None:
    """The last person named before the quote (the antecedent of he / she): in earlier
    sentences, or earlier in the quote's own sentence."""
    best = None
    for m in mentions:
        if m.label == "PERSON" and (
            m.sentence < sentence or (m.sentence == sentence and m.start < before)
        ):
            best = m
    return best


def _name(e: Enrichment, key: str) -> str | None:
    return next((ent.name for ent in e.entities if ent.key == key), None)
