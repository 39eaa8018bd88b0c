"""The story split pass and the entity features read from the store, on articles written here."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from storylens.cluster import cluster_store, run_cluster
from storylens.cluster.online import split_parts
from storylens.config import Settings
from storylens.dedupe import run_dedupe
from storylens.live import LivePipeline
from storylens.models import Enrichment, Entity, Mention, Sentence, entity_key
from storylens.pipeline import ingest_records
from storylens.store import Store
from storylens.store import enrich as enrich_store

# Two events of one kind (a factory fire), told apart by place, people, firm and numbers.
OAK = [
    "Fire tears through Harwick paint factory",
    "Harwick paint factory fire: Velmont Coatings evacuates 40 workers",
    "Harwick fire chief Dana Morrow says Velmont Coatings plant blaze is out",
    "Velmont Coatings to rebuild Harwick paint factory after fire",
    "Harwick residents return home after Velmont Coatings fire",
    "Inquiry into Velmont Coatings fire at Harwick opens",
]
OAK_BODY = (
    "A fire broke out at the Velmont Coatings paint factory in Harwick on the river Lenn. "
    "Fire chief Dana Morrow said solvent drums exploded in the mixing hall and 40 workers "
    "were evacuated from the Harwick plant. Velmont Coatings said the Harwick factory "
    "employs 212 people. Smoke from the solvent drums drifted over Lenn Valley."
)
BRENN = [
    "Fire at Ostbury bakery plant leaves 3 injured",
    "Ostbury flour mill fire: Gransdale Foods halts bread production",
    "Gransdale Foods blames Ostbury mill fire on grain dryer",
    "Ostbury firefighters praised after Gransdale Foods mill fire",
    "Gransdale Foods Ostbury plant reopens after fire",
    "Ostbury mill fire: safety regulator visits Gransdale Foods",
]
BRENN_BODY = (
    "A fire broke out at the Gransdale Foods flour mill in Ostbury near the Carrow estuary. "
    "Station officer Priya Nandakumar said a grain dryer overheated and three bakers were "
    "injured at the Ostbury mill. Gransdale Foods said the Ostbury plant bakes 90,000 loaves "
    "a day. Flour dust hampered the firefighters at Carrow Road."
)


def _records(start: datetime) -> list[dict[str, Any]]:
    """The two fires' reports interleaved, an hour apart, Harwick first."""
    out = []
    for i, (a, b) in enumerate(zip(OAK, BRENN, strict=True)):
        for j, (title, body) in enumerate(((a, OAK_BODY), (b, BRENN_BODY))):
            when = start + timedelta(hours=2 * i + j)
            out.append(
                {
                    "id": f"{i}{j}",
                    "title": title,
                    "body": f"{title}. {body} Update {i}.",
                    "date": when.isoformat(),
                    "source": f"Outlet {i}{j}",
                    "url": f"https://news.example/{i}{j}",
                }
            )
    return out


def _with(settings: Settings, **values: float) -> Settings:
    return replace(
        settings, values={**settings.values, **{f"cluster.{k}": v for k, v in values.items()}}
    )


def _partition(store: Store) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    rows = store.conn.execute(
        "SELECT a.title, m.story_id FROM story_members m JOIN articles a ON a.id = m.article_id"
    )
    for title, story_id in rows:
        groups.setdefault(story_id, set()).add(title)
    return groups


def _first_of(store: Store, title: str) -> str:
    return str(store.conn.execute("SELECT id FROM articles WHERE title=?", (title,)).fetchone()[0])


def test_a_story_merging_two_fires_splits_in_two(store: Store, settings: Settings) -> None:
    # a threshold this low merges every report into the first story: only the split can help
    merged = _with(settings, threshold=0.01, split_ratio=0.0)
    ingest_records(store, _records(datetime(2024, 3, 1, 8, tzinfo=UTC)), merged)
    run_dedupe(store, merged)
    run_cluster(store, merged)
    assert len(_partition(store)) == 1
    split = _with(settings, threshold=0.01, split_ratio=0.7)
    run_cluster(store, split, rebuild=True)
    groups = _partition(store)
    assert sorted(map(sorted, groups.values())) == sorted([sorted(OAK), sorted(BRENN)])
    # the part holding the story's first report keeps its id; the other is named after its own
    assert groups["s" + _first_of(store, OAK[0])[:15]] == set(OAK)
    assert groups["s" + _first_of(store, BRENN[0])[:15]] == set(BRENN)
    moved = store.conn.execute("SELECT count(*) FROM story_members WHERE decision = 'split'")
    assert moved.fetchone()[0] >= 3
    # deterministic: a rebuild gives the same stories and ids
    run_cluster(store, split, rebuild=True)
    assert _partition(store) == groups


def test_a_coherent_story_does_not_split(store: Store, settings: Settings) -> None:
    one = _with(settings, threshold=0.01, split_ratio=0.7)
    records = [r for r in _records(datetime(2024, 3, 1, 8, tzinfo=UTC)) if "Harwick" in r["body"]]
    ingest_records(store, records, one)
    run_dedupe(store, one)
    run_cluster(store, one)
    assert list(_partition(store).values()) == [set(OAK)]
    moved = store.conn.execute("SELECT count(*) FROM story_members WHERE decision = 'split'")
    assert moved.fetchone()[0] == 0
    # and the pure check agrees on the story's vectors
    builder = cluster_store(store, one)[1]
    story = next(iter(builder.clusterer.stories.values()))
    assert split_parts(story.members, builder.vectors, 0.7) == [story.members]


def test_live_adds_split_a_story_as_a_rebuild_does(tmp_path: Any, settings: Settings) -> None:
    from storylens.clean import clean_item
    from storylens.ingest.fields import record_to_item
    from storylens.pipeline import clean_options

    split = _with(settings, threshold=0.01, split_ratio=0.7)
    records = _records(datetime(2024, 3, 1, 8, tzinfo=UTC))
    with Store(tmp_path / "batch.db") as batch:
        ingest_records(batch, records, split)
        run_dedupe(batch, split)
        run_cluster(batch, split)
        expected = _partition(batch)
    with Store(tmp_path / "live.db") as live:
        ingest_records(live, records[:4], split)
        feed = LivePipeline(live, split, enrich=False)
        options = clean_options(split)
        for i, record in enumerate(records[4:]):
            feed.add(clean_item(record_to_item(record, "<live>", "jsonl", i), options))
        assert _partition(live) == expected
        sizes = dict(live.conn.execute("SELECT id, size FROM stories"))
        assert sorted(sizes.values()) == [6, 6]


def _enrich_by_hand(store: Store, article_id: str, names: list[tuple[str, str]]) -> None:
    """Store an enrichment naming ``names`` (label, name) as the enrich stage would."""
    e = Enrichment(article_id, [Sentence(article_id, 0, 0, 0, 10, "A sentence.")])
    for label, name in names:
        key = entity_key(label, name)
        e.mentions.append(Mention(0, 0, len(name), name, label, key))
        if all(x.key != key for x in e.entities):
            e.entities.append(Entity(key, name, key.split(":")[0], [name]))
    content_hash = store.conn.execute(
        "SELECT content_hash FROM articles WHERE id=?", (article_id,)
    ).fetchone()[0]
    with store.transaction() as conn:
        enrich_store.save(conn, e, content_hash, "by-hand")


def test_enrichment_does_not_change_the_stories(store: Store, settings: Settings) -> None:
    # the enrich stage's names were measured to add nothing (docs/cluster.md): cluster reads
    # the text alone, so it gives the same stories whether enrich ran before it or not
    records = _records(datetime(2024, 3, 1, 8, tzinfo=UTC))
    ingest_records(store, records, settings)
    run_dedupe(store, settings)
    run_cluster(store, settings)
    before = _partition(store)
    names = [("PERSON", "Dana Morrow"), ("ORG", "Velmont Coatings"), ("GPE", "Harwick")]
    _enrich_by_hand(store, _first_of(store, OAK[0]), names)
    _enrich_by_hand(store, _first_of(store, BRENN[0]), names)  # the wrong names, on purpose
    run_cluster(store, settings, rebuild=True)
    assert _partition(store) == before
    builder = cluster_store(store, settings)[1]
    assert not any(t.startswith("N:") for v in builder.vectors.values() for t in v)


# A subject covered every day for three weeks: a council's budget row, a new turn each day.
TURNS = [
    "councillors reject the first draft of the budget",
    "the finance chief defends the library closures",
    "unions threaten a strike over the budget cuts",
    "residents march on the town hall against the cuts",
    "the mayor offers to keep two libraries open",
    "opposition councillors table a rival budget",
    "auditors warn the reserves will run out in 2027",
    "the budget vote is postponed by a week",
    "bus routes are added to the list of cuts",
    "teachers join the protest outside the town hall",
    "the mayor and the unions meet for talks",
    "talks on the budget break down after six hours",
    "a compromise budget keeps the bus routes",
    "councillors approve the compromise budget",
    "the unions call off the strike",
    "libraries reopen their Sunday hours",
    "the finance chief resigns after the vote",
    "a new finance chief is named",
    "the government praises the budget deal",
    "residents ask for a referendum on the cuts",
    "the council publishes the final budget",
]


def test_a_subject_covered_every_day_is_one_storyline_of_short_events(
    store: Store, settings: Settings
) -> None:
    start = datetime(2024, 5, 1, 9, tzinfo=UTC)
    records = [
        {
            "title": f"Harwick council budget row: {turn}",
            "body": f"In Harwick, {turn}. The Harwick council budget row between mayor Dana "
            f"Morrow and the unions entered its {i + 1}th day on the Lenn Valley council.",
            "date": (start + timedelta(days=i)).isoformat(),
            "source": "Lenn Valley Echo",
            "url": f"https://news.example/budget/{i}",
        }
        for i, turn in enumerate(TURNS)
    ]
    ingest_records(store, records, settings)
    run_dedupe(store, settings)
    run_cluster(store, settings)
    spans = store.conn.execute(
        "SELECT julianday(last_seen) - julianday(first_seen) FROM stories"
    ).fetchall()
    # the window alone (7 days after the last report) would chain all 21 into one story
    assert len(spans) >= 3
    assert max(s for (s,) in spans) <= settings.get("cluster.span_days")
    lines = store.conn.execute("SELECT id, events, size FROM storylines").fetchall()
    assert [(events, size) for _, events, size in lines] == [(len(spans), 21)]
    # the storyline's events are in time order and every story is in it
    from storylens.queries import storyline_detail

    timeline = storyline_detail(store, lines[0][0])["timeline"]
    assert [e["first_seen"] for e in timeline] == sorted(e["first_seen"] for e in timeline)
    # and a rebuild derives the same storyline with the same id
    run_cluster(store, settings, rebuild=True)
    assert store.conn.execute("SELECT id, events, size FROM storylines").fetchall() == lines


def test_undated_articles_cluster_without_time(store: Store, settings: Settings) -> None:
    undated = [{**r, "date": None} for r in _records(datetime(2024, 3, 1, 8, tzinfo=UTC))]
    ingest_records(store, undated, settings)
    run_dedupe(store, settings)
    run_cluster(store, settings)
    groups = _partition(store)
    assert sorted(map(sorted, groups.values())) == sorted([sorted(OAK), sorted(BRENN)])
    assert (
        store.conn.execute("SELECT count(*) FROM stories WHERE first_seen IS NULL").fetchone()[0]
        == 2
    )


def test_a_copy_weeks_later_does_not_reopen_a_closed_story(
    store: Store, settings: Settings
) -> None:
    # a report re-published under a new headline three weeks on (a re-scrape, a re-post)
    start = datetime(2024, 3, 1, 8, tzinfo=UTC)
    first = _records(start)[0]
    again = {
        **first,
        "title": "Harwick paint factory: look back at the fire",
        "body": first["body"] + " The factory reopened on Monday.",
        "date": (start + timedelta(days=21)).isoformat(),
        "url": "https://news.example/r",
    }
    ingest_records(store, [first, again], settings)
    run_dedupe(store, settings)
    copies = store.conn.execute("SELECT count(*) FROM duplicates").fetchone()[0]
    assert copies == 1  # dedupe links the two: a near copy
    run_cluster(store, settings)
    spans = store.conn.execute(
        "SELECT julianday(last_seen) - julianday(first_seen) FROM stories"
    ).fetchall()
    assert len(spans) == 2 and max(s for (s,) in spans) <= settings.get("cluster.span_days")
    # the two are still one storyline: the same subject, three weeks apart
    assert store.conn.execute("SELECT count(*) FROM storylines").fetchone()[0] in (1, 2)
