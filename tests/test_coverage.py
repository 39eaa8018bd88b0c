"""Coverage per story and storyline, headlines side by side and blindspots: computed from the
example corpus and the example profiles in a real store, through the queries, the CLI, the API
and the static site."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storylens import queries
from storylens.cli.app import app
from storylens.config import load_settings
from storylens.errors import StorylensError
from storylens.outlets import import_profiles, set_profile, set_scale
from storylens.pipeline import build_stories, ingest
from storylens.queries import coverage as cov
from storylens.store import Store

from .conftest import EXAMPLES

PROFILES = EXAMPLES / "outlets" / "profiles.toml"
BRENNOCK_ARREST = "Brennock fire: factory site manager arrested"
OAKHURST = "Two dead as fire engulfs Oakhurst packaging plant"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cov") / "s.db"
    settings = load_settings(environ={}, config_file=None)
    with Store(path) as store:
        ingest(store, [str(EXAMPLES / "corpus")], settings)
        build_stories(store, settings)
        import_profiles(store, PROFILES)
    return path


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store(db) as s:
        yield s


def story_id(store: Store, title: str) -> str:
    return next(s["id"] for s in queries.list_stories(store, 100) if s["title"].startswith(title))


def test_a_story_counted_by_leaning_country_and_type(store: Store) -> None:
    data = cov.story_coverage(store, story_id(store, OAKHURST))
    detail = queries.story_detail(store, data["story"])
    assert data["reports"] == detail["size"] == 6
    leaning = {b["value"]: (b["reports"], b["outlets"]) for b in data["leaning"]}
    # the scale's order, every label shown (zero too), the unprofiled outlet last
    assert [b["value"] for b in data["leaning"]] == [
        "left", "lean left", "centre", "lean right", "right", "not profiled"]  # fmt: skip
    assert leaning["left"] == (1, ["Eastbrook Times"])
    assert leaning["centre"] == (1, ["Harbour Wire"])
    assert leaning["not profiled"] == (1, ["unknown outlet"])
    types = {b["value"]: b["reports"] for b in data["type"]}
    assert types == {"wire": 1, "national": 1, "local": 3, "not profiled": 1}
    assert {b["value"]: b["reports"] for b in data["country"]}["IE"] == 2
    left, right = data["sides"]
    assert left["outlets"] == ["Eastbrook Times", "The Meridian Herald"]
    assert right["outlets"] == ["Coastline Daily", "Valley Ledger"]
    assert data["profiled_reports"] == 5


def test_a_report_without_an_outlet_name_matches_by_domain(tmp_path: Path) -> None:
    feed = tmp_path / "report.json"
    report = {
        "title": "Quay wall repaired at Saltmere",
        "text": "The quay wall was repaired on Monday.",
        "url": "https://www.bugle.example/quay",
        "published": "2025-06-02T09:00:00Z",
    }
    feed.write_text(json.dumps(report), encoding="utf-8")
    settings = load_settings(environ={}, config_file=None)
    with Store(tmp_path / "d.db") as store:
        ingest(store, [str(feed)], settings)
        build_stories(store, settings)
        set_scale(store, ["dove", "hawk"])
        set_profile(store, "Saltmere Bugle", domains=["bugle.example"], leaning="hawk")
        (s,) = queries.list_stories(store)
        data = cov.story_coverage(store, s["id"])
    assert [(b["value"], b["reports"]) for b in data["leaning"]] == [("dove", 0), ("hawk", 1)]


def test_storyline_coverage_sums_its_events(store: Store) -> None:
    lines = queries.list_storylines(store, limit=50)
    line = max(lines, key=lambda x: x["events"])
    data = cov.storyline_coverage(store, line["id"])
    assert data["reports"] == line["size"]
    with pytest.raises(StorylensError, match="no storyline"):
        cov.storyline_coverage(store, "lnothere")


def test_blindspots_by_outlets_and_by_reports(store: Store) -> None:
    found = cov.blindspots(store)
    assert [s["title"][: len(BRENNOCK_ARREST)] for s in found["stories"]] == [BRENNOCK_ARREST]
    (spot,) = found["stories"]
    assert spot["only"] and spot["side"] == "lean right / right" and spot["share"] == 1.0
    assert spot["sides"][1]["outlets"] == ["Northgate Post", "Valley Ledger"]
    # two thirds of the outlets on one side: listed once the share asked for is that low
    looser = cov.blindspots(store, share=0.66)
    hosepipe = next(s for s in looser["stories"] if s["title"].startswith("Hosepipe ban"))
    assert hosepipe["share"] == pytest.approx(2 / 3, abs=0.001) and not hosepipe["only"]
    # Oakhurst: two outlets on each side
    assert OAKHURST not in [s["title"] for s in looser["stories"]]
    assert len(looser["stories"]) > 1 and looser["total"] == len(looser["stories"])
    assert all(s["share"] >= 0.66 for s in looser["stories"])
    assert cov.blindspots(store, min_outlets=3)["total"] == 0  # Brennock has two
    with pytest.raises(StorylensError, match="out of range"):
        cov.blindspots(store, share=0.5)


def test_no_profiles_means_no_blindspots_and_a_note(tmp_path: Path) -> None:
    with Store(tmp_path / "e.db") as store:
        found = cov.blindspots(store)
        assert found["total"] == 0 and "no scale" in found["why"]
        data = cov.coverage(store, [])
        assert data["profiles"] == 0 and data["leaning"] == []


def test_headlines_one_per_outlet_grouped_by_leaning(store: Store) -> None:
    detail = queries.story_detail(store, story_id(store, OAKHURST))
    groups = cov.headlines(store, detail)
    assert [g["leaning"] for g in groups] == ["left", "lean left", "centre", "lean right",
                                              "right", None]  # fmt: skip
    outlets = [h["outlet"] for g in groups for h in g["items"]]
    assert sorted(outlets) == sorted(detail["by_outlet"])
    herald = next(h for g in groups for h in g["items"] if h["outlet"] == "The Meridian Herald")
    first = detail["by_outlet"]["The Meridian Herald"][0]
    assert herald["article"] == first["id"] and herald["title"] == first["title"]
    text = queries.find_article(store, first["id"]).paragraphs[0].text
    assert herald["lead"] and text.startswith(herald["lead"][:40])


def test_cli_coverage_and_blindspots(db: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["blindspots", "--db", str(db), "--json"]).stdout
    assert [s["title"][: len(BRENNOCK_ARREST)] for s in json.loads(out)["stories"]] == [
        BRENNOCK_ARREST]  # fmt: skip
    result = runner.invoke(app, ["blindspots", "--db", str(db), "--share", "0.66", "--by",
                                 "reports"])  # fmt: skip
    assert result.exit_code == 0 and "mostly" in result.stdout
    with Store(db) as store:
        sid = story_id(store, OAKHURST)
    result = runner.invoke(app, ["coverage", sid, "--db", str(db)])
    assert result.exit_code == 0 and "Eastbrook Times" in result.stdout


def test_api_coverage_blindspots_and_profiles(db: Path) -> None:
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

    from storylens.web.app import create_app

    with Store(db) as store:
        sid = story_id(store, OAKHURST)
    with TestClient(create_app(db), base_url="http://127.0.0.1:8000") as client:
        got = client.get(f"/api/v1/stories/{sid}/coverage").json()
        assert got["story"] == sid and got["reports"] == 6
        spots = client.get("/api/v1/blindspots", params={"share": 0.66, "limit": 1}).json()
        assert spots["total"] > 1 and len(spots["items"]) == 1 and spots["limit"] == 1
        assert client.get("/api/v1/blindspots", params={"share": 0.3}).status_code == 422
        assert client.get("/api/v1/blindspots", params={"by": "x"}).status_code == 422
        names = {o["name"]: o for o in client.get("/api/v1/profiles").json()["outlets"]}
        assert names["Harbour Wire"]["type"] == "wire"
        page = client.get(f"/stories/{sid}").text
        assert 'id="coverage"' in page and 'class="headline"' in page
        assert BRENNOCK_ARREST in client.get("/blindspots").text


def test_the_static_site_has_blindspots_and_coverage(db: Path, tmp_path: Path) -> None:
    from storylens.publish.site import build_site

    with Store(db) as store:
        build_site(store, tmp_path / "site")
        sid = story_id(store, OAKHURST)
    page = (tmp_path / "site" / "blindspots.html").read_text(encoding="utf-8")
    assert BRENNOCK_ARREST in page and "stories/" in page
    story = (tmp_path / "site" / "stories" / f"{sid}.html").read_text(encoding="utf-8")
    assert 'id="coverage"' in story and 'href="#a-' in story


def test_one_outlet_alone_shows_how_it_headlined_the_story(tmp_path: Path) -> None:
    titles = ["Ardle bridge closed after flood damage", "Ardle bridge closed after flood damage",
              "Ardle bridge to stay shut for a month, council says",
              "Ardle bridge: repairs to cost 2 million, engineers find"]  # fmt: skip
    rows = [
        {"title": t, "outlet": "Valley Ledger", "url": f"https://valleyledger.com/ardle-{i}",
         "published": f"2025-05-21T{9 + i:02d}:00:00Z",
         "text": f"The Ardle bridge at Corvale was closed on Wednesday after floodwater damaged"
                 f" its piers, the council said (update {i}). Engineers will inspect the bridge"
                 f" and traffic is diverted through Oakhurst."}
        for i, t in enumerate(titles)
    ]  # fmt: skip
    feed = tmp_path / "ardle.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    settings = load_settings(environ={}, config_file=None)
    with Store(tmp_path / "one.db") as store:
        ingest(store, [str(feed)], settings)
        build_stories(store, settings)
        (only,) = queries.list_stories(store)
        detail = queries.story_detail(store, only["id"])
        (group,) = cov.headlines(store, detail)
    assert [h["title"] for h in group["items"]] == [titles[0], titles[2], titles[3]]
    assert all(h["outlet"] == "Valley Ledger" for h in group["items"])
