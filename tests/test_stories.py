"""Dedupe and story clustering on real files in a real store; metrics; the story commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storylens.cli.app import app
from storylens.cluster import run_cluster
from storylens.cluster.metrics import score
from storylens.config import Settings
from storylens.dedupe import run_dedupe
from storylens.evaluation import Grid
from storylens.pipeline import ingest
from storylens.store import Store

from .conftest import SEEDS, needs_shared
from .test_examples import CORPUS, GOLD
from .test_examples import _origin as _gold_origin


def _stories(store: Store) -> dict[str, str]:
    """origin → story id, for every article and every exact copy."""
    rows = store.conn.execute(
        "SELECT s.origin, m.story_id FROM sightings s JOIN story_members m"
        " ON m.article_id = s.article_id"
    ).fetchall()
    return dict(rows)


def _clustered(store: Store, settings: Settings, *paths: Path) -> None:
    ingest(store, [str(p) for p in paths], settings)
    run_dedupe(store, settings)
    run_cluster(store, settings)


def test_metrics_on_hand_computed_cases() -> None:
    perfect = score(["a", "a", "b"], ["x", "x", "y"])
    assert (perfect.bcubed_f1, perfect.pairwise_f1, perfect.ari) == (1.0, 1.0, 1.0)
    lumped = score(["a", "a", "a", "a"], ["x", "x", "y", "y"])
    assert lumped.bcubed_p == pytest.approx(0.5) and lumped.bcubed_r == 1.0
    assert lumped.pairwise_p == pytest.approx(2 / 6)
    alone = score([1, 2, 3, 4], ["x", "x", "y", "y"])
    assert alone.bcubed_p == 1.0 and alone.bcubed_r == pytest.approx(0.5)
    assert alone.clusters == 4 and alone.gold_clusters == 2


def _storylines(store: Store) -> dict[str, str]:
    """origin → storyline id, for every article and every exact copy."""
    rows = store.conn.execute(
        "SELECT s.origin, e.storyline_id FROM sightings s JOIN story_members m"
        " ON m.article_id = s.article_id JOIN storyline_events e ON e.story_id = m.story_id"
    ).fetchall()
    return dict(rows)


def test_example_corpus_stories_score_above_the_floor(store: Store, settings: Settings) -> None:
    _clustered(store, settings, CORPUS)
    story_of, line_of = _stories(store), _storylines(store)
    gold = [g["story"] for g in GOLD]
    events = score([story_of[_gold_origin(g)] for g in GOLD], gold)
    lines = score([line_of[_gold_origin(g)] for g in GOLD], gold)
    # the gold stories are storylines (the port strike from walkout to ballot, 9 days; the
    # Brennock fire and the inspectors' report two weeks later): events split them in time,
    # never mix them (precision), and the storylines put them back together
    assert events.bcubed_p >= 0.97  # measured 1.0 (F1 0.860: the storylines are split in time)
    assert lines.bcubed_p >= 0.97 and lines.bcubed_f1 >= 0.95  # measured 1.0, 1.0
    # the two same-kind events months apart stay apart, at both levels
    for level in (story_of, line_of):
        oak = {level[_gold_origin(g)] for g in GOLD if g["story"] == "oakhurst-factory-fire"}
        brennock = {level[_gold_origin(g)] for g in GOLD if g["story"] == "brennock-factory-fire"}
        assert oak.isdisjoint(brennock)
    # the port strike is one storyline of several events, none longer than the span
    strike = [_gold_origin(g) for g in GOLD if g["story"] == "port-strike"]
    assert len({line_of[o] for o in strike}) == 1 and len({story_of[o] for o in strike}) > 1
    span = store.conn.execute(
        "SELECT max(julianday(last_seen) - julianday(first_seen)) FROM stories"
    ).fetchone()[0]
    assert span <= settings.get("cluster.span_days")


def test_example_corpus_events_score_against_the_event_gold(
    store: Store, settings: Settings
) -> None:
    """The event level against `event` in the gold (26 events, labelled by reading; the
    definition is in examples/gold/README.md). The target is B³ F1 ≥ 0.95 at P ≥ 0.97; it is
    not reached: the floors are what is measured now, rounded down."""
    by_event: dict[str, set[str]] = {}
    for g in GOLD:
        by_event.setdefault(g["event"], set()).add(g["story"])
    assert len(by_event) == 26 and all(len(s) == 1 for s in by_event.values())
    _clustered(store, settings, CORPUS)
    story_of = _stories(store)
    events = score([story_of[_gold_origin(g)] for g in GOLD], [g["event"] for g in GOLD])
    # measured P 0.673, R 1.000, F1 0.805 (16 events for 26): no gold event is split, but
    # successive happenings days apart are one event (walkout with the talks, march with the
    # mediator and the deal, vigil with the arrest) or a follow-up joins its event (lenders'
    # rates, growers' exemption, air tests, signal fault, ticket rush, the mayor's first day)
    assert events.bcubed_r >= 1.0
    assert events.bcubed_p >= 0.67 and events.bcubed_f1 >= 0.80
    # the gold's events inside one storyline are never spread over two clusterer storylines
    line_of = _storylines(store)
    for name in by_event:
        assert len({line_of[_gold_origin(g)] for g in GOLD if g["event"] == name}) == 1


def test_rebuild_is_deterministic_and_ids_are_stable(store: Store, settings: Settings) -> None:
    _clustered(store, settings, CORPUS)
    first = _stories(store)
    run_cluster(store, settings, rebuild=True)
    assert _stories(store) == first
    # incremental: adding nothing changes nothing; ids survive a re-run
    report = run_cluster(store, settings)
    assert report.assigned == 0 and _stories(store) == first
    # incremental after removing the newest reports: they come back to the same stories,
    # and the stories they join keep their earlier members
    newest = [r[0] for r in store.conn.execute(
        "SELECT article_id FROM story_members m JOIN articles a ON a.id = m.article_id"
        " ORDER BY a.published DESC LIMIT 5")]  # fmt: skip
    with store.transaction():
        store.conn.execute(
            f"DELETE FROM story_members WHERE article_id IN ({','.join('?' * len(newest))})",
            newest,
        )
    assert run_cluster(store, settings).assigned == 5
    assert _stories(store) == first


def test_wire_copies_are_linked_with_their_changes(store: Store, settings: Settings) -> None:
    _clustered(store, settings, CORPUS)
    rows = store.conn.execute(
        "SELECT d.article_id, d.canonical_id, d.similarity, d.added, d.removed FROM duplicates d"
    ).fetchall()
    assert len(rows) >= 2
    for _, _, similarity, added, removed in rows:
        assert similarity >= settings.get("dedupe.near_threshold")
        assert json.loads(added) or json.loads(removed)
    story_of = dict(store.conn.execute("SELECT article_id, story_id FROM story_members"))
    assert all(story_of[a] == story_of[c] for a, c, *_ in rows)


@needs_shared
def test_the_two_seeds_land_in_one_story(store: Store, settings: Settings) -> None:
    _clustered(store, settings, SEEDS, CORPUS)
    seeds = {o: s for o, s in _stories(store).items() if o.startswith(str(SEEDS))}
    assert len(seeds) == 2 and len(set(seeds.values())) == 1
    assert sum(s in set(seeds.values()) for s in _stories(store).values()) == 2


def test_story_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "s.db")
    runner.invoke(app, ["ingest", str(CORPUS), "--db", db])
    result = runner.invoke(app, ["cluster", "--db", db, "--json"])
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["assigned"] == 47
    lines = json.loads(runner.invoke(app, ["storylines", "--db", db, "--json"]).stdout)
    assert sum(x["size"] for x in lines) == 47
    strike = max(lines, key=lambda x: x["size"])
    assert strike["size"] == 11 and strike["events"] > 1 and "Saltmere" in strike["title"]
    shown = json.loads(runner.invoke(app, ["storyline", strike["id"], "--db", db, "--json"]).stdout)
    timeline = shown["timeline"]
    assert len(timeline) == strike["events"] and sum(e["size"] for e in timeline) == 11
    assert [e["first_seen"] for e in timeline] == sorted(e["first_seen"] for e in timeline)
    text = runner.invoke(app, ["storyline", strike["id"][:8], "--db", db])
    assert text.exit_code == 0 and f"{strike['events']} events" in text.stdout
    assert runner.invoke(app, ["storyline", "nope", "--db", db]).exit_code == 1
    stories = json.loads(runner.invoke(app, ["stories", "--db", db, "--json"]).stdout)
    biggest = next(s for s in stories if s["id"] == max(timeline, key=lambda e: e["size"])["id"])
    detail = json.loads(runner.invoke(app, ["story", biggest["id"], "--db", db, "--json"]).stdout)
    assert sum(len(v) for v in detail["by_outlet"].values()) == biggest["size"]
    assert detail["storyline"]["id"] == strike["id"]
    for reports in detail["by_outlet"].values():
        assert [r["published"] for r in reports] == sorted(r["published"] for r in reports)
    member = detail["reports"][1]["id"]
    why = json.loads(runner.invoke(app, ["why", member, "--db", db, "--json"]).stdout)
    assert why["story"]["id"] == biggest["id"]
    assert why["decision"] == "joined" and why["score"] >= why["threshold"]
    dupes = json.loads(runner.invoke(app, ["dupes", "--db", db, "--json"]).stdout)
    assert dupes and all(g["copies"] for g in dupes)
    missing = runner.invoke(app, ["story", "nope", "--db", db])
    assert missing.exit_code == 1


def test_eval_clusters_prints_metrics_and_baselines(tmp_path: Path) -> None:
    lines = []
    for g in GOLD:
        path = CORPUS / g["path"]
        if path.suffix != ".txt":
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        lines.append({"id": g["path"], "label": g["story"], "title": "", "body": text})
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(x) for x in lines))
    result = CliRunner().invoke(app, ["eval", "clusters", str(gold), "--json", "--cv"])
    assert result.exit_code == 0, result.stdout
    data = json.loads(result.stdout)
    names = [r["name"] for r in data["results"]]
    assert names == [
        "storylens", "storylens storylines", "every article alone", "TF-IDF agglomerative (oracle)"
    ]  # fmt: skip
    alone = data["results"][2]["scores"]
    assert alone["bcubed_p"] == 1.0 and alone["clusters"] == len(lines)
    assert 0 < data["results"][0]["scores"]["bcubed_f1"] <= 1
    folds = data["cross_validation"]
    assert [f["fold"] for f in folds] == [0, 1, 2, 3, 4]
    grid = Grid()
    assert all(f["threshold"] in grid.thresholds for f in folds)
    assert all(f["split_ratio"] in grid.split_ratios for f in folds)
    assert all(f["half_life_days"] in grid.half_lives for f in folds)
    assert all(f["span_days"] in grid.spans for f in folds)
    assert all(0 <= f["test_bcubed_f1"][str(gold)] <= 1 for f in folds)


def test_live_stories_place_new_articles_as_a_rebuild_would(
    tmp_path: Path, settings: Settings
) -> None:
    from storylens.live import LivePipeline
    from storylens.pipeline import build_stories
    from storylens.queries import list_articles

    with Store(tmp_path / "batch.db") as batch:
        ingest(batch, [str(CORPUS)], settings)
        build_stories(batch, settings, rebuild=True)
        expected = {frozenset(ids) for ids in _partition(batch).values()}
        expected_lines = _lines(batch)
        newest = list_articles(batch, limit=6)  # the six most recent reports
    with Store(tmp_path / "live.db") as live:
        ingest(live, [str(CORPUS)], settings)
        with live.transaction():
            for a in newest:
                live.conn.execute("DELETE FROM articles WHERE id=?", (a.id,))
        feed = LivePipeline(live, settings, enrich=False)
        in_order = sorted(newest, key=lambda a: (a.published, a.id))  # as a rebuild reads them
        outcomes = [feed.add(a) for a in in_order]
        assert [o.outcome for o in outcomes] == ["added"] * 6
        assert {frozenset(ids) for ids in _partition(live).values()} == expected
        assert _lines(live) == expected_lines
        again = feed.add(in_order[-1])
        assert again.outcome == "unchanged" and again.story == outcomes[-1].story


def _partition(store: Store) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for article_id, story_id in store.conn.execute(
        "SELECT article_id, story_id FROM story_members"
    ):
        groups.setdefault(story_id, set()).add(article_id)
    return groups


def _lines(store: Store) -> set[frozenset[frozenset[str]]]:
    """Each storyline as the set of its events' member sets."""
    events = _partition(store)
    lines: dict[str, set[frozenset[str]]] = {}
    for story_id, line_id in store.conn.execute(
        "SELECT story_id, storyline_id FROM storyline_events"
    ):
        lines.setdefault(line_id, set()).add(frozenset(events[story_id]))
    return {frozenset(x) for x in lines.values()}
