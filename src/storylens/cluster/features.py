"""What the clusterer compares: sparse TF-IDF vectors of words, names and numbers.

Words are lower-cased, stop words dropped, sublinear TF. Capitalised phrases inside sentences
("Svetlana Alexievich", "Black Sea") stand in for named entities until the enrich stage provides
real ones: each phrase, and each of its words, adds an ``E:`` feature weighted by
``cluster.entity_weight``, because names are what separate two events of the same kind (two
factory fires, two celebrities entering rehab). Numbers add ``#`` features. IDF is online: it is
computed from the documents seen so far, so adding one article never needs a pass over the store.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from operator import mul
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from storylens.cluster.dense import Ids, Terms

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    out over own said same say says she should so some such than that the their theirs them then
    there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours told also one two new year years
    would could may might must us mr mrs ms according last week day days time people""".split()
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]|\d[\d,.]*\d|\d|[.!?:;\"“”()]|\n")
_SENTENCE_END = frozenset('.!?:;"“”()\n')
_NOT_NAMES = frozenset(
    "The A An In On At He She It They We I But And Or If As For This That These Those His Her "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May "
    "June July August September October November December Mr Mrs Ms Dr".split()
)

Vector = dict[str, float]


Counts = dict[str, float]


def terms(title: str, body: str, entity_weight: float) -> Counts:
    """Raw feature counts of one article (the title counts twice)."""
    counts: defaultdict[str, float] = defaultdict(float)
    _count(title, counts, 2.0, entity_weight)
    _count(body, counts, 1.0, entity_weight)
    return counts


def _count(text: str, counts: defaultdict[str, float], weight: float, entity_weight: float) -> None:
    """One pass over the tokens: words, runs of capitalised words (names), numbers."""
    name: list[str] = []
    at_start = True  # the first word of a sentence is capitalised whatever it is
    stop, not_names, ends = STOPWORDS, _NOT_NAMES, _SENTENCE_END
    for token in _TOKEN.findall(text):
        first = token[0]
        if first.isalpha():
            lower = token.lower()
            if first.isupper() and not at_start and token not in not_names:
                name.append(lower)
            elif name:
                _close(name, counts, entity_weight)
            at_start = False
            if len(lower) > 1 and lower not in stop:
                counts[lower.replace("’", "'")] += weight
            continue
        if name:
            _close(name, counts, entity_weight)
        if token in ends:
            at_start = True
        else:  # a number
            counts["#" + token.replace(",", "")] += 1.0
            at_start = False
    if name:
        _close(name, counts, entity_weight)


def _close(name: list[str], counts: defaultdict[str, float], entity_weight: float) -> None:
    counts["E:" + "_".join(name)] += entity_weight
    if len(name) > 1:
        for part in name:
            counts["E:" + part] += entity_weight
    name.clear()


def lead(text: str, max_words: int) -> str:
    """The first ``max_words`` words of a text (long live blogs say what they are early)."""
    if max_words <= 0 or text.count(" ") < max_words:
        return text
    return " ".join(text.split(" ", max_words)[:max_words])


def article_terms(item: tuple[str, str, str, float, int]) -> tuple[str, Counts, Counts]:
    """(id, title + body counts, title-only counts): the unit of work of a worker process."""
    article_id, title, body, entity_weight, max_words = item
    return article_id, terms(title, lead(body, max_words), entity_weight), terms(title, "", 1.0)


class Vectorizer:
    """Online TF-IDF: document frequencies grow as articles arrive.

    The terms and their document frequencies live in ``terms`` (:class:`~storylens.cluster.
    dense.Terms`, shared with the clusterer): one table lookup per term gives its id (the
    clusterer's arrays use it) and its canonical string (one string per term, however many
    articles and stories hold it)."""

    def __init__(self, terms: Terms | None = None) -> None:
        from storylens.cluster.dense import Terms

        self.terms = terms if terms is not None else Terms()
        self.n = 0

    def add(self, counts: Counts) -> tuple[Vector, Ids]:
        """Count an article's terms in the document frequencies, then return its unit-length
        TF-IDF vector (sublinear TF, smoothed IDF: ``(1 + ln c) · (ln(n / (1 + df)) + 1)``,
        ``n`` the articles seen, this one included, plus one) and its terms' ids."""
        self.n += 1
        n = self.n + 1
        terms = self.terms
        found = terms.lookup(list(counts))
        ids = np.array(found, dtype=np.intp)
        df = terms.df
        df[ids] += 1
        log = math.log
        vec = {
            t: (1.0 + log(c)) * (log(n / (1 + d)) + 1.0)
            for t, c, d in zip(
                map(terms.names.__getitem__, found), counts.values(), df[ids].tolist(), strict=True
            )
            if c > 0
        }
        if len(vec) < len(found):
            ids = ids[np.fromiter(counts.values(), float, len(found)) > 0]
        weights = vec.values()
        norm = math.sqrt(sum(map(mul, weights, weights))) or 1.0
        return {t: v / norm for t, v in vec.items()}, ids
