"""Clustering scores against gold labels: B-cubed, pairwise F1, adjusted Rand index."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(slots=True)
class Scores:
    bcubed_p: float
    bcubed_r: float
    bcubed_f1: float
    pairwise_p: float
    pairwise_r: float
    pairwise_f1: float
    ari: float
    clusters: int
    gold_clusters: int


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> Scores:
    if len(predicted) != len(gold) or not gold:
        raise ValueError("predicted and gold labels must be non-empty and of equal length")
    n = len(gold)
    pair_counts = Counter(zip(predicted, gold, strict=True))
    pred_sizes = Counter(predicted)
    gold_sizes = Counter(gold)
    # B-cubed: for each item, the share of its predicted cluster with its gold label, and back
    p = sum(c * c / pred_sizes[pl] for (pl, _), c in pair_counts.items()) / n
    r = sum(c * c / gold_sizes[gl] for (_, gl), c in pair_counts.items()) / n

    def pairs(k: int) -> int:
        return k * (k - 1) // 2

    together = sum(pairs(c) for c in pair_counts.values())
    pred_pairs = sum(pairs(c) for c in pred_sizes.values())
    gold_pairs = sum(pairs(c) for c in gold_sizes.values())
    pp = together / pred_pairs if pred_pairs else 1.0
    pr = together / gold_pairs if gold_pairs else 1.0
    expected = pred_pairs * gold_pairs / pairs(n) if n > 1 else 0.0
    maximum = (pred_pairs + gold_pairs) / 2
    ari = (together - expected) / (maximum - expected) if maximum != expected else 1.0
    return Scores(p, r, _f1(p, r), pp, pr, _f1(pp, pr), ari, len(pred_sizes), len(gold_sizes))
