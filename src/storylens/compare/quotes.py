"""Quote facts: the same words of the same speaker in several reports.

Outlets trim a quote, splice two of its parts, or report in their own words what another quotes
directly. Two quotes of different reports are one fact when

- their speakers are one: the same canonical entity, or names of which one contains the other
  ("Gray" / "Kimani Gray"), or one of them unresolved while the words are nearly the same; and
- their words overlap: the share of the shorter quote's content words found in the longer
  (:data:`MIN_CONTAINMENT`; a trimmed quote is wholly inside the full one), and at least
  :data:`MIN_SHARED` content words, more for a reported clause (:data:`REPORTED_CONTAINMENT`).

Facts grow from the most similar pair down, one quote per report. A fact whose reports give the
same words is ``agree``; different words of one statement are ``compatible``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from storylens.compare.statements import features
from storylens.models import Fact, FactCell, FactStatus

if TYPE_CHECKING:
    from storylens.compare.story import Report
    from storylens.models import Quote

MIN_CONTAINMENT = 0.5
REPORTED_CONTAINMENT = 0.6  # when either is a reported clause (fewer words in common by nature)
UNKNOWN_SPEAKER_CONTAINMENT = 0.8
MIN_SHARED = 3
TITLES = frozenset("mr mrs ms miss dr sir lady lord prof president gen col capt sgt".split())

Cell = Callable[["Report", int, "str | None"], FactCell]


def speaker_words(q: Quote, names: dict[str, str]) -> frozenset[str]:
    """The words of a speaker's name (titles dropped), from its canonical entity if any."""
    name = names.get(q.speaker_entity or "", "") or q.speaker or ""
    words = {w.strip(".,'’").lower() for w in name.split()}
    return frozenset(w for w in words if w and w not in TITLES and len(w) > 1)


def same_speaker(a: Quote, b: Quote, names: dict[str, str]) -> bool | None:
    """True for one speaker, False for two, None when either is unknown."""
    if a.speaker_entity and a.speaker_entity == b.speaker_entity:
        return True
    wa, wb = speaker_words(a, names), speaker_words(b, names)
    if not wa or not wb:
        return None
    return wa <= wb or wb <= wa


def containment(a: set[str], b: set[str]) -> float:
    small = min(len(a), len(b))
    return len(a & b) / small if small else 0.0


def quote_facts(
    reports: list[Report], outlets: list[str], names: dict[str, str], cell: Cell
) -> list[Fact]:
    items = [(r, q, set(features(q.text, []))) for r in reports for q in r.quotes]
    pairs: list[tuple[float, int, int]] = []
    for i, (ri, qi, wi) in enumerate(items):
        for j in range(i + 1, len(items)):
            rj, qj, wj = items[j]
            if rj.id == ri.id or len(wi & wj) < MIN_SHARED:
                continue
            score = containment(wi, wj)
            speaker = same_speaker(qi, qj, names)
            need = REPORTED_CONTAINMENT if "indirect" in (qi.kind, qj.kind) else MIN_CONTAINMENT
            if speaker is False or (speaker is None and score < UNKNOWN_SPEAKER_CONTAINMENT):
                continue
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
        if any(same_speaker(items[x][1], items[y][1], names) is False
               for x in members[fi] for y in members[fj]):  # fmt: skip
            continue
        for k in members[fj]:
            fact_of[k] = fi
        members[fi] = sorted(members[fi] + members.pop(fj))
    facts = []
    for ids in sorted(members.values(), key=lambda m: m[0]):
        group = [items[i] for i in ids]
        reporting = {r.outlet for r, _, _ in group}
        cells: dict[str, list[FactCell]] = {o: [] for o in outlets}
        for r, q, _ in group:
            shown = cell(r, q.sentence, q.text)
            shown.quote = q
            cells[r.outlet].append(shown)
        q0 = next((q for _, q, _ in group if q.speaker_entity), group[0][1])
        key = q0.speaker_entity or (q0.speaker or "unknown").lower()
        who = names.get(q0.speaker_entity or "") or q0.speaker or "unknown speaker"
        first = group[0][1]
        texts = {q.text for _, q, _ in group}
        status: FactStatus = "agree" if len(texts) == 1 else "compatible"
        facts.append(
            Fact("", "quote", key,
                 f"{who}: “{first.text}”" if first.kind == "direct" else f"{who}: {first.text}",
                 status if len(reporting) > 1 else "only_one",
                 None if len(texts) == 1 else "the outlets give different words", cells)
        )  # fmt: skip
    return sorted(facts, key=lambda f: -f.reporting)
