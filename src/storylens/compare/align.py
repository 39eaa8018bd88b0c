"""Which claims of a story's reports are one fact: the same quantity of the same thing in the
same event.

Every claim becomes an :class:`Item`: its unit family, the words of what it counts (normalised:
"killed", "death toll" and "fatalities" are one class; generic words such as "people" or
"amount" say nothing), the content of its sentence (words and canonical entities, weighted by
their rarity among the story's claim sentences) and the years its sentence names. Two claims
of different reports may be one fact (:func:`link`) when

- they measure the same kind of thing (count, money, percent, time, length …) and name no
  different years ("170,000 killed by the 2004 tsunami" is not today's toll);
- what they count shares its head word and their sentences share something besides, or
- they give the same figure in sentences that say much the same thing (the "12 pirates" of one
  outlet and the "12 Somalis" of another); a claim whose subject could not be read joins
  others only this way, never on its value alone;
- and, when their values cannot both hold, only on a shared head word, a closer context and
  figures within a plausible ratio: a conflict is shown only for the same quantity.

Facts grow from the strongest links down (:func:`group`), at most one claim per report, and
never holding two claims whose values disagree while what they count differs. A report's
second mention of a figure it already gave joins that fact as a second cell.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from storylens.compare.claims import (
    convertible,
    exact_units,
    magnitude_ratio,
    relation,
    unit_family,
    vague,
    written,
)
from storylens.compare.statements import STOP, features, stem
from storylens.compare.timeref import TimeRef, different_times, time_reference

if TYPE_CHECKING:
    from storylens.compare.story import Report
    from storylens.models import Claim

# Words that say what is counted only together with another word.
GENERIC = frozenset(
    "people person persons individual individuals number numbers total figure figures amount "
    "amounts count value share percent percentage rate level sum more some other others "
    "duration time period times thing things none unknown claim claims several".split()
)
# Words that name the same quantity in news reports, merged into one class (docs/compare.md).
CLASSES = {
    w: cls
    for cls, words in {
        "dead": "dead death deaths die died dying kill killed killing fatality fatalities toll "
        "tolls life lives body bodies",
        "injured": "injured injury injuries wounded wound wounds hurt",
        "detained": "detained detain detention detentions arrested arrest arrests custody",
        # a crowd is counted under many names: "60 rioters", "a crowd of 70", "people marching"
        "protester": "protester protesters protestor protestors demonstrator demonstrators "
        "marcher marchers march marched marching rioter rioters crowd crowds mob mobs throng "
        "rally rallied rallies gathered gathering attended",
        "displaced": "displaced evacuated evacuee evacuees homeless fled flee fleeing refugee "
        "refugees",
        "quake": "quake quakes earthquake earthquakes tremor tremors temblor temblors",
        "vessel": "vessel vessels ship ships boat boats",
        "magnitude": "magnitude magnitudes richter",
        "missing": "missing unaccounted",
    }.items()
    for w in words.split()
}
KINDS = frozenset(CLASSES.values())
_WORD = re.compile(r"[a-z][a-z'’-]*")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")

ATTACH_CONTEXT = 0.2  # a report's second mention of a figure it gave


@dataclass(slots=True)
class Item:
    """A claim as the aligner sees it."""

    report: Report
    claim: Claim
    family: str
    terms: frozenset[str]  # what is counted, normalised (generic words dropped)
    head: str | None  # its head word's class
    bag: Counter[str]  # the sentence's content, without numbers
    years: frozenset[str]
    when: TimeRef
    near: frozenset[str] = frozenset()  # content words next to the figure
    entities: frozenset[str] = frozenset()
    lead: bool = False  # in the report's first sentences
    first: bool = False  # the report's first claim counting this (its head)
    value_rarity: float = 0.0  # how few of the story's claims give this figure
    head_rarity: float = 0.0  # how few of the story's claims count this
    weights: dict[str, float] = field(default_factory=dict)
    norm: float = 1.0


# words that end a subject's head phrase: "distance west of the city", "people living in tents"
_AFTER_HEAD = frozenset(
    "of in on at from to for with by into near off over under about after before during "
    "west east north south inside outside across around among between that who which".split()
)


def subject_terms(
    subject: str, generic: frozenset[str] = frozenset()
) -> tuple[frozenset[str], str | None]:
    """What a subject counts, as normalised words, and its head: the last specific word
    before a preposition ("distance west of main city" → distance; "confirmed death toll" →
    dead), or, when the subject opens with a generic word ("people fled homes"), the first
    specific word after it. ``generic`` adds words of the sentence that say no more than
    "people" (its nationalities: the "Palestinians" killed and the "Palestinians" sheltering
    are two things)."""
    words = [w.strip("'’-") for w in _WORD.findall(subject.lower().replace("-", " "))]
    words = [w for w in words if w]
    cut = next((i for i, w in enumerate(words) if i and w in _AFTER_HEAD), len(words))

    def normal(ws: list[str]) -> list[str]:
        out = [CLASSES.get(w, CLASSES.get(stem(w), stem(w))) for w in ws if w not in generic]
        return [t for t in out if t and t not in GENERIC and t not in _AFTER_HEAD and len(t) > 1]

    first, rest = normal(words[:cut]), normal(words[cut:])
    terms = frozenset(first + rest)
    if words and not normal(words[:1]) and first:  # "people fled homes": what they did
        return terms, first[0]
    return terms, (first[-1] if first else rest[0] if rest else None)


def _nationalities(keys: list[str]) -> frozenset[str]:
    """The words of the NORP entities a sentence names ("NORP:palestinians")."""
    return frozenset(
        stem(w) for k in keys if k.startswith("NORP:") for w in k.split(":", 1)[1].split()
    ) | frozenset(w for k in keys if k.startswith("NORP:") for w in k.split(":", 1)[1].split())


NEAR = 4  # words each side of a figure that say what it is about
LEAD = 3  # sentences that open a report


def _near(text: str, start: int, end: int) -> frozenset[str]:
    before = [stem(w) for w in _WORD.findall(text[:start].lower()) if w not in STOP][-NEAR:]
    after = [stem(w) for w in _WORD.findall(text[end:].lower()) if w not in STOP][:NEAR]
    return frozenset(before + after)


def make_items(reports: Sequence[Report]) -> list[Item]:
    """Every claim of the story's reports, with the story's weights of context words."""
    items = []
    for r in reports:
        heads: set[str | None] = set()
        spans: dict[int, list[tuple[int, int]]] = {}
        for c in r.claims:
            spans.setdefault(c.sentence, []).append((c.start, c.end))
        for c in sorted(r.claims, key=lambda c: (c.sentence, c.start)):
            if c.sentence >= len(r.sentences):
                continue
            text = r.sentences[c.sentence].text
            start, end = (c.start, c.end) if c.end > c.start else (0, 0)
            rest = text[:start] + " " + text[end:]
            terms, head = subject_terms(c.subject, _nationalities(r.entities.get(c.sentence, [])))
            bag = features(rest, r.entities.get(c.sentence, []))
            bag = Counter({t: n for t, n in bag.items() if not t[0].isdigit()})
            years = frozenset(_YEAR.findall(rest))
            items.append(
                Item(r, c, unit_family(c.unit), terms, head, bag, years,
                     time_reference(text, r.published, (c.start, c.end),
                                    [sp for sp in spans[c.sentence] if sp != (c.start, c.end)]),
                     _near(text, start, end),
                     frozenset(r.entities.get(c.sentence, [])), c.sentence < LEAD,
                     head is not None and head not in heads)
            )  # fmt: skip
            heads.add(head)
    df: Counter[str] = Counter()
    for it in items:
        df.update(it.bag.keys())
    n = len(items) or 1
    values = Counter((it.family, written(it.claim)) for it in items)
    counted = Counter(it.head for it in items if it.head)
    for it in items:
        it.value_rarity = math.log(n / values[(it.family, written(it.claim))])
        it.head_rarity = math.log(n / counted[it.head]) if it.head else 0.0
    for it in items:
        it.weights = {t: c * math.log(1 + n / df[t]) for t, c in it.bag.items()}
        it.norm = math.sqrt(sum(w * w for w in it.weights.values())) or 1.0
    return items


def context(a: Item, b: Item) -> float:
    """Cosine of the two sentences' weighted content."""
    small, large = (a, b) if len(a.weights) <= len(b.weights) else (b, a)
    dot = sum(w * large.weights.get(t, 0.0) for t, w in small.weights.items())
    return dot / (a.norm * b.norm)


def same_thing(a: Item, b: Item) -> bool | None:
    """Whether two claims count the same thing: True (a shared head word), False (both name
    what they count, and differently), None (one of them names nothing specific)."""
    if not a.terms or not b.terms:
        return None
    return bool(a.head == b.head or a.head in b.terms or b.head in a.terms)


# :func:`link` is a logistic model of "one fact" over :func:`pair_features`, its weights fitted
# on the ECB+ claims gold by benchmarks/fit_claim_links.py (docs/compare.md gives the figures).
WEIGHTS: dict[str, float] = {
    "same_thing": -1.772,
    "other_thing": -1.608,
    "subject": 1.618,
    "agree": 2.31,
    "agree_rough": 1.34,
    "modifiers_differ": -0.216,
    "compatible": -1.105,
    "other_units": -0.413,
    "disjoint": -0.917,
    "disjoint_later": -0.491,
    "log_ratio": -1.247,
    "context": 1.52,
    "near": 3.592,
    "entities": 0.766,
    "years_differ": -1.163,
    "days_differ": 0.375,
    "value_rarity": -0.223,
    "head_rarity": 0.826,
    "lead": 0.696,
    "first": 0.853,
    "attributed_alike": -0.57,
}
BIAS = 1.134
LINK_THRESHOLD = 2.5  # the score two claims need to be one fact
DISJOINT_THRESHOLD = 4.4  # … when their values cannot both hold at one time (a conflict)
# … when their values differ in reports dated on different days (an update). The gold the
# weights are fitted on is undated, so this one is set by hand: the dated reports of a story
# that unfolds day by day (ships queued offshore: 27, 44, 61, 66) chain at 3 (docs/compare.md).
UPDATE_THRESHOLD = 3.0
VALUE_ALONE = 0.1  # … and what two claims whose subject could not be read must share besides


def link(a: Item, b: Item) -> float | None:
    """How strongly two claims of different reports are one fact (the model's log-odds), or
    None when they are not: different kinds of quantity, units that do not convert, or a score
    below the threshold (higher for values that cannot both hold)."""
    if a.report.id == b.report.id or a.family != b.family:
        return None
    if not convertible(a.claim.unit, b.claim.unit) or other_years(a, b) or other_kinds(a, b):
        return None
    f = pair_features(a, b)
    unread = not f["same_thing"] and not f["other_thing"]  # same_thing(a, b) is None
    if unread and f["context"] + f["near"] < VALUE_ALONE:
        return None  # a claim whose subject could not be read never joins on its value alone
    score = BIAS + sum(WEIGHTS.get(k, 0.0) * v for k, v in f.items())
    if f["disjoint"] or f["disjoint_later"]:
        need = UPDATE_THRESHOLD if _dated_apart(a, b) else DISJOINT_THRESHOLD
    else:
        need = LINK_THRESHOLD
    return score if score >= need else None


def other_kinds(a: Item, b: Item) -> bool:
    """Two of the quantities news counts under many names, and not the same one: the 12
    injured and the 12 arrested of one riot are two facts, however alike their sentences."""
    return (
        a.head in KINDS
        and b.head in KINDS
        and a.head != b.head
        and a.head not in b.terms
        and b.head not in a.terms
    )


# Tallies that only grow while a story unfolds (a toll, the injured, the arrested).
TALLIES = frozenset({"dead", "injured", "detained", "missing", "displaced"})
TOLL_RISE = 2.0  # a floor this many times below another report's figure is an earlier count


def _one_tally(a: Item, b: Item) -> bool:
    return a.head in TALLIES and a.head == b.head


def rising_toll(a: Item, b: Item) -> bool:
    """A tally one report gives as a floor ("killing at least one") and another as a figure
    many times larger ("24 dead"): both can hold, but they are two moments of a toll that rose,
    not two estimates of one figure, even when neither sentence says when."""
    return _one_tally(a, b) and any(
        low.hi is None and low.lo and high.lo is not None and high.lo >= TOLL_RISE * low.lo
        for low, high in ((a.claim, b.claim), (b.claim, a.claim))
    )


def revised_count(a: Item, b: Item) -> bool:
    """One source's two different figures for a tally, neither sentence naming the day it is
    for ("police said 12 people were injured" / "police said 18 people had been injured"): the
    source revised its count. Different sources' figures, or one source's for a day both
    sentences name, stay a conflict."""
    if not _one_tally(a, b) or a.when.day or b.when.day:
        return False
    said_a, said_b = (a.claim.attribution or "").lower(), (b.claim.attribution or "").lower()
    return bool(said_a) and said_a == said_b


def other_years(a: Item, b: Item) -> bool:
    """Both sentences name years and none in common: "168,000 killed by the 2004 tsunami" and
    a sentence on the 2002 and 2004 quakes may speak of one thing; one on 2006 may not."""
    return bool(a.years and b.years and not a.years & b.years)


def _dated_apart(a: Item, b: Item) -> bool:
    """Both reports dated, on different days."""
    pa, pb = a.report.published, b.report.published
    return pa is not None and pb is not None and pa.date() != pb.date()


def can_join(a: Item, b: Item) -> bool:
    """Whether two claims may stand in one fact at all (checked for every pair of a fact):
    one claim per report, unless the report itself gives the quantity at two times ("44
    vessels by midday, up from 27 on Tuesday"); no different years; and values that cannot
    both hold only for the same thing counted."""
    if a.family != b.family or other_years(a, b):
        return False
    rel = relation(a.claim, b.claim)
    if a.report.id == b.report.id:
        return rel == "disjoint" and same_thing(a, b) is True and different_times(a.when, b.when)
    return rel != "disjoint" or same_thing(a, b) is not False


def group(items: list[Item]) -> list[list[int]]:
    """Facts as lists of item indices (each fact's claims in item order; singletons included):
    merged from the strongest link down, at most one claim per report and only claims that
    :func:`can_join` every claim already there."""
    by_family: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        by_family.setdefault(it.family, []).append(i)
    pairs: list[tuple[float, int, int]] = []
    for idx in by_family.values():
        for x, i in enumerate(idx):
            for j in idx[x + 1 :]:
                score = link(items[i], items[j])
                if score is not None:
                    pairs.append((score, i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    linked = {(i, j) for _, i, j in pairs}
    fact_of = list(range(len(items)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(items))}

    def clash(x: int, y: int) -> bool:
        """Values that cannot both hold at one time, from reports whose own link is too weak
        for a conflict: "supplies for 15,000 refugees" joins "at least 15,000 refugees" on its
        figure, but does not contradict "more than 22,000" through it. (A figure that changed
        between days may chain: 27 ships, then 44, then 61.)"""
        a, b = items[min(x, y)], items[max(x, y)]
        return (
            a.report.id != b.report.id
            and relation(a.claim, b.claim) == "disjoint"
            and (min(x, y), max(x, y)) not in linked
            and not _dated_apart(a, b)
            and not different_times(a.when, b.when)
        )

    for _, i, j in pairs:
        fi, fj = fact_of[i], fact_of[j]
        if fi == fj:
            continue
        if not all(
            can_join(items[x], items[y]) and not clash(x, y)
            for x in members[fi]
            for y in members[fj]
        ):
            continue
        for k in members[fj]:
            fact_of[k] = fi
        members[fi] = sorted(members[fi] + members.pop(fj))
    _attach_repeats(items, members, fact_of)
    return sorted(members.values(), key=lambda m: m[0])


def _attach_repeats(items: list[Item], members: dict[int, list[int]], fact_of: list[int]) -> None:
    """A claim left alone whose report gave the same quantity in a fact of several reports
    ("At least five" in the lead, "five" further down) joins that fact."""
    for i, it in enumerate(items):
        if len(members.get(fact_of[i], ())) != 1:
            continue
        best, best_ctx = None, ATTACH_CONTEXT
        for f, ids in members.items():
            if len(ids) < 2 or f == i:
                continue
            own = [k for k in ids if items[k].report.id == it.report.id]
            if len(own) != 1:
                continue
            first = items[own[0]]
            if same_thing(first, it) is not True or relation(first.claim, it.claim) == "disjoint":
                continue
            if first.years != it.years:
                continue
            ctx = max(context(it, items[k]) for k in ids if k != own[0]) if len(ids) > 1 else 0
            ctx = max(ctx, context(first, it))
            if ctx >= best_ctx:
                best, best_ctx = f, ctx
        if best is not None:
            members.pop(fact_of[i])
            fact_of[i] = best
            members[best] = sorted([*members[best], i])


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def pair_features(a: Item, b: Item) -> dict[str, float]:
    """What :func:`link` weighs for two claims of different reports."""
    rel = relation(a.claim, b.claim)
    thing = same_thing(a, b)
    ratio = magnitude_ratio(a.claim, b.claim)
    days = a.when.day is not None and b.when.day is not None
    # "merchant vessels" and "speed boats": one head class, different things
    mods_a, mods_b = a.terms - {a.head}, b.terms - {b.head}
    rough = vague(a.claim) or vague(b.claim)
    other_units = rel == "compatible" and not exact_units(a.claim.unit, b.claim.unit)
    later = different_times(a.when, b.when)
    return {
        "same_thing": float(thing is True),
        "other_thing": float(thing is False),
        "subject": _jaccard(a.terms, b.terms),
        "agree": float(rel == "agree" and not rough),
        "agree_rough": float(rel == "agree" and rough),
        "modifiers_differ": float(
            thing is True and bool(mods_a) and bool(mods_b) and not mods_a & mods_b
        ),
        "compatible": float(rel == "compatible" and not other_units),
        "other_units": float(other_units),  # weeks / weekends, euros / pounds
        "disjoint": float(rel == "disjoint" and not later),
        "disjoint_later": float(rel == "disjoint" and later),  # an update, not a conflict
        "log_ratio": math.log(ratio) if rel == "disjoint" else 0.0,
        "context": context(a, b),
        "near": _jaccard(a.near, b.near),
        "entities": _jaccard(a.entities, b.entities),
        "years_differ": float(a.years != b.years),
        "days_differ": float(days and a.when.day != b.when.day),
        "value_rarity": min(a.value_rarity, b.value_rarity)
        if rel == "agree" and not rough
        else 0.0,
        "head_rarity": min(a.head_rarity, b.head_rarity) if thing is True else 0.0,
        "lead": float(a.lead and b.lead),
        "first": float(a.first and b.first),
        "attributed_alike": float(
            bool(a.claim.attribution and b.claim.attribution)
            and (a.claim.attribution or "").lower() == (b.claim.attribution or "").lower()
        ),
    }
