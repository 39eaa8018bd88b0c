"""``storylens eval clusters``: score the clusterer on labelled news, beside baselines.

The labelled JSONL (``id, title, body, source, published, url, label``) is ingested into a
temporary store and run through dedupe (and enrich with ``enrich=True``: it does not change
the stories, the cluster stage reads the text alone) and cluster with the current settings,
exactly as user data would be. Events are scored, and storylines. In the same run the same
metrics are printed for two baselines: every article alone, and TF-IDF agglomerative clustering
(scikit-learn, average link) at its best threshold on this very data — an oracle showing the
ceiling of a simple method; on dated records also the online clusterer with a one-day window
and no decay. ``cross_validate`` chooses the event settings on some topics (of one or several
files) and scores them on the others.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from storylens.cluster.metrics import Scores, score
from storylens.cluster.tuning import Prepared, assign, prepare
from storylens.config import Settings
from storylens.errors import StorylensError
from storylens.pipeline import ingest_records, record_has_text, run, stage
from storylens.store import Store


@dataclass(slots=True)
class EvalResult:
    name: str
    scores: Scores
    seconds: float
    note: str = ""


@dataclass(slots=True)
class EvalReport:
    documents: int
    stored: int = 0  # the records stored; the rest carry no text (each scored alone)
    results: list[EvalResult] = field(default_factory=list)
    folds: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Grid:
    """The settings cross-validation chooses among (the span matters on dated articles only:
    on undated ones each setting is scored once per half-life)."""

    thresholds: tuple[float, ...] = (0.125, 0.15, 0.175, 0.2, 0.225)
    split_ratios: tuple[float, ...] = (0.0, 0.6, 0.7)
    half_lives: tuple[float, ...] = (0.0, 0.5, 1.0, 2.0)  # days; 0: no decay
    spans: tuple[float, ...] = (2.0, 3.0, 5.0, 7.0)  # days

    KEYS = ("cluster.threshold", "cluster.split_ratio", "cluster.half_life_days",
            "cluster.span_days")  # fmt: skip

    def settings(self, dated: bool = True) -> list[tuple[float, ...]]:
        spans = self.spans if dated else (0.0,)  # the half-life discounts undated reports too
        return [
            (th, r, h, sp)
            for th in self.thresholds
            for r in self.split_ratios
            for h in self.half_lives
            for sp in spans
        ]


def load_gold(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise StorylensError(f"cannot read {path}: {exc.strerror}") from None
    records = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise StorylensError(f"{path} line {n} is not JSON: {exc.msg}") from None
        if "label" not in record or "id" not in record:
            raise StorylensError(
                f"{path} line {n} has no 'id' or 'label'",
                hint="Each line needs id, label, and the article fields (title, body …).",
            )
        records.append(record)
    if not records:
        raise StorylensError(f"{path} holds no labelled articles")
    return records


@contextmanager
def prepared(
    records: list[dict[str, Any]], settings: Settings, enrich: bool = False
) -> Iterator[tuple[Store, list[str], Path]]:
    """A temporary store holding ``records`` after ingest → dedupe (→ enrich), as a real store
    would; yields it, each record's origin, and the temporary folder."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "eval.db") as store:
        origin_of = ingest_records(store, records, settings)
        check_stored(store, origin_of, records)
        run(store, [], settings, until="dedupe")
        if enrich:  # before cluster, to show it changes nothing (cluster reads the text alone)
            enrich_stage = stage("enrich").run
            assert enrich_stage is not None
            enrich_stage(store, settings, False, None)
        yield store, origin_of, Path(tmp)


def stored_origins(store: Store, origin_of: list[str]) -> list[str]:
    """The origins of ``origin_of`` that were stored (as an article or a copy of one)."""
    stored = {
        origin
        for (origin,) in store.conn.execute(
            "SELECT origin FROM articles UNION SELECT origin FROM sightings"
        )
    }
    return [o for o in origin_of if o in stored]


def check_stored(store: Store, origin_of: list[str], records: list[dict[str, Any]]) -> None:
    """Refuse to score when a record that carries text was not stored: it would be scored as
    a story of its own, and the figures would mean nothing. (A record with no text at all,
    as ECB+ holds two, cannot be clustered by any method: it stays, alone, as before.)"""
    stored = set(stored_origins(store, origin_of))
    missing = [
        n for n, (o, r) in enumerate(zip(origin_of, records, strict=True))
        if o not in stored and record_has_text(r)
    ]  # fmt: skip
    if not missing:
        return
    problems = dict(store.conn.execute("SELECT item, reason FROM problems").fetchall())
    shown = "; ".join(
        f"record {n + 1}: {problems.get(n, 'no problem was recorded')}" for n in missing[:3]
    )
    raise StorylensError(
        f"only {len(stored)} of {len(origin_of)} records were stored, so nothing was scored"
        f" ({len(missing)} with text refused; {shown})",
        hint="Ingest the file into a store of its own (storylens ingest FILE --db check.db;"
        " storylens problems --db check.db) to see why each record was refused, fix them, and"
        " score again.",
    )


def stories_of(store: Store, origin_of: list[str], settings: Settings) -> list[str]:
    """Cluster the store from scratch with ``settings``; the story of each origin."""
    cluster = stage("cluster").run
    assert cluster is not None
    cluster(store, settings, True, None)  # rebuild
    story = dict(
        store.conn.execute(
            "SELECT a.origin, m.story_id FROM story_members m JOIN articles a"
            " ON a.id = m.article_id"
        ).fetchall()
    )
    copies = dict(
        store.conn.execute(
            "SELECT s.origin, m.story_id FROM sightings s JOIN story_members m"
            " ON m.article_id = s.article_id"
        ).fetchall()
    )
    return [story.get(o) or copies.get(o) or f"missing:{o}" for o in origin_of]


def cluster_records(
    records: list[dict[str, Any]], settings: Settings, enrich: bool = False
) -> list[str]:
    """Predicted story per record, through ingest → dedupe (→ enrich) → cluster in a
    temporary store."""
    with prepared(records, settings, enrich) as (store, origin_of, _):
        return stories_of(store, origin_of, settings)


def _texts(records: list[dict[str, Any]]) -> list[str]:
    return [f"{r.get('title') or ''}. {r.get('body') or r.get('text') or ''}" for r in records]


def agglomerative_oracle(
    records: list[dict[str, Any]], gold: Sequence[str]
) -> tuple[Scores, float]:
    """TF-IDF + average-link agglomerative clustering at the best of a range of thresholds."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english", max_df=0.5).fit_transform(
        _texts(records)
    )
    distance = 1.0 - (matrix @ matrix.T).toarray()
    best: tuple[Scores, float] | None = None
    for step in range(5, 60, 2):
        threshold = step / 100
        labels = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average",
            distance_threshold=1.0 - threshold,
        ).fit_predict(distance)  # fmt: skip
        result = score(list(labels), gold)
        if best is None or result.bcubed_f1 > best[0].bcubed_f1:
            best = (result, threshold)
    assert best is not None
    return best


def storylines_of(store: Store, origin_of: list[str]) -> list[str]:
    """The storyline of each origin, after :func:`stories_of` clustered the store."""
    line = dict(
        store.conn.execute(
            "SELECT s.origin, e.storyline_id FROM sightings s JOIN story_members m"
            " ON m.article_id = s.article_id JOIN storyline_events e ON e.story_id = m.story_id"
        ).fetchall()
    )
    return [line.get(o) or f"missing:{o}" for o in origin_of]


def evaluate(
    path: Path,
    settings: Settings,
    baselines: bool = True,
    *,
    enrich: bool = False,
    grid: Grid | None = None,
    folds: int = 5,
    group_key: str = "topic",
) -> EvalReport:
    """Score the clusterer's events and storylines (and the baselines) on the labelled file;
    with ``grid``, also cross-validate its settings across topics (:func:`cross_validate`).

    Events are scored against ``label``; storylines against ``storyline`` where the records
    carry one, else against ``label`` (how far linking events costs their precision)."""
    records = load_gold(path)
    gold = [str(r["label"]) for r in records]
    line_gold = [str(r.get("storyline") or r["label"]) for r in records]
    report = EvalReport(len(records))
    started = time.perf_counter()
    with prepared(records, settings, enrich) as (store, origin_of, _):
        prepared_in = time.perf_counter() - started
        report.stored = len(stored_origins(store, origin_of))
        predicted = stories_of(store, origin_of, settings)
        lines = storylines_of(store, origin_of)
        seconds = time.perf_counter() - started
        ready = prepare(store, settings) if grid is not None or baselines else None
        if grid is not None and ready is not None:
            data = Dataset(str(path), ready, records, origin_of, group_key)
            report.folds = cross_validate([data], settings, grid, folds)
        day_window = None
        if baselines and ready is not None and ready.dated:
            started = time.perf_counter()
            one_day = {"cluster.window_days": 1.0, "cluster.span_days": 0.0,
                       "cluster.half_life_days": 0.0}  # fmt: skip
            story_of = assign(ready, replace(settings, values={**settings.values, **one_day}))[0]
            found = [story_of.get(ready.article_of.get(o, "")) or f"missing:{o}" for o in origin_of]
            day_window = EvalResult(
                "one-day window, no decay", score(found, gold), time.perf_counter() - started,
                "the online clusterer at its threshold, open one day after a story's last report",
            )  # fmt: skip
    report.results.append(
        EvalResult(
            "storylens",
            score(predicted, gold),
            seconds,
            "events: "
            + ", ".join(f"{k.split('.')[1]} {settings.get(k)}" for k in Grid.KEYS)
            + ", "
            + (f"enriched first ({prepared_in:.0f}s)" if enrich else "not enriched"),
        )
    )
    report.results.append(
        EvalResult(
            "storylens storylines",
            score(lines, line_gold),
            seconds,
            ("against the storyline labels" if line_gold != gold else "against the event labels")
            + f", storyline threshold {settings.get('cluster.storyline_threshold')}",
        )
    )
    if baselines:
        started = time.perf_counter()
        report.results.append(
            EvalResult("every article alone", score(list(range(len(gold))), gold), 0.0)
        )
        if day_window is not None:
            report.results.append(day_window)
        oracle, threshold = agglomerative_oracle(records, gold)
        report.results.append(
            EvalResult(
                "TF-IDF agglomerative (oracle)",
                oracle,
                time.perf_counter() - started,
                f"best threshold {threshold:.2f} chosen on this data",
            )
        )
    return report


@dataclass(slots=True)
class Dataset:
    """A labelled set prepared for cross-validation."""

    name: str
    prepared: Prepared
    records: list[dict[str, Any]]
    origin_of: list[str]
    group_key: str = "topic"

    def groups(self) -> list[str]:
        return [str(r.get(self.group_key, r["label"])) for r in self.records]


def _fold_scores(
    data: Dataset, settings: Settings, grid: Grid, folds: int
) -> dict[tuple[int, tuple[float, ...]], float]:
    """B³ F1 of every fold of ``data`` (its groups split in ``folds``) at every setting."""
    groups = data.groups()
    names = sorted(set(groups))
    fold_of = {g: i % folds for i, g in enumerate(names)}
    prep = data.prepared
    table: dict[tuple[int, tuple[float, ...]], float] = {}
    for k in range(folds):
        part = [i for i, g in enumerate(groups) if fold_of[g] == k]
        article = [prep.article_of.get(data.origin_of[i], "") for i in part]
        keep = set(article)
        sub = Prepared(
            [r for r in prep.rows if r.id in keep],
            [f for r, f in zip(prep.rows, prep.features, strict=True) if r.id in keep],
            {a: c for a, c in prep.canonical.items() if a in keep and c in keep},
            prep.article_of,
        )
        gold = [str(data.records[i]["label"]) for i in part]
        for values in grid.settings(prep.dated):
            chosen = dict(zip(Grid.KEYS, values, strict=True))
            story_of = assign(sub, replace(settings, values={**settings.values, **chosen}))[0]
            predicted = [
                story_of.get(a) or f"missing:{i}" for a, i in zip(article, part, strict=True)
            ]
            table[k, values] = score(predicted, gold).bcubed_f1
    return table


def cross_validate(
    datasets: list[Dataset], settings: Settings, grid: Grid, folds: int = 5
) -> list[dict[str, Any]]:
    """Choose the event settings on the other folds' topics of every dataset at once (the best
    mean B³ F1 over the datasets' training folds), score them on this fold's topics.

    Each dataset's folds are clustered from scratch for every setting of the grid (the
    features are computed once). On an undated dataset the span changes nothing, so it is
    clustered once per threshold, split ratio and half-life."""
    tables = [_fold_scores(d, settings, grid, folds) for d in datasets]
    candidates = grid.settings(True)

    def value(table: dict[tuple[int, tuple[float, ...]], float], k: int, c: tuple[float, ...],
              dated: bool) -> float:  # fmt: skip
        return table[k, c if dated else (c[0], c[1], c[2], 0.0)]

    results = []
    for k in range(folds):
        train = [i for i in range(folds) if i != k]

        def objective(c: tuple[float, ...], train: list[int] = train) -> tuple[float, ...]:
            total = sum(
                value(t, i, c, d.prepared.dated) for t, d in zip(tables, datasets, strict=True)
                for i in train
            )  # fmt: skip
            # ties: the lower threshold, ratio and half-life, and the shorter span (tighter events)
            return (round(total, 9), -c[0], -c[1], -c[2], -c[3])

        best = max(candidates, key=objective)
        results.append(
            {
                "fold": k,
                **{key.split(".")[1]: v for key, v in zip(Grid.KEYS, best, strict=True)},
                "test_bcubed_f1": {
                    d.name: value(t, k, best, d.prepared.dated)
                    for t, d in zip(tables, datasets, strict=True)
                },
            }
        )
    return results
