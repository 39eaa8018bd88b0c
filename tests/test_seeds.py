"""The two seed reports: every detail the foundation issue names."""

from __future__ import annotations

from storylens.config import Settings
from storylens.pipeline import ingest
from storylens.queries import list_articles
from storylens.store import Store

from .conftest import SEEDS, needs_shared

pytestmark = needs_shared


def _seeds(store: Store, settings: Settings) -> dict[str, object]:
    report = ingest(store, [str(SEEDS)], settings)
    assert report.counts.added == 2
    assert report.problems == []
    return {a.origin.rsplit("/", 1)[-1][:3]: a for a in list_articles(store)}


def test_both_seeds_are_stored_and_dated(store: Store, settings: Settings) -> None:
    arts = _seeds(store, settings)
    assert sorted(arts) == ["000", "003"]
    for a in arts.values():
        assert a.published is not None and a.published.date().isoformat() == "2020-09-14"


def test_seed_003_front_matter(store: Store, settings: Settings) -> None:
    a = _seeds(store, settings)["003"]
    assert a.title == "Belarus leader looks to Putin to help him cling on to power"
    assert not a.title_derived
    assert a.outlet == "Daily Mail"
    assert a.categories == ["latest", "world"]
    assert a.published_precision == "minute"
    assert a.published.isoformat() == "2020-09-14T10:20:36+00:00"
    assert a.image.startswith("https://i.dailymail.co.uk/")
    assert a.featured is True
    assert a.extra == {"extends": "_layouts.post", "section": "content"}


def test_seed_003_duplicated_caption_removed_with_note(store: Store, settings: Settings) -> None:
    a = _seeds(store, settings)["003"]
    repeated = "At least 100,000 protesters took to the streets of the capital Minsk on Sunday"
    assert sum(repeated in p.text for p in a.paragraphs) == 1
    assert not any(p.text.startswith("elarusian") for p in a.paragraphs)
    removal = [n for n in a.notes if "('elarusian" in n]
    assert len(removal) == 1 and "removed" in removal[0] and "repeat" in removal[0]
    # the lead sentence repeated as a picture caption goes too; the real lead stays first
    assert a.paragraphs[0].text.startswith("President Alexander Lukashenko of Belarus")
    assert not any("Above, file image" in p.text for p in a.paragraphs)
    captions = [p.text for p in a.paragraphs if p.kind == "caption"]
    assert captions == [
        "Belarusian opposition supporters take part in a rally against presidential election "
        "results, in central Minsk, Belarus on September 13"
    ]
    assert "Police said they detained over 400 people." in a.body


def test_seed_000_dateline_title_and_credit(store: Store, settings: Settings) -> None:
    a = _seeds(store, settings)["000"]
    assert a.title_derived
    assert a.title.startswith("As demand for Belarus President Alexander Lukashenko")
    assert len(a.title) <= 91
    assert a.credits == ["AP"]
    assert "With AP inputs" not in a.body
    assert a.paragraphs[0].text.startswith("As demand for Belarus President")
    assert a.published_precision == "day"
    assert a.paragraphs[-1].text == "“This is terror against our own people,” she said."
    assert any(p.kind == "heading" and p.text == "Protests in Minsk" for p in a.paragraphs)
    assert a.outlet is None  # nothing in the file names its outlet
