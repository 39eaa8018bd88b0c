"""``storylens eval clusters``: score the clusterer on labelled news, beside baselines.

The labelled JSONL (``id, title, body, source, published, url, label``) is ingested into a
temporary store and run through dedupe and cluster with the current settings, exactly as user
data would be. In the same run the same metrics are printed for two baselines: every article
alone, and TF-IDF agglomerative clustering (scikit-learn, average link) at its best threshold on
this very data — an oracle showing the ceiling of a simple method. ``cross_validate`` chooses
the clusterer's threshold on some topics and scores it on the others.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from storylens.cluster import run_cluster
from storylens.cluster.metrics import Scores, score
from storylens.config import Settings
from storylens.dedupe import run_dedupe
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


def cluster_records(records: list[dict[str, Any]], settings: Settings) -> list[str]:
    """Predicted story per record, through ingest → dedupe → cluster in a temporary store."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "eval.db") as store:
        origin_of = ingest_records(store, records, settings)
        run_dedupe(store, settings)
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


def evaluate(path: Path, settings: Settings, baselines: bool = True) -> EvalReport:
    records = load_gold(path)
    gold = [str(r["label"]) for r in records]
    report = EvalReport(len(records))
    started = time.perf_counter()
    predicted = cluster_records(records, settings)
    report.results.append(
        EvalResult(
            "storylens",
            score(predicted, gold),
            time.perf_counter() - started,
            f"threshold {settings.get('cluster.threshold')}",
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
    path: Path,
    settings: Settings,
    thresholds: Sequence[float],
    folds: int = 5,
    group_key: str = "topic",
) -> list[dict[str, Any]]:
    """Choose the threshold on the other folds' topics, score it on this fold's topics."""
    records = load_gold(path)
    topics = sorted({str(r.get(group_key, r["label"])) for r in records})
    results = []
    cache: dict[tuple[int, float], list[str]] = {}
    fold_of = {t: i % folds for i, t in enumerate(topics)}
    parts = [
        [r for r in records if fold_of[str(r.get(group_key, r["label"]))] == k]
        for k in range(folds)
    ]
    for k in range(folds):

        def f1(part: int, th: float) -> float:
            key = (part, th)
            if key not in cache:
                s = replace(settings, values={**settings.values, "cluster.threshold": th})
                cache[key] = cluster_records(parts[part], s)
            return score(cache[key], [str(r["label"]) for r in parts[part]]).bcubed_f1

        train = [i for i in range(folds) if i != k]
        chosen = max(thresholds, key=lambda th: (sum(f1(i, th) for i in train), -th))
        results.append({"fold": k, "threshold": chosen, "test_bcubed_f1": f1(k, chosen)})
    return results
