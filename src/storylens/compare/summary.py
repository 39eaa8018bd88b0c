"""An extractive summary of a story and its timeline, every line a sentence of a source.

The summary prefers what several outlets confirm: each group of aligned sentences (one fact in
other words) scores by the number of outlets that report it, then by how early it comes in the
reports (news puts the main facts first) and by how many of the story's main names it carries.
The chosen facts are shown in story order with the sentence of the earliest report and the
outlets that stand behind it.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING

from storylens.models import Fact, SummaryLine, SummarySource, TimelineDay, TimelineReport

if TYPE_CHECKING:
    from storylens.compare.statements import Unit
    from storylens.compare.story import Report

SUMMARY_SENTENCES = 5
MIN_WORDS = 6


def summarise(
    groups: list[list[int]], units: list[Unit], reports: dict[str, Report]
) -> list[SummaryLine]:
    names: Counter[str] = Counter()
    for u in units:
        names.update(t for t in u.bag if t.startswith("E:"))
    main = {t for t, _ in names.most_common(5)}
    scored = []
    for group in groups:
        first = units[group[0]]
        report = reports[first.article]
        sentence = report.sentences[first.sentence]
        if len(sentence.text.split()) < MIN_WORDS or sentence.text.endswith("?"):
            continue
        outlets = list(dict.fromkeys(units[i].outlet for i in group))
        position = min(units[i].sentence for i in group)
        score = 2.0 * len(outlets) + 1.0 / (1 + position) + 0.3 * len(main & set(first.bag))
        scored.append((score, group))
    scored.sort(key=lambda sg: (-sg[0], sg[1][0]))
    chosen: list[list[int]] = []
    for _, group in scored:
        if len(chosen) == SUMMARY_SENTENCES:
            break
        bag = set(units[group[0]].bag)
        if any(_overlap(bag, set(units[g[0]].bag)) > 0.5 for g in chosen):
            continue
        chosen.append(group)
    chosen.sort(key=lambda g: (_when(reports[units[g[0]].article]), units[g[0]].sentence))
    out = []
    for group in chosen:
        first = units[group[0]]
        out.append(
            SummaryLine(
                text=reports[first.article].sentences[first.sentence].text,
                article=first.article,
                sentence=first.sentence,
                outlets=list(dict.fromkeys(units[i].outlet for i in group)),
                sources=[  # one per outlet: the sentence of its first report
                    SummarySource(u.outlet, u.article, u.sentence)
                    for u in _first_per_outlet(units, group)
                ],
            )
        )
    return out


def timeline(reports: list[Report], facts: list[Fact]) -> list[TimelineDay]:
    """The story by day: each report of the day, and the facts it was first to report."""
    first_seen: dict[str, list[str]] = {}
    order = {r.id: _when(r) for r in reports}
    for fact in facts:
        if fact.kind == "entity":
            continue
        cells = [c for cs in fact.outlets.values() for c in cs]
        if cells:
            earliest = min(cells, key=lambda c: order.get(c.article, datetime.max))
            first_seen.setdefault(earliest.article, []).append(fact.id)
    days: dict[str, list[TimelineReport]] = {}
    for r in sorted(reports, key=_when):
        day = r.published.date().isoformat() if r.published else "undated"
        lead = r.sentences[0].text if r.sentences else r.title
        days.setdefault(day, []).append(
            TimelineReport(
                r.id, r.outlet, r.title, r.published.isoformat() if r.published else None,
                lead, first_seen.get(r.id, []),
            )
        )  # fmt: skip
    return [TimelineDay(d, items) for d, items in days.items()]


def _first_per_outlet(units: list[Unit], group: list[int]) -> list[Unit]:
    first: dict[str, Unit] = {}
    for i in group:
        first.setdefault(units[i].outlet, units[i])
    return list(first.values())


def _when(r: Report) -> datetime:
    return r.published.replace(tzinfo=None) if r.published else datetime.max


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0
