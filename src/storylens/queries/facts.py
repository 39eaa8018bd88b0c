"""Read queries for what the enrich and compare stages found: sentences, entities, claims,
quotes and the comparison of a story."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from storylens.errors import NotFoundError
from storylens.models import Comparison, SummaryLine, SummarySource
from storylens.queries import find_article
from storylens.store import Store


def article_enrichment(store: Store, ref: str) -> dict[str, Any]:
    """What the enrich stage found in an article: sentences (with paragraph offsets), entity
    mentions, quotes and claims, each pointing at its sentence."""
    from storylens.store import enrich

    article = find_article(store, ref)
    ids = [article.id]
    return {
        "article": article.id,
        "enriched": bool(enrich.enriched(store.conn, ids)),
        "sentences": [asdict(s) for s in enrich.sentences(store.conn, ids).get(article.id, [])],
        "mentions": enrich.mentions(store.conn, ids).get(article.id, []),
        "quotes": [asdict(q) for q in enrich.quotes(store.conn, ids).get(article.id, [])],
        "claims": [asdict(c) for c in enrich.claims(store.conn, ids).get(article.id, [])],
    }


def list_entities(
    store: Store,
    query: str | None = None,
    label: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Entities by number of articles that name them."""
    from storylens.store.entities import list_entities as rows

    return rows(store.conn, query, label.upper() if label else None, limit, offset)


def entity_detail(store: Store, ref: str) -> dict[str, Any]:
    """An entity (by key, or by name), its aliases and its stories over time."""
    from storylens.store.entities import entity_detail as detail
    from storylens.store.entities import find_entity

    key = find_entity(store.conn, ref)
    if key is None:
        raise NotFoundError(
            f"no entity {ref!r}", hint="List entities with: storylens entities --search NAME"
        )
    return detail(store.conn, key)


def list_claims(
    store: Store,
    story: str | None = None,
    article: str | None = None,
    subject: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Numeric claims with their sentence, newest reports first."""
    from storylens.store.entities import facts

    return facts(store.conn, "claims", _ids(store, story, article), subject, limit, offset)


def list_quotes(
    store: Store,
    story: str | None = None,
    article: str | None = None,
    speaker: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Quotes with their speaker and sentence, newest reports first."""
    from storylens.store.entities import facts

    return facts(store.conn, "quotes", _ids(store, story, article), speaker, limit, offset)


def _ids(store: Store, story: str | None, article: str | None) -> list[str] | None:
    from storylens.store.stories import get_story, members

    if article:
        return [find_article(store, article).id]
    if story:
        found = get_story(store.conn, story)
        if found is None:
            raise NotFoundError(f"no story with id {story!r}", hint="List them: storylens stories")
        return [m["id"] for m in members(store.conn, found.id)]
    return None


def story_comparison(store: Store, story_id: str) -> Comparison:
    """Facts × outlets, summary and timeline of a story (see :mod:`storylens.compare.story`)."""
    from storylens.compare.run import comparison

    return comparison(store, story_id)


def entities_page(
    store: Store, query: str | None = None, label: str | None = None, limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:  # fmt: skip
    """A page of entities (most named first) and how many match in all."""
    from storylens.store.entities import count_entities

    lab = label.upper() if label else None
    rows = list_entities(store, query, lab, limit, offset)
    return rows, count_entities(store.conn, query, lab)


def entity_labels(store: Store) -> list[str]:
    """The entity types present in the store (PERSON, ORG, PLACE …)."""
    from storylens.store.entities import entity_labels as labels

    return labels(store.conn)


def facts_page(
    store: Store,
    table: str,
    story: str | None = None,
    article: str | None = None,
    who_or_what: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """A page of ``claims`` (filtered by subject) or ``quotes`` (by speaker), and the total."""
    from storylens.store.entities import count_facts, facts

    ids = _ids(store, story, article)
    rows = facts(store.conn, table, ids, who_or_what, limit, offset)
    return rows, count_facts(store.conn, table, ids, who_or_what)


def story_analysis(store: Store, story_id: str) -> Comparison:
    """:func:`story_comparison` with the summary located for a page: each summary line and its
    sources get ``paragraph``, ``start`` and ``end`` (offsets of the sentence in its
    paragraph's text), as the facts' cells have them."""
    from storylens.store import enrich

    data = story_comparison(store, story_id)
    wanted = {s.article for item in data.summary for s in item.sources}
    found = enrich.sentences(store.conn, sorted(wanted)) if wanted else {}
    where = {(aid, s.index): s for aid, sents in found.items() for s in sents}

    def locate(place: SummaryLine | SummarySource) -> None:
        s = where.get((place.article, place.sentence))
        if s is not None:
            place.paragraph, place.start, place.end = s.paragraph, s.start, s.end

    for item in data.summary:
        locate(item)
        for source in item.sources:
            locate(source)
    return data
