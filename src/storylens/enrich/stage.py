"""The enrich stage over one article: sentences, entities, quotes and claims from spaCy parses.

:func:`enrich_docs` is pure (paragraph texts in, :class:`Enrichment` out) so it runs the same
in this process or in a worker. Captions are not read: they repeat or describe pictures.
Quotes are found over the whole article (a quote may run over several paragraphs) and their
speakers resolved once the article's entities are known; then a figure inside a quote gets the
quote's speaker as its attribution when its own sentence names none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from storylens.enrich.attribution import resolve_quotes
from storylens.enrich.claims import extract_claims
from storylens.enrich.entities import ArticleEntities
from storylens.enrich.quotes import find_quotes, sentences
from storylens.models import Claim, Enrichment, Quote, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc

# what claims.py gives as a source when the reporting verb's subject is a pronoun
PRONOUN_SOURCES = frozenset({"he", "she", "they", "it", "him", "her", "them"})


def enrich_docs(article_id: str, paragraphs: Sequence[tuple[int, Doc]]) -> Enrichment:
    """Everything the parses of one article's paragraphs say."""
    out = Enrichment(article_id)
    people = ArticleEntities()
    for paragraph, doc in paragraphs:
        for sent in sentences(doc):
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
    out.mentions, out.entities = people.resolve()
    found = find_quotes([doc for _, doc in paragraphs])
    positions = [paragraph for paragraph, _ in paragraphs]
    out.quotes = resolve_quotes(out, found, positions, people.people, people.subjects)
    attribute_quoted_claims(out.claims, out.quotes)
    resolve_claim_sources(out)
    return out


def _shift_claims(claims: list[Claim], lead: int) -> list[Claim]:
    """Claim offsets count from the stripped sentence start."""
    for claim in claims:
        claim.start -= lead
        claim.end -= lead
    return claims


def attribute_quoted_claims(claims: list[Claim], quotes: list[Quote]) -> None:
    """A figure inside a quote is the speaker's: its attribution, when the claim has none of
    its own (or only a pronoun), is the quote's resolved speaker."""
    for claim in claims:
        if claim.attribution and claim.attribution.lower() not in PRONOUN_SOURCES:
            continue
        for q in quotes:
            inside = q.sentence == claim.sentence and q.start <= claim.start < q.end
            if inside and q.speaker:
                claim.attribution = q.speaker
                break


def resolve_claim_sources(e: Enrichment) -> None:
    """ "…, he said": a claim still attributed to a pronoun goes to the speaker the quotes of
    its sentence resolved, else to the last person named up to its sentence (no one named: no
    attribution)."""
    for claim in e.claims:
        if (claim.attribution or "").lower() not in PRONOUN_SOURCES:
            continue
        quoted = [q.speaker for q in e.quotes if q.sentence == claim.sentence and q.speaker]
        named = [s for s in quoted if s.lower() not in PRONOUN_SOURCES]
        if named:
            claim.attribution = named[0]
            continue
        people = [m for m in e.mentions if m.label == "PERSON" and m.sentence <= claim.sentence]
        last = people[-1].entity if people else None
        claim.attribution = next((ent.name for ent in e.entities if ent.key == last), None)
