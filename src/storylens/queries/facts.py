"""Read queries for what the enrich and compare stages found: sentences, entities, claims,
quotes and the comparison of a story."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from storylens.errors import NotFoundError
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


def story_comparison(store: Store, story_id: str) -> dict[str, Any]:
    """Facts × outlets, summary and timeline of a story (see :mod:`storylens.compare.story`)."""
    from storylens.compare.run import comparison

    return comparison(store, story_id)
