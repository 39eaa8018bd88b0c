"""Sentences that report the same thing in other words, across outlets.

Each sentence becomes a bag of normalised content words, canonical entity keys (so
"Lukashenko's" and "President Alexander Lukashenko" count as one) and numbers, weighted by
their rarity within the story. Two sentences from different outlets whose weighted overlap
(cosine) reaches :data:`THRESHOLD` report the same thing; groups form greedily from the most
similar pair down, with at most one sentence per article in a group.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

THRESHOLD = 0.3
WORD = re.compile(r"[a-z][a-z'’-]*[a-z]|\d[\d,.]*\d|\d")
STOP = frozenset(
    "a an the and or but if of in on at to for from by with as is are was were be been being "
    "has have had do does did will would could should may might must can its it this that "
    "these those their there they them he she his her him we our you your i my me who whom "
    "which what when where why how than then so not no nor also very just more most some any "
    "all each other such into over under about after before while during up down out off "
    "again further once said says say told according reportedly meanwhile however yet even "
    "since until last next week weeks day days month year years monday tuesday wednesday "
    "thursday friday saturday sunday".split()
)
PER_CENT = re.compile(r"\bper cent\b")
SPELLING = {"protestor": "protester", "protestors": "protester", "defense": "defence"}


def stem(word: str) -> str:
    """A crude English stem, enough to match plurals and tenses within one story."""
    word = SPELLING.get(word, word).replace("’", "'").removesuffix("'s")
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + keep
    return word


def features(text: str, entities: list[str]) -> Counter[str]:
    """The comparable content of a sentence."""
    bag: Counter[str] = Counter()
    for w in WORD.findall(PER_CENT.sub("percent", text.lower())):
        if w in STOP or (len(w) < 3 and not w[0].isdigit()):
            continue
        bag[w.replace(",", "") if w[0].isdigit() else stem(w)] += 1
    for key in entities:
        bag["E:" + key] += 2
    return bag


@dataclass(slots=True)
class Unit:
    """One sentence of one report, as the aligner sees it."""

    article: str
    outlet: str
    sentence: int
    bag: Counter[str]
    weights: dict[str, float] = field(default_factory=dict)
    norm: float = 0.0


def align(units: list[Unit], threshold: float = THRESHOLD) -> list[list[int]]:
    """Groups of unit indices that say the same thing (singletons included), in first-unit
    order. Units of the same outlet are never aligned with each other."""
    df: Counter[str] = Counter()
    for u in units:
        df.update(u.bag.keys())
    n = len(units) or 1
    for u in units:
        u.weights = {t: c * math.log(1 + n / df[t]) for t, c in u.bag.items()}
        u.norm = math.sqrt(sum(w * w for w in u.weights.values())) or 1.0
    postings: dict[str, list[int]] = {}
    for i, u in enumerate(units):
        for t in u.weights:
            postings.setdefault(t, []).append(i)
    pairs: list[tuple[float, int, int]] = []
    for i, u in enumerate(units):
        scores: dict[int, float] = {}
        for t, w in u.weights.items():
            if df[t] > max(3, n // 2):
                continue  # words in most sentences of the story say nothing about which
            for j in postings[t]:
                if j > i and units[j].outlet != u.outlet:
                    scores[j] = scores.get(j, 0.0) + w * units[j].weights[t]
        for j, dot in scores.items():
            sim = dot / (u.norm * units[j].norm)
            if sim >= threshold:
                pairs.append((sim, i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    group_of = list(range(len(units)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(units))}
    for _, i, j in pairs:
        gi, gj = group_of[i], group_of[j]
        if gi == gj:
            continue
        articles_i = {units[k].article for k in members[gi]}
        if any(units[k].article in articles_i for k in members[gj]):
            continue
        for k in members[gj]:
            group_of[k] = gi
        members[gi] += members.pop(gj)
    return sorted((sorted(m) for m in members.values()), key=lambda m: m[0])
