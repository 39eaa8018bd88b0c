"""The pipeline one article at a time: the same store as a batch run over the same articles."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storylens.config import Settings
from storylens.ingest import find_sources
from storylens.live import LivePipeline
from storylens.models import Article
from storylens.pipeline import STAGES, Stage, check_order, read_articles, run
from storylens.store import Store

from .conftest import EXAMPLES

# what each stage writes, compared row for row (times of writing left out)
TABLES = {
    "articles": "SELECT id, outlet, title, published, content_hash FROM articles",
    "duplicates": "SELECT * FROM duplicates",
    "minhashes": "SELECT * FROM minhashes",
    "minhash_bands": "SELECT key, article_id FROM minhash_bands",
    "stories": "SELECT * FROM stories",
    "story_members": "SELECT * FROM story_members",
    "storylines": "SELECT * FROM storylines",
    "storyline_events": "SELECT * FROM storyline_events",
    "sentences": "SELECT * FROM sentences",
    "entities": "SELECT * FROM entities",
    "entity_aliases": "SELECT * FROM entity_aliases",
    "mentions": "SELECT * FROM mentions",
    "quotes": "SELECT * FROM quotes",
    "claims": "SELECT * FROM claims",
    "enrichments": "SELECT article_id, content_hash, model, sentences FROM enrichments",
    "comparisons": "SELECT story_id, members, data FROM comparisons",
}


def _tables(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    return {name: sorted(map(tuple, conn.execute(sql)), key=repr) for name, sql in TABLES.items()}


def _in_order(settings: Settings, inputs: list[str]) -> list[Article]:
    """The corpus's articles, cleaned, in the order a batch run places them."""
    found = [a for _, items in read_articles(find_sources(inputs), settings) for a in items]
    articles = [a for a in found if isinstance(a, Article)]
    return sorted(articles, key=lambda a: (a.published is None, a.published or 0, a.id))


def test_the_stages_are_declared_in_an_order_that_holds() -> None:
    assert [s.name for s in STAGES] == ["ingest", "dedupe", "cluster", "enrich", "compare"]
    check_order()
    swapped = [STAGES[0], STAGES[2], STAGES[1], *STAGES[3:]]
    with pytest.raises(ValueError, match="cluster needs duplicates"):
        check_order(swapped)
    with pytest.raises(ValueError, match="needs stories"):
        check_order([*STAGES[:2], *STAGES[3:]])
    assert all(isinstance(s, Stage) and s.needs and s.provides for s in STAGES)


def test_articles_added_one_by_one_give_the_batch_store(tmp_path: Path, settings: Settings) -> None:
    pytest.importorskip("spacy")
    inputs = [str(EXAMPLES / "corpus")]
    with Store(tmp_path / "batch.db") as batch:
        run(batch, inputs, settings)
        expected = _tables(batch.conn)
    articles = _in_order(settings, inputs)
    with Store(tmp_path / "live.db") as live, LivePipeline(live, settings) as pipeline:
        outcomes = [pipeline.add(a) for a in articles]
        got = _tables(live.conn)
    assert {o.outcome for o in outcomes} <= {"added", "duplicate"}
    added = [o for o in outcomes if o.outcome == "added"]
    assert len(added) == len(expected["articles"]) > 30
    assert all(o.enriched and o.story for o in added)
    assert any(o.decision == "joined" for o in added) and any(o.compared for o in added)
    assert len(expected["comparisons"]) > 3 and len(expected["claims"]) > 20
    for name in TABLES:
        assert got[name] == expected[name], name
