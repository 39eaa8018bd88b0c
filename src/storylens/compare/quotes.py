"""Quote facts: the same words of the same speaker in several reports.

Outlets trim a quote, splice two of its parts, or report in their own words what another quotes
directly. Two quotes of different reports are one fact when

- their words overlap: the share of the shorter quote's content words found in the longer
  (a trimmed quote is wholly inside the full one), with at least :data:`MIN_SHARED` content
  words in common; and
- their speakers are one — the same canonical entity, or names of which one contains the other
  ("Gray" / "Kimani Gray") — and the overlap reaches :data:`MIN_CONTAINMENT`, or
  :data:`SAME_SPEAKER_CONTAINMENT` for the same entity (a statement in other words); or a
  speaker is unresolved and the words are nearly the same (:data:`UNKNOWN_SPEAKER_CONTAINMENT`);
  or the words are the same whoever the outlets name (:data:`SAME_WORDS`: the fact then notes
  that the outlets attribute it differently).

Facts grow from the most similar pair down, one quote per report. A fact whose reports give the
same words is ``agree``; different words of one statement are ``compatible``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from storylens.compare.statements import features, stem
from storylens.models import Fact, FactCell, FactStatus

if TYPE_CHECKING:
    from storylens.compare.story import Report
    from storylens.models import Quote

MIN_CONTAINMENT = 0.5
SAME_SPEAKER_CONTAINMENT = 0.35  # one speaker's statement reported in other words
UNKNOWN_SPEAKER_CONTAINMENT = 0.8
SAME_WORDS = 0.9  # nearly the same words: one quote, even when the outlets name different speakers
SAME_WORDS_SHARED = 6
MIN_SHARED = 3
TITLES = frozenset("mr mrs ms miss dr sir lady lord prof president gen col capt sgt".split())

Cell = Callable[["Report", int, "str | None"], FactCell]


def speaker_words(q: Quote, names: dict[str, str]) -> frozenset[str]:
    """The words of a speaker's name (titles dropped), from its canonical entity if any."""
    name = names.get(q.speaker_entity or "", "") or q.speaker or ""
    found = {w.strip(".,'’").lower() for w in name.split()}
    found = {ROLES.get(w, w) for w in found}
    return frozenset(w for w in found if w and w not in TITLES and len(w) > 1)


def same_speaker(a: Quote, b: Quote, names: dict[str, str]) -> bool | None:
    """True for one speaker, False for two, None when either is unknown."""
    if a.speaker_entity and a.speaker_entity == b.speaker_entity:
        return True
    wa, wb = speaker_words(a, names), speaker_words(b, names)
    if not wa or not wb:
        return None
    return wa <= wb or wb <= wa


_WORDS = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
ROLES = {"spokesman": "spokesperson", "spokeswoman": "spokesperson", "spokesmen": "spokesperson",
         "spokeswomen": "spokesperson", "chairman": "chair", "chairwoman": "chair"}  # fmt: skip
SHORT = 4  # words: a quote this short lines up only whole, and only with the same speaker


def words(text: str) -> set[str]:
    """Every word of a quote, stemmed and with British and American spellings made one
    ("terrorised" / "terrorized"): short quotes ("What can we do?") are all stop words."""
    return {spelling(stem(w)) for w in _WORDS.findall(text.lower())}


def spelling(word: str) -> str:
    """One spelling for -ise/-ize and -our/-or words: "terrorized" → "terrorised",
    "labor" → "labour"."""
    if len(word) >= 6:
        word = re.sub(r"iz(e|ed|es|ing|ation|ations)?$", r"is\1", word)
        word = re.sub(r"yz(e|ed|es|ing)?$", r"ys\1", word)
    if len(word) >= 5 and word.endswith("or") and word[:-2] + "our" in _OUR:
        word = word[:-2] + "our"
    return word


_OUR = frozenset(
    "labour colour honour favour behaviour neighbour harbour rumour humour vigour armour "
    "endeavour savour odour valour parlour flavour".split()
)


def _normal(text: str) -> tuple[str, ...]:
    return tuple(spelling(stem(w)) for w in _WORDS.findall(text.lower()))


def containment(a: set[str], b: set[str]) -> float:
    small = min(len(a), len(b))
    return len(a & b) / small if small else 0.0


def quote_facts(
    reports: list[Report], outlets: list[str], names: dict[str, str], cell: Cell
) -> list[Fact]:
    items = [(r, q, {spelling(w) for w in features(q.text, [])}) for r in reports for q in r.quotes]
    every = [words(q.text) for _, q, _ in items]
    pairs: list[tuple[float, int, int]] = []
    for i, (ri, qi, wi) in enumerate(items):
        for j in range(i + 1, len(items)):
            rj, qj, wj = items[j]
            if rj.id == ri.id:
                continue
            if min(len(every[i]), len(every[j])) <= SHORT:
                if every[i] == every[j] and same_speaker(qi, qj, names):
                    pairs.append((1.0, i, j))
                continue
            if len(wi & wj) < MIN_SHARED:
                continue
            score = containment(wi, wj)
            if score >= SAME_WORDS and len(wi & wj) >= SAME_WORDS_SHARED:
                pairs.append((score, i, j))
                continue
            speaker = same_speaker(qi, qj, names)
            if speaker is None:
                need = UNKNOWN_SPEAKER_CONTAINMENT
            elif speaker and qi.speaker_entity and qi.speaker_entity == qj.speaker_entity:
                need = SAME_SPEAKER_CONTAINMENT
            else:
                need = MIN_CONTAINMENT if speaker else 2.0
            if score >= need:
                pairs.append((score, i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    fact_of = list(range(len(items)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(items))}
    for _, i, j in pairs:
        fi, fj = fact_of[i], fact_of[j]
        if fi == fj:
            continue
        reports_i = {items[k][0].id for k in members[fi]}
        if any(items[k][0].id in reports_i for k in members[fj]):
            continue
        for k in members[fj]:
            fact_of[k] = fi
        members[fi] = sorted(members[fi] + members.pop(fj))
    facts = []
    for ids in sorted(members.values(), key=lambda m: m[0]):
        group = [items[i] for i in ids]
        reporting = {r.column for r, _, _ in group}
        cells: dict[str, list[FactCell]] = {o: [] for o in outlets}
        for r, q, _ in group:
            shown = cell(r, q.sentence, q.text)
            shown.quote = q
            cells[r.column].append(shown)
        q0 = next((q for _, q, _ in group if q.speaker_entity), group[0][1])
        key = q0.speaker_entity or (q0.speaker or "unknown").lower()
        who = names.get(q0.speaker_entity or "") or q0.speaker or "unknown speaker"
        first = group[0][1]
        texts = {_normal(q.text) for _, q, _ in group}  # the same words, spelt either way
        status: FactStatus = "agree" if len(texts) == 1 else "compatible"
        notes = [] if len(texts) == 1 else ["the outlets give different words"]
        speakers = {names.get(q.speaker_entity or "") or q.speaker or "?" for _, q, _ in group}
        if any(same_speaker(a[1], b[1], names) is False for a in group for b in group):
            notes.append("attributed to different speakers: " + ", ".join(sorted(speakers)))
        facts.append(
            Fact("", "quote", key,
                 f"{who}: “{first.text}”" if first.kind == "direct" else f"{who}: {first.text}",
                 status if len(reporting) > 1 else "only_one", "; ".join(notes) or None, cells)
        )  # fmt: skip
    return sorted(facts, key=lambda f: -f.reporting)
