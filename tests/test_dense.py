"""The clusterer's numpy scoring gives the numbers of the dict loop it replaced, to the bit.

The candidates of an article are scored from arrays (``storylens.cluster.dense``) and the
TF-IDF vectors come from one table of term ids and document frequencies; both must leave the
stories exactly as they were. Checked on random vectors, and on real news: the ECB+ corpus
(982 reports) clustered with the arrays and with the reference (the dict loop, the
``Counter`` of document frequencies), every decision and every score compared.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from pathlib import Path

import pytest

from storylens.cluster import StoryBuilder
from storylens.cluster.dense import Query, Terms
from storylens.cluster.features import Counts, Vector
from storylens.cluster.online import OnlineClusterer, Story, dot
from storylens.cluster.tuning import prepare
from storylens.config import Settings
from storylens.pipeline import ingest
from storylens.store import Store

ECBPLUS = Path(__file__).resolve().parents[2] / "shared/corpora/ecbplus/ecbplus.jsonl"


def _loop_dot(a: Vector, b: Vector) -> float:
    """The dot product as the clusterer computed it before the arrays."""
    small, large = (a, b) if len(a) < len(b) else (b, a)
    return sum(w * large.get(t, 0.0) for t, w in small.items())


def test_array_dot_products_equal_the_dict_loop_to_the_bit() -> None:
    rng = random.Random(7)
    terms = Terms()
    sizes = [1, 2, 25, 299, 300, 301, 700]
    for _ in range(400):
        vocab = [f"t{i}" for i in range(rng.choice([50, 400, 30_000]))]
        a, b = (
            {t: rng.random() for t in rng.sample(vocab, min(len(vocab), rng.choice(sizes)))}
            for _ in range(2)
        )
        with Query(terms, a) as query:
            assert query.dot(*terms.arrays(b)) == _loop_dot(a, b) == dot(a, b)
    assert not terms.article.any() and not terms.spare.any()  # the scratch is left clear


class _Reference(OnlineClusterer):
    """Scores with the dict loop (the code before the arrays)."""

    def score_of(self, query: Query, story: Story) -> float:
        return _loop_dot(query.vec, story.centroid) / story.norm if story.norm else 0.0


class _ReferenceVectors:
    """TF-IDF as it was computed before the table of ids: a ``Counter`` of document
    frequencies, one pass to count and one to weigh."""

    def __init__(self) -> None:
        self.df: Counter[str] = Counter()
        self.n = 0

    def add(self, counts: Counts) -> tuple[Vector, None]:
        self.n += 1
        self.df.update(counts.keys())
        n = self.n + 1
        vec = {
            t: (1.0 + math.log(c)) * (math.log(n / (1 + self.df.get(t, 0))) + 1.0)
            for t, c in counts.items()
            if c > 0
        }
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}, None


@pytest.mark.shared
@pytest.mark.skipif(not ECBPLUS.is_file(), reason=f"ECB+ is not in {ECBPLUS}")
def test_stories_on_real_news_are_those_of_the_dict_loop(
    tmp_path: Path, settings: Settings
) -> None:
    with Store(tmp_path / "ecb.db") as store:
        ingest(store, [str(ECBPLUS)], settings)
        prepared = prepare(store, settings)
    runs = []
    for reference in (False, True):
        builder = StoryBuilder(settings)
        if reference:
            c = builder.clusterer
            builder.clusterer = _Reference(c.threshold, c.window, c.span, c.half_life)
            builder.vectorizer = _ReferenceVectors()  # type: ignore[assignment]
        decisions = [
            builder.place(row, counts, title_counts, prepared.canonical.get(row.id))
            for row, (counts, title_counts) in zip(prepared.rows, prepared.features, strict=True)
        ]
        runs.append((decisions, dict(builder.story_of), dict(builder.linker.line_of)))
    (new, stories, lines), (old, old_stories, old_lines) = runs
    assert len(set(stories.values())) > 50  # real stories, many of them split and joined
    assert new == old  # every decision, score, runner-up and its score
    assert stories == old_stories and lines == old_lines
