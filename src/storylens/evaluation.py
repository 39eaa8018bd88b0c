"""``storylens eval clusters``: score the clusterer on labelled news, beside baselines.

The labelled JSONL (``id, title, body, source, published, url, label``) is ingested into a
temporary store and run through dedupe, enrich (unless ``enrich=False``: text features only)
and cluster with the current settings, exactly as user data would be. In the same run the same
metrics are printed for two baselines: every article alone, and TF-IDF agglomerative clustering
(scikit-learn, average link) at its best threshold on this very data — an oracle showing the
ceiling of a simple method. ``cross_validate`` chooses the clusterer's threshold and split
ratio on some topics and scores them on the others.
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

from storylens.cluster import run_cluster
from storylens.cluster.metrics import Scores, score
from storylens.config import Settings
from storylens.dedupe import run_dedupe
from storylens.enrich.run import run_enrich
from storylens.errors import StorylensError
from storylens.pipeline import ingest_records
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
    results: list[EvalResult] = field(default_factory=list)
    folds: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Grid:
    """The settings cross-validation chooses among."""

    thresholds: tuple[float, ...] = (0.125, 0.15, 0.175, 0.2, 0.225, 0.25, 0.3)
    split_ratios: tuple[float, ...] = (0.0, 0.55, 0.6, 0.7)

    def settings(self) -> list[tuple[float, float]]:
        return [(th, r) for th in self.thresholds for r in self.split_ratios]


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
    records: list[dict[str, Any]], settings: Settings, enrich: bool = True
) -> Iterator[tuple[Store, list[str], Path]]:
    """A temporary store holding ``records`` after ingest → dedupe (→ enrich), as a real store
    would; yields it, each record's origin, and the temporary folder."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "eval.db") as store:
        origin_of = ingest_records(store, records, settings)
        run_dedupe(store, settings)
        if enrich:
            run_enrich(store, settings)
        yield store, origin_of, Path(tmp)


def stories_of(store: Store, origin_of: list[str], settings: Settings) -> list[str]:
    """Cluster the store from scratch with ``settings``; the story of each origin."""
    run_cluster(store, settings, rebuild=True)
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
    records: list[dict[str, Any]], settings: Settings, enrich: bool = True
) -> list[str]:
    """Predicted story per record, through ingest → dedupe (→ enrich) → cluster in a
    temporary store."""
    with prepared(records, settings, enrich) as (store, origin_of, _):
        return stories_of(store, origin_of, settings)


def _subset(store: Store, path: Path, origins: list[str], settings: Settings) -> Store:
    """A copy of ``store`` at ``path`` holding only the articles seen at ``origins`` (with
    their enrichment), dedupe run again over them."""
    copy = Store(path)
    store.conn.backup(copy.conn)
    with copy.transaction() as conn:
        conn.execute("CREATE TEMP TABLE keep (origin TEXT PRIMARY KEY)")
        conn.executemany("INSERT INTO keep VALUES (?)", [(o,) for o in origins])
        conn.execute(
            "DELETE FROM articles WHERE id NOT IN"
            " (SELECT article_id FROM sightings WHERE origin IN (SELECT origin FROM keep))"
        )
    run_dedupe(copy, settings, rebuild=True)
    return copy


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


def evaluate(
    path: Path,
    settings: Settings,
    baselines: bool = True,
    *,
    enrich: bool = True,
    grid: Grid | None = None,
    folds: int = 5,
    group_key: str = "topic",
) -> EvalReport:
    """Score the clusterer (and the baselines) on the labelled file; with ``grid``, also
    cross-validate its settings across topics (:func:`cross_validate`)."""
    records = load_gold(path)
    gold = [str(r["label"]) for r in records]
    report = EvalReport(len(records))
    started = time.perf_counter()
    with prepared(records, settings, enrich) as (store, origin_of, tmp):
        prepared_in = time.perf_counter() - started
        predicted = stories_of(store, origin_of, settings)
        seconds = time.perf_counter() - started
        if grid is not None:
            report.folds = cross_validate(
                store, tmp, records, origin_of, settings, grid, folds, group_key
            )
    report.results.append(
        EvalResult(
            "storylens",
            score(predicted, gold),
            seconds,
            f"threshold {settings.get('cluster.threshold')}, split ratio "
            f"{settings.get('cluster.split_ratio')}, "
            + (f"entities (enrich {prepared_in:.0f}s)" if enrich else "text only"),
        )
    )
    if baselines:
        started = time.perf_counter()
        report.results.append(
            EvalResult("every article alone", score(list(range(len(gold))), gold), 0.0)
        )
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


def cross_validate(
    store: Store,
    tmp: Path,
    records: list[dict[str, Any]],
    origin_of: list[str],
    settings: Settings,
    grid: Grid,
    folds: int = 5,
    group_key: str = "topic",
) -> list[dict[str, Any]]:
    """Choose the threshold and split ratio on the other folds' topics, score them on this
    fold's topics. Each fold's articles are a copy of the prepared ``store`` cut down to them
    (so the enrich stage runs once), clustered from scratch for every setting of the grid."""
    topics = sorted({str(r.get(group_key, r["label"])) for r in records})
    fold_of = {t: i % folds for i, t in enumerate(topics)}
    members = [
        [i for i, r in enumerate(records) if fold_of[str(r.get(group_key, r["label"]))] == k]
        for k in range(folds)
    ]
    table: dict[tuple[int, float, float], float] = {}
    for k, part in enumerate(members):
        origins = [origin_of[i] for i in part]
        gold = [str(records[i]["label"]) for i in part]
        with _subset(store, tmp / f"fold{k}.db", origins, settings) as sub:
            for th, ratio in grid.settings():
                values = {**settings.values, "cluster.threshold": th, "cluster.split_ratio": ratio}
                predicted = stories_of(sub, origins, replace(settings, values=values))
                table[k, th, ratio] = score(predicted, gold).bcubed_f1
    results = []
    for k in range(folds):
        train = [i for i in range(folds) if i != k]
        th, ratio = max(
            grid.settings(),
            key=lambda c: (sum(table[i, c[0], c[1]] for i in train), -c[0], -c[1]),
        )
        results.append(
            {
                "fold": k,
                "threshold": th,
                "split_ratio": ratio,
                "test_bcubed_f1": table[k, th, ratio],
            }
        )
    return results
