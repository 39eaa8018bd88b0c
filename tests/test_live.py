"""The pipeline one article at a time: the same store as a batch run over the same articles."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from storylens.compare.run import comparison
from storylens.compare.story import members_hash
from storylens.config import Settings
from storylens.ingest import find_sources
from storylens.live import LivePipeline
from storylens.models import Article
from storylens.pipeline import STAGES, Stage, check_order, read_articles, run
from storylens.store import Store
from storylens.store.comparisons import is_current, to_json

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
        if name != "comparisons":
            assert got[name] == expected[name], name
    # a comparison is stored when the reports it is made from change; a report that changes
    # none of them (a near copy, a report after the first MAX_ARTICLES) leaves it current,
    # with the story's heading of that time: everything else is equal row for row, and the
    # comparison as read (heading from the story) is equal in full
    assert _facts(got["comparisons"]) == _facts(expected["comparisons"])
    assert any(g != e for g, e in zip(got["comparisons"], expected["comparisons"], strict=True))
    with Store(tmp_path / "batch.db") as batch, Store(tmp_path / "live.db") as live:
        stories = [r[0] for r in batch.conn.execute("SELECT id FROM stories ORDER BY id")]
        for story_id in stories:
            assert to_json(comparison(live, story_id)) == to_json(comparison(batch, story_id))


def _facts(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Stored comparisons without the story's heading and the note that counts its reports."""
    out = []
    for story_id, key, data in rows:
        parsed = json.loads(str(data))
        parsed.pop("story"), parsed.pop("note")
        out.append((story_id, key, parsed))
    return out


def test_a_reloaded_pipeline_places_articles_as_one_that_never_restarted(
    tmp_path: Path, settings: Settings
) -> None:
    """Stopped half way and opened again (the stored stories replayed, those closed by then
    evicted as they were), the pipeline places the rest where one that kept running does."""
    articles = _in_order(settings, [str(EXAMPLES / "corpus")])
    half = len(articles) // 2
    with Store(tmp_path / "kept.db") as kept, LivePipeline(kept, settings, enrich=False) as p:
        for a in articles:
            p.add(a)
        expected = _tables(kept.conn)
        kept_closed = set(p.stories.closed)
    with Store(tmp_path / "restarted.db") as store:
        with LivePipeline(store, settings, enrich=False) as first:
            for a in articles[:half]:
                first.add(a)
        with LivePipeline(store, settings, enrich=False) as second:
            # the replay evicts the stories closed by the last stored article's date
            assert second.stories.closed
            assert all(s in kept_closed for s in second.stories.closed)
            placed = [second.add(a) for a in articles[half:]]
            assert second.reloads == 0
            got = _tables(store.conn)
            assert set(second.stories.closed) == kept_closed
    assert any(d.decision == "joined" for d in placed)
    for name in ("stories", "story_members", "storylines", "storyline_events", "duplicates"):
        assert got[name] == expected[name], name


def test_a_story_too_large_to_compare_in_an_add_is_compared_after(
    tmp_path: Path, settings: Settings
) -> None:
    """With ``compare_max`` reports, an add leaves a larger story's comparison stale (read
    afresh, never outdated) and ``compare_deferred`` stores it: then the store is the batch's."""
    pytest.importorskip("spacy")
    inputs = [str(EXAMPLES / "corpus")]
    with Store(tmp_path / "batch.db") as batch:
        run(batch, inputs, settings)
        expected = _facts(_tables(batch.conn)["comparisons"])
        read = {s: to_json(comparison(batch, s)) for s, *_ in expected}
    with Store(tmp_path / "live.db") as live:
        pipeline = LivePipeline(live, settings, compare_max=1)
        done = [pipeline.add(a) for a in _in_order(settings, inputs)]
        assert sum(d.deferred for d in done) and pipeline.deferred
        behind = list(pipeline.deferred)
        stored = {r[0] for r in live.conn.execute("SELECT story_id FROM comparisons")}
        for story_id in behind:  # not stored as current: read, it is compared afresh
            key = members_hash(live.conn, story_id)
            assert not is_current(live.conn, story_id, key)
            assert to_json(comparison(live, story_id)) == read[story_id]
        assert pipeline.compare_deferred() == len(behind) and not pipeline.deferred
        assert _facts(_tables(live.conn)["comparisons"]) == expected
        assert {r[0] for r in live.conn.execute("SELECT story_id FROM comparisons")} > stored
        pipeline.close()
