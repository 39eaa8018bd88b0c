"""The comparison of a story, on the seeds (the issue's checks) and on reports written here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from storylens.cli.app import app
from storylens.compare.run import run_compare
from storylens.config import Settings
from storylens.enrich.run import run_enrich
from storylens.models import Comparison, Fact
from storylens.pipeline import build_stories, ingest, ingest_records
from storylens.queries import list_stories, story_comparison
from storylens.store import Store

from .conftest import SEEDS, needs_shared

DAILY_MAIL = "Daily Mail"


@pytest.fixture
def seeds(store: Store, settings: Settings) -> Comparison:
    if not SEEDS.is_dir():
        pytest.skip(f"../shared is not beside the project (looked for {SEEDS})")
    ingest(store, [str(SEEDS)], settings)
    build_stories(store, settings)
    run_enrich(store, settings)
    (story,) = list_stories(store)
    return story_comparison(store, story["id"])


def _facts(data: Comparison, kind: str) -> list[Fact]:
    return [f for f in data.facts if f.kind == kind]


def _reporting(fact: Fact) -> list[str]:
    return [o for o, cells in fact.outlets.items() if cells]


def _other(data: Comparison) -> str:
    (other,) = [o for o in data.outlets if o != DAILY_MAIL]
    return other


@needs_shared
def test_crowd_figures_are_one_claim_and_compatible(seeds: Comparison) -> None:
    crowd = [
        f for f in _facts(seeds, "claim")
        if any("100,000" in (c.value or "") for cs in f.outlets.values() for c in cs)
    ]  # fmt: skip
    assert len(crowd) == 1
    (fact,) = crowd
    assert fact.key.startswith("protester")
    assert sorted(_reporting(fact)) == sorted(seeds.outlets)
    assert fact.status == "compatible"
    values = {c.value for cells in fact.outlets.values() for c in cells}
    assert {"over 100,000", "At least 100,000"} <= values


@needs_shared
def test_detentions_only_in_the_daily_mail_attributed_to_police(seeds: Comparison) -> None:
    (fact,) = [f for f in _facts(seeds, "claim") if f.label.endswith(": over 400")]
    assert _reporting(fact) == [DAILY_MAIL]
    assert fact.status == "only_one"
    (cell,) = fact.outlets[DAILY_MAIL]
    assert cell.claim is not None
    assert cell.claim.lo == 400 and cell.claim.lo_open is True
    assert cell.claim.attribution == "police"
    assert "Police said they detained over 400 people" in cell.text


@needs_shared
def test_alexievich_quote_only_in_000_with_its_speaker(seeds: Comparison) -> None:
    (fact,) = [f for f in _facts(seeds, "quote") if "terror against our own people" in f.label]
    assert fact.status == "only_one"
    assert _reporting(fact) == [_other(seeds)]
    (cell,) = fact.outlets[_other(seeds)]
    assert cell.quote is not None
    assert cell.quote.speaker == "Svetlana Alexievich"
    assert cell.quote.kind == "direct"


@needs_shared
def test_paratroopers_only_in_003(seeds: Comparison) -> None:
    found = [f for f in seeds.facts if "paratroopers" in f.label]
    assert found
    for fact in found:
        assert _reporting(fact) == [DAILY_MAIL]
        assert fact.status == "only_one"


@needs_shared
def test_protest_duration_is_one_fact_in_different_words(seeds: Comparison) -> None:
    (fact,) = [
        f for f in _facts(seeds, "claim")
        if any("sixth week" in (c.value or "") for cs in f.outlets.values() for c in cs)
    ]  # fmt: skip
    assert sorted(_reporting(fact)) == sorted(seeds.outlets)
    values = {c.value or "" for cs in fact.outlets.values() for c in cs}
    assert any("fifth consecutive weekend" in v for v in values)
    assert fact.status == "compatible"
    assert "different units" in (fact.note or "")


@needs_shared
def test_every_cell_points_at_its_sentence(seeds: Comparison, store: Store) -> None:
    paragraphs = {
        r[0]: [t for t, _ in json.loads(r[1])]
        for r in store.conn.execute("SELECT id, paragraphs FROM articles")
    }
    cells = [c for f in seeds.facts for cs in f.outlets.values() for c in cs]
    assert len(cells) > 30
    for c in cells:
        assert c.paragraph is not None
        assert paragraphs[c.article][c.paragraph][c.start : c.end] == c.text


@needs_shared
def test_summary_and_timeline(seeds: Comparison) -> None:
    summary = seeds.summary
    assert 3 <= len(summary) <= 5
    assert any(len(s.outlets) == 2 for s in summary)  # confirmed by both comes first
    assert any("100,000" in s.text for s in summary)
    for s in summary:  # one source per outlet that stands behind the sentence
        assert [src.outlet for src in s.sources] == s.outlets
    (day,) = seeds.timeline
    assert day.day == "2020-09-14" and len(day.reports) == 2


def _report(rid: str, outlet: str, body: str, day: str = "03") -> dict[str, Any]:
    return {
        "id": rid, "title": f"Harbour strike {rid}", "body": body, "source": outlet,
        "url": f"https://{outlet.lower().replace(' ', '')}.example/{rid}",
        "published": f"2025-04-{day}T09:00:00Z",
    }  # fmt: skip


def test_conflicting_figures_and_stored_comparisons(store: Store, settings: Settings) -> None:
    ingest_records(store, [
        _report("a", "North Post", "The dockers strike at Port Vell entered its third day. "
                "Police said they arrested 12 people outside the gates on Tuesday."),
        _report("b", "South Ledger", "The dockers strike at Port Vell entered its third day. "
                "Police said they arrested 40 people outside the gates on Tuesday."),
    ], settings)  # fmt: skip
    build_stories(store, settings)
    run_enrich(store, settings)
    (story,) = list_stories(store)
    report = run_compare(store)
    assert report.computed == 1
    assert run_compare(store).computed == 0  # nothing changed: nothing recomputed
    data = story_comparison(store, story["id"])
    (arrests,) = [f for f in _facts(data, "claim") if f.key.startswith(("arrest", "detain"))]
    assert arrests.status == "conflict"
    statements = [f for f in _facts(data, "statement") if len(_reporting(f)) == 2]
    assert any("third day" in f.label for f in statements)
    # what is stored reads back into the same comparison (empty cells, claims and all)
    from storylens.compare.story import compare_story
    from storylens.store.comparisons import from_json, to_json

    fresh = compare_story(store.conn, story["id"])
    assert data == fresh and from_json(json.loads(json.dumps(to_json(fresh)))) == fresh


def test_cli_compare_json_and_table(tmp_path: Path, settings: Settings) -> None:
    db = tmp_path / "c.db"
    with Store(db) as store:
        ingest_records(store, [
            _report("a", "North Post", "Ana Ruiz, the union leader, said: “We will not go back "
                    "to work until the port listens.” About 300 dockers marched on Monday."),
            _report("b", "South Ledger", "About 300 dockers marched through the port on Monday, "
                    "led by union leader Ana Ruiz."),
        ], settings)  # fmt: skip
        build_stories(store, settings)
        run_enrich(store, settings)
        (story,) = list_stories(store)
    runner = CliRunner()
    out = runner.invoke(app, ["compare", story["id"], "--db", str(db), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    (quote,) = [f for f in data["facts"] if f["kind"] == "quote"]
    assert quote["status"] == "only_one" and "Ana Ruiz" in quote["label"]
    table = runner.invoke(app, ["compare", story["id"], "--db", str(db)], env={"COLUMNS": "160"})
    assert table.exit_code == 0
    for expected in ("Summary", "North Post", "South Ledger", "only one", "Timeline"):
        assert expected in table.output
    missing = runner.invoke(app, ["compare", "nosuchstory", "--db", str(db)])
    assert missing.exit_code == 1


def _event_with(demo_db: Path, value: str, counting: str = "") -> Comparison:
    """The comparison of the example corpus's event with a claim fact counting ``counting``
    (its key's start) that holds the figure ``value``."""
    with Store(demo_db) as store:
        for story in list_stories(store, limit=1000):
            data = story_comparison(store, story["id"])
            facts = [f for f in _facts(data, "claim") if f.key.startswith(counting)]
            if any(c.value == value for f in facts for cs in f.outlets.values() for c in cs):
                return data
    raise AssertionError(f"no event has the figure {value!r}")


def _claim_fact(data: Comparison, value: str, counting: str = "") -> Fact:
    (fact,) = [
        f for f in _facts(data, "claim")
        if f.key.startswith(counting)
        and any(c.value == value for cs in f.outlets.values() for c in cs)
    ]  # fmt: skip
    return fact


def test_ships_queued_day_by_day_are_an_update_not_a_conflict(demo_db: Path) -> None:
    # the strike's first event (its walkout, 1-3 April): the ships waiting offshore rose daily
    ships = _claim_fact(_event_with(demo_db, "Sixty-one"), "Sixty-one")
    assert ships.status == "update"
    values = {c.value for cs in ships.outlets.values() for c in cs}
    assert {"27", "44", "Sixty-one", "61"} <= values
    assert (
        ships.note
        == "changed over time: 27 (2025-04-01) → 44 (2025-04-02) → Sixty-one (2025-04-03)"
    )
    steps = [c.published for _, c in ships.steps()]
    assert steps == sorted(steps)


def test_officers_hurt_at_the_same_rally_conflict(demo_db: Path) -> None:
    officers = _claim_fact(_event_with(demo_db, "Three", "officers"), "Three", "officers")
    assert officers.status == "conflict"
    assert sorted(_reporting(officers)) == ["Coastline Daily", "The Meridian Herald"]
    assert {c.value for cs in officers.outlets.values() for c in cs} == {"Three", "two"}


def test_one_outlet_story_compares_its_own_reports(store: Store, settings: Settings) -> None:
    ingest_records(store, [
        _report("a", "North Post", "The dockers strike at Port Vell entered its second day. "
                "Port officials said 18 ships were waiting offshore on Tuesday.", day="02"),
        _report("b", "North Post", "The dockers strike at Port Vell entered its fourth day. "
                "Port officials said 31 ships were waiting offshore on Thursday.", day="04"),
    ], settings)  # fmt: skip
    build_stories(store, settings)
    run_enrich(store, settings)
    (story,) = list_stories(store)
    data = story_comparison(store, story["id"])
    assert data.outlets == ["North Post · 2025-04-02 09:00", "North Post · 2025-04-04 09:00"]
    assert data.note and data.note.startswith("One outlet reports this story")
    (ships,) = [f for f in _facts(data, "claim") if f.key.startswith(("ship", "vessel"))]
    assert ships.status == "update"
    assert ships.note == "changed over time: 18 (2025-04-01) → 31 (2025-04-03)"


def test_quotes_line_up_across_spellings_and_when_short(store: Store, settings: Settings) -> None:
    ingest_records(store, [
        _report("a", "North Post", "Shells hit the Corvale school shelter on Tuesday, killing "
                "nine people. \"Everyone here is terrorised and traumatised,\" said Mara Ellis, "
                "who runs it. \"Where should we go?\" said Tomas Reyes, a father of three."),
        _report("b", "South Ledger", "Nine people died when shells hit the Corvale school shelter "
                "on Tuesday. \"Everyone here is terrorized and traumatized,\" said shelter "
                "director Mara Ellis. \"Where should we go?\" said Tomas Reyes."),
    ], settings)  # fmt: skip
    build_stories(store, settings)
    run_enrich(store, settings)
    (story,) = list_stories(store)
    data = story_comparison(store, story["id"])
    shared = {f.label: f.status for f in _facts(data, "quote") if len(_reporting(f)) == 2}
    assert any("terrori" in label and s == "agree" for label, s in shared.items())
    assert any("Where should we go?" in label and s == "agree" for label, s in shared.items())


def _compare_reports(store: Store, settings: Settings, bodies: dict[str, str]) -> Comparison:
    ingest_records(store, [_report(f"r{n}", o, b) for n, (o, b) in enumerate(bodies.items())],
                   settings)  # fmt: skip
    build_stories(store, settings)
    run_enrich(store, settings)
    run_compare(store)
    (story,) = list_stories(store)
    return story_comparison(store, story["id"])


def _items(store: Store) -> list[Any]:
    """The aligner's items of the store's one story (see compare/align.py)."""
    from storylens.compare.align import make_items
    from storylens.compare.story import load_reports

    (story,) = list_stories(store)
    return make_items(load_reports(store.conn, story["id"])[1])


def test_a_figure_joined_on_its_value_does_not_make_a_conflict(
    store: Store, settings: Settings
) -> None:
    # a capacity ("supplies for 15,000 refugees") shares a figure with one outlet's count, not
    # the quantity the other outlets count: the camp's population stays compatible
    lead = "Air strikes hit the Kalma refugee camp near the border on Thursday. "
    data = _compare_reports(store, settings, {
        "North Post": lead + "Aid workers said at least 15,000 refugees who fled the fighting "
        "are living in the Kalma camp.",
        "South Ledger": lead + "The Kalma camp is home to more than 22,000 refugees.",
        "East Courier": lead + "New arrivals are registered in Bunj, where a warehouse holds "
        "enough supplies for 15,000 refugees who fled the fighting.",
    })  # fmt: skip
    claims = _facts(data, "claim")
    assert not [f for f in claims if f.status == "conflict"], [f.label for f in claims]
    camp = _claim_fact(data, "more than 22,000")
    assert {"North Post", "South Ledger"} <= set(_reporting(camp))
    assert camp.status == "compatible"


def test_a_crowd_under_other_names_and_a_shared_year_are_one_fact(
    store: Store, settings: Settings
) -> None:
    lead = "Protesters clashed with police in Flatbush on Monday night after a vigil. "
    data = _compare_reports(store, settings, {
        "North Post": lead + "Between 60 and 100 rioters gathered at the corner of Church Avenue. "
        "The 2004 tsunami killed some 168,000 people in Indonesia alone.",
        "South Ledger": lead + "Witnesses put the crowd at Church Avenue at about 70. "
        "It revived memories of quakes in 2002 and of the 2004 tsunami, which killed 168,000 "
        "people in Indonesia.",
    })  # fmt: skip
    crowd = _claim_fact(data, "about 70")
    assert set(_reporting(crowd)) == {"North Post", "South Ledger"}
    assert crowd.status == "compatible"
    toll = _claim_fact(data, "168,000")
    assert set(_reporting(toll)) == {"North Post", "South Ledger"}
    assert toll.status in ("agree", "compatible")


def test_the_injured_and_the_arrested_of_one_riot_are_two_facts(
    store: Store, settings: Settings
) -> None:
    # the same figure for two quantities news counts under many names is never one fact
    lead = "Riot police fought youths in the centre of Athens after the general strike march. "
    data = _compare_reports(store, settings, {
        "North Post": lead + "Police said 12 people were injured in the riots.",
        "South Ledger": lead + "Police said 18 people had been injured in the violence and 12 "
        "arrested for carrying weapons.",
    })  # fmt: skip
    arrested = [
        f for f in _facts(data, "claim")
        if any(c.value == "12" and "arrested" in c.text for c in f.outlets["South Ledger"])
    ]  # fmt: skip
    assert len(arrested) == 1 and not arrested[0].outlets["North Post"], arrested[0].label


@pytest.mark.parametrize(("day", "status"), [("", "update"), (" on Tuesday", "conflict")])
def test_one_source_giving_two_counts_of_a_tally_revised_it(
    store: Store, settings: Settings, day: str, status: str
) -> None:
    # the police gave 12, then 18, no day named: one source's two counts of a tally are the
    # source revising its count (an update); for a day both sentences name, a conflict
    from storylens.compare.story import claim_status

    lead = "Riot police fought youths in the centre of Athens after the general strike march. "
    _compare_reports(store, settings, {
        "North Post": lead + f"Police said 12 people were injured in the riots{day}.",
        "South Ledger": lead + f"Police said 18 people had been injured in the violence{day}.",
    })  # fmt: skip
    injured = [it for it in _items(store) if it.head == "injured"]
    assert sorted(it.claim.text for it in injured) == ["12", "18"]
    assert claim_status(injured)[0] == status


@pytest.mark.parametrize(("floor", "status"), [("one person", "update"), ("20", "compatible")])
def test_a_toll_given_as_a_floor_then_many_times_larger_is_an_update(
    store: Store, settings: Settings, floor: str, status: str
) -> None:
    # first reports of a quake: "at least one" dead; by the evening 24 — both can hold, but it
    # is the toll rising, not two estimates of one figure (and no day or clock says so);
    # "at least 20" against 24 is one estimate of it
    from storylens.compare.story import claim_status

    lead = "A strong earthquake struck the mountain province of Aceh, flattening houses. "
    _compare_reports(store, settings, {
        "North Post": lead + f"The earthquake killed at least {floor} and left two missing, "
        "officials said.",
        "South Ledger": lead + "The quake left 24 people dead and over 200 injured, officials "
        "said.",
    })  # fmt: skip
    items = _items(store)
    dead = [it for it in items if it.head == "dead"]
    assert len(dead) == 2 and "24" in [it.claim.text for it in dead]
    assert claim_status(dead)[0] == status
    # "…dead and over 200 injured": the second figure has its own state
    (injured,) = [it for it in items if it.claim.text == "over 200"]
    assert injured.head == "injured"


def test_figures_whose_subject_cannot_be_read_never_join_on_their_value_alone(
    store: Store, settings: Settings
) -> None:
    # "over three years" of loans and "over the next three years" of deficit cuts: no subject
    # either way, one figure and nothing else in common — two facts, each in one outlet
    lead = "Greece agreed a rescue package with its euro zone partners on Sunday. "
    data = _compare_reports(store, settings, {
        "North Post": lead + "The government agreed to deep cuts in return for loans over three "
        "years.",
        "South Ledger": lead + "The ministry hopes to slice its deficit over the next three "
        "years.",
    })  # fmt: skip
    years = [
        f for f in _facts(data, "claim")
        if any(c.value == "three years" for cs in f.outlets.values() for c in cs)
    ]  # fmt: skip
    assert len(years) == 2 and all(len(_reporting(f)) == 1 for f in years), [f.label for f in years]


def test_reports_of_no_known_outlet_share_one_unknown_outlet_column(
    tmp_path: Path, settings: Settings
) -> None:
    # two plain-text reports that name no outlet (no source, no URL) and one that does: the
    # comparison's columns are outlets, never file names; the page gives the file as a detail
    from storylens.web.app import create_app

    folder = tmp_path / "in"
    folder.mkdir()
    body = ("The dockers strike at Port Vell entered its third day on Wednesday. Port officials "
            "said 44 ships were waiting offshore.")  # fmt: skip
    (folder / "desk_a_strike.txt").write_text(f"date 2025-04-03\n\n{body}\n", encoding="utf-8")
    (folder / "desk_b_strike.txt").write_text(f"date 2025-04-03\n\n{body} Talks resume on "
                                              "Friday.\n", encoding="utf-8")  # fmt: skip
    db = tmp_path / "u.db"
    with Store(db) as store:
        ingest(store, [str(folder)], settings)
        ingest_records(store, [_report("n", "North Post", "Dockers picketed the gates of Port "
                                       "Vell for a third day. Officials said 44 ships were "
                                       "waiting offshore.")], settings)  # fmt: skip
        build_stories(store, settings)
        run_enrich(store, settings)
        (story,) = list_stories(store)
        data = story_comparison(store, story["id"])
    assert sorted(data.outlets) == ["North Post", "unknown outlet"]
    ships = _claim_fact(data, "44")
    assert len(ships.outlets["unknown outlet"]) >= 1 and ships.outlets["North Post"]
    from fastapi.testclient import TestClient

    with TestClient(create_app(db), base_url="http://127.0.0.1:8000") as client:
        page = client.get(f"/stories/{story['id']}?rby=day").text
    assert "unknown outlet" in page and "desk_a_strike.txt" in page
    assert "unknown (" not in page
