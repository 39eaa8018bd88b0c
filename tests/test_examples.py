"""The bundled example corpus against its gold file: every report read, with the right facts."""

from __future__ import annotations

import json

from storylens.config import Settings
from storylens.pipeline import ingest
from storylens.queries import list_articles
from storylens.store import Store

from .conftest import EXAMPLES

CORPUS = EXAMPLES / "corpus"
GOLD = [
    json.loads(line)
    for line in (EXAMPLES / "gold" / "stories.jsonl").read_text(encoding="utf-8").splitlines()
]


def _origin(g: dict[str, object]) -> str:
    path = str(CORPUS / str(g["path"]))
    multi = str(g["path"]).startswith(("feeds/", "exports/")) or str(g["path"]).endswith(".jsonl")
    return f"{path}#{g['item']}" if multi else path


def test_gold_describes_a_realistic_corpus() -> None:
    assert len(GOLD) >= 40
    assert len({g["story"] for g in GOLD}) >= 8
    assert len({g["outlet"] for g in GOLD if g["outlet"]}) >= 5


def test_every_gold_report_is_read_with_its_title_outlet_and_date(
    store: Store, settings: Settings
) -> None:
    report = ingest(store, [str(CORPUS)], settings)
    by_origin = {a.origin: a for a in list_articles(store, limit=None)}
    assert report.counts.added == len(GOLD) == len(by_origin)
    wrong = []
    for g in GOLD:
        a = by_origin[_origin(g)]
        if g["title"] and a.title != g["title"]:
            wrong.append((g["path"], "title", a.title, g["title"]))
        if g["title"] is None and not a.title_derived:
            wrong.append((g["path"], "title_derived", a.title, None))
        # a text dump's outlet is in its file name only, which storylens does not guess from
        expected = None if a.format == "dateline" else g["outlet"]
        if a.outlet != expected:
            wrong.append((g["path"], "outlet", a.outlet, expected))
        if a.published is None or a.published.date().isoformat() != g["published"]:
            wrong.append((g["path"], "published", a.published, g["published"]))
    assert wrong == []


def test_corpus_quirks_are_handled(store: Store, settings: Settings) -> None:
    ingest(store, [str(CORPUS)], settings)
    arts = list_articles(store, limit=None)
    assert sum(bool(a.credits) for a in arts) >= 3
    assert any(n.startswith("decoded as") for a in arts for n in a.notes)
    removed = [n for a in arts for n in a.notes if "removed" in n and "repeat" in n]
    assert len(removed) >= 2
    assert any(p.kind == "caption" for a in arts for p in a.paragraphs)
    assert all(a.body.strip() for a in arts)
