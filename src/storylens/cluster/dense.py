"""Sparse dot products in numpy, exactly as the dict loop sums them.

Scoring an article against its candidate events was a Python loop over the smaller of two
dicts (``sum(w * large.get(t, 0.0) for t, w in small.items())``), a cache miss per term: the
largest cost of the online clusterer. Here every term gets an integer id, an event's centroid
is kept as two arrays (ids, weights) until it changes, and the article is laid out once in a
dense scratch array, so a candidate costs a gather, a product and a running sum. The sum is
``np.add.accumulate`` over the products in the order of the smaller vector's terms: the same
additions in the same order as the loop (adding the 0.0 of a missing term changes nothing), so
the scores, and the stories, are the same to the last bit (``tests/test_dense.py``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from storylens.cluster.features import Vector

Ids = NDArray[np.intp]
Weights = NDArray[np.float64]


class Terms:
    """Integer ids for terms, each term's canonical string and document frequency, and two
    dense scratch arrays indexed by id (kept all zeros between uses)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.names: list[str] = []  # id → the term (the first string seen for it)
        self.df: NDArray[np.int64] = np.zeros(1 << 14, dtype=np.int64)  # id → documents
        self.article: Weights = np.zeros(1 << 14)  # the article being scored, laid out dense
        self.spare: Weights = np.zeros(1 << 14)  # a centroid, laid out dense for a moment
        self.position: Ids = np.zeros(1 << 14, dtype=np.intp)  # a centroid's term → place + 1

    def lookup(self, keys: list[str]) -> list[int]:
        """The ids of ``keys`` (new terms get the next ids), in their order."""
        ids = self.ids
        found = list(map(ids.get, keys))
        if None in found:
            names = self.names
            for i in [i for i, x in enumerate(found) if x is None]:
                term = keys[i]
                found[i] = ids[term] = len(names)
                names.append(term)
            if len(names) > len(self.df):
                size = 1 << (len(names) - 1).bit_length()
                grow = size - len(self.df)
                self.df = np.concatenate([self.df, np.zeros(grow, dtype=np.int64)])
                self.article = np.concatenate([self.article, np.zeros(grow)])
                self.spare = np.zeros(size)
                self.position = np.zeros(size, dtype=np.intp)
        return found  # type: ignore[return-value]  # no None left

    def arrays(self, vec: Vector) -> tuple[Ids, Weights]:
        """A vector as (ids, weights), in the vector's order."""
        ids = np.array(self.lookup(list(vec)), dtype=np.intp)
        return ids, np.fromiter(vec.values(), dtype=np.float64, count=len(vec))

    def merged(
        self, centroid: tuple[Ids, Weights], vec: tuple[Ids, Weights]
    ) -> tuple[Ids, Weights]:
        """The arrays of ``centroid`` after adding ``vec`` to it, as the dict is updated: a
        term already in it gains the vector's weight in place, new terms follow in the
        vector's order (0.0 + w is w: the same numbers)."""
        ids, weights = centroid
        vec_ids, vec_weights = vec
        position = self.position
        position[ids] = np.arange(1, len(ids) + 1)
        at = position[vec_ids]
        position[ids] = 0
        known = at > 0
        weights = weights.copy()
        weights[at[known] - 1] += vec_weights[known]
        new = ~known
        return np.concatenate([ids, vec_ids[new]]), np.concatenate([weights, vec_weights[new]])


class Query:
    """One article laid out for scoring against many centroids (use as a context manager:
    the scratch array is cleared on leaving)."""

    def __init__(self, terms: Terms, vec: Vector, ids: Ids | None = None) -> None:
        self.terms, self.vec = terms, vec
        if ids is None:
            self.ids, self.weights = terms.arrays(vec)
        else:  # the ids the vectorizer found (in the vector's order)
            self.ids, self.weights = ids, np.fromiter(vec.values(), np.float64, len(vec))
        self.size = len(vec)

    def __enter__(self) -> Query:
        self.terms.article[self.ids] = self.weights
        return self

    def __exit__(self, *_: object) -> None:
        self.terms.article[self.ids] = 0.0

    def dot(self, ids: Ids, weights: Weights) -> float:
        """The dot product with a centroid given as arrays: summed over the smaller of the
        two in its own order (the centroid when both are the same size), as the dict loop."""
        if self.size < len(ids):  # the article is the smaller: read the centroid at its terms
            spare = self.terms.spare
            spare[ids] = weights
            products = self.weights * spare[self.ids]
            spare[ids] = 0.0
        else:
            products = weights * self.terms.article[ids]
        return float(np.add.accumulate(products)[-1]) if len(products) else 0.0
