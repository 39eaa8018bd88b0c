"""The comparison of one story: facts × outlets, a summary and a timeline.

Facts are of four kinds, each aligned across the story's outlets:

- ``claim``: numbers that count the same thing in the same event (:mod:`.align`), their values
  reconciled (:mod:`.claims`) and their times read (:mod:`.timeref`): ``agree``,
  ``compatible``, ``conflict`` (the same quantity at the same time, values that cannot both
  hold) or ``update`` (the same quantity reported differently at different times);
- ``quote``: the same speaker's words, direct or reported, in several reports (:mod:`.quotes`);
- ``statement``: sentences that report the same thing in other words (:mod:`.statements`);
- ``entity``: who and what each outlet names.

Every cell points at the sentence it came from (article, sentence index, paragraph and offsets),
so nothing is shown that cannot be traced to the words of a source. Near copies of a report by
the same outlet are left out (they would only repeat it); wire copies by other outlets count as
those outlets reporting it.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from storylens.compare.align import Item, group, make_items, revised_count, rising_toll
from storylens.compare.claims import changed, group_verdict, relation, vague
from storylens.compare.quotes import quote_facts
from storylens.compare.statements import Unit, align, features
from storylens.compare.summary import summarise, timeline
from storylens.compare.timeref import day_of, different_times
from storylens.errors import NotFoundError
from storylens.models import (
    UNKNOWN_OUTLET,
    Article,
    Claim,
    ComparedReport,
    Comparison,
    Fact,
    FactCell,
    FactStatus,
    Quote,
    Sentence,
    Story,
)
from storylens.store import enrich as enrich_store
from storylens.store.articles import get_article
from storylens.store.stories import StoryRow, get_story, members

ALGORITHM = "7"  # part of every stored comparison's hash: change it when the rules change
MAX_ARTICLES = 80  # the earliest reports of a very large story are compared
MAX_ENTITIES = 30
MAX_SINGLE_STATEMENTS = 12  # per outlet: the most informative sentences only one outlet has
ENTITY_LABELS = ("PERSON", "ORG", "PLACE", "EVENT", "FAC", "LAW")


@dataclass(slots=True)
class Report:
    id: str
    outlet: str
    title: str
    published: datetime | None
    url: str | None
    copy_of: str | None
    sentences: list[Sentence]
    entities: dict[int, list[str]]  # sentence -> entity keys
    claims: list[Claim]
    quotes: list[Quote]
    column: str = ""  # the comparison's column: the outlet, or the report in a one-outlet story

    def __post_init__(self) -> None:
        self.column = self.column or self.outlet


def compared_reports(conn: sqlite3.Connection, story_id: str) -> list[tuple[str, str]]:
    """The reports a comparison of the story is made from, with their enrichment's hash:
    its first :data:`MAX_ARTICLES` members in time order (undated last), near copies left out
    (the same reports :func:`load_reports` reads)."""
    rows = conn.execute(
        "SELECT m.article_id, coalesce(e.content_hash, '') FROM story_members m"
        " JOIN articles a ON a.id = m.article_id"
        " LEFT JOIN enrichments e ON e.article_id = m.article_id"
        " LEFT JOIN duplicates d ON d.article_id = m.article_id AND d.kind = 'near'"
        " WHERE m.story_id = ? AND d.article_id IS NULL"
        " ORDER BY a.published IS NULL, a.published, a.id LIMIT ?",
        (story_id, MAX_ARTICLES),
    )
    return [(r[0], r[1]) for r in rows]


def members_hash(
    conn: sqlite3.Connection, story_id: str, reports: list[tuple[str, str]] | None = None
) -> str:
    """Changes when the reports a comparison is made from (:func:`compared_reports`), their
    enrichment or the comparison rules (:data:`ALGORITHM`) change: a stored comparison with
    another hash is stale. A report that joins a story after the first
    :data:`MAX_ARTICLES` (or a near copy) changes no fact: the stored comparison stays
    current, and its heading is read from the story (:func:`with_story`)."""
    digest = hashlib.blake2b(ALGORITHM.encode(), digest_size=12)
    for aid, h in sorted(compared_reports(conn, story_id) if reports is None else reports):
        digest.update(f"{aid}:{h};".encode())
    return digest.hexdigest()


def with_story(data: Comparison, found: StoryRow) -> Comparison:
    """A stored comparison with the story's heading as it is now (title, span, size,
    outlets, terms) and the capped note saying of how many reports: what a comparison made
    now from the same reports holds."""
    data.story = Story(
        found.id, found.title, found.first_seen, found.last_seen, found.size,
        list(found.outlets), list(found.terms),
    )  # fmt: skip
    rest = _CAPPED.sub("", data.note or "") or None
    data.note = _note(found.size, data.compared, rest)
    return data


_CAPPED = re.compile(r"^Compared on its first \d+ reports of \d+ \(near copies left out\)(; )?")


def _note(size: int, compared: int, note: str | None) -> str | None:
    if size > compared and compared == MAX_ARTICLES:
        capped = f"Compared on its first {MAX_ARTICLES} reports of {size}"
        return f"{capped} (near copies left out)" + (f"; {note}" if note else "")
    return note


def load_reports(
    conn: sqlite3.Connection, story_id: str
) -> tuple[Story, list[Report], dict[str, str]]:
    """The story, its reports with their enrichment, and the canonical name of every entity
    they mention (a quote's speaker entity is always one of its article's mentions)."""
    found = get_story(conn, story_id)
    if found is None:
        raise NotFoundError(
            f"no story with id {story_id!r}", "List stories with: storylens stories"
        )
    story = Story(
        found.id, found.title, found.first_seen, found.last_seen, found.size,
        list(found.outlets), list(found.terms),
    )  # fmt: skip
    rows = members(conn, story.id)
    ids = [r["id"] for r in rows]
    copies = {
        r[0]: (r[1], r[2])
        for r in conn.execute(
            "SELECT article_id, canonical_id, kind FROM duplicates WHERE article_id IN"
            f" ({','.join('?' * len(ids))})",
            ids,
        )
    }
    # near copies (same outlet, re-scraped) repeat their canonical report: leave them out
    ids = [i for i in ids if copies.get(i, ("", ""))[1] != "near"][:MAX_ARTICLES]
    sentences = enrich_store.sentences(conn, ids)
    claims = enrich_store.claims(conn, ids)
    quotes = enrich_store.quotes(conn, ids)
    mentions = enrich_store.mentions(conn, ids)
    reports = []
    names: dict[str, str] = {}
    for aid in ids:
        a = get_article(conn, aid)
        if a is None:
            continue
        ents: dict[int, list[str]] = defaultdict(list)
        for m in mentions.get(aid, []):
            ents[m["sentence"]].append(m["entity"])
            names[m["entity"]] = m["name"]
        reports.append(
            Report(
                a.id,
                outlet_label(a),
                a.title,
                a.published,
                a.url,
                copies.get(a.id, (None, ""))[0],
                sentences.get(aid, []),
                ents,
                claims.get(aid, []),
                quotes.get(aid, []),
            )
        )
    return story, reports, names


def outlet_label(a: Article) -> str:
    """The outlet, or for a report that names none, its domain, else "unknown outlet": the
    comparison's column is never a file name (the report's cells say which file it is).
    Reports of no known outlet share that column, so they never count as two outlets that
    agree."""
    if a.outlet:
        return a.outlet
    if a.url:
        return urlsplit(a.url).netloc.removeprefix("www.") or UNKNOWN_OUTLET
    return UNKNOWN_OUTLET


def compare_story(conn: sqlite3.Connection, story_id: str) -> Comparison:
    """The comparison of a story (see the module docstring for what it holds)."""
    story, reports, names = load_reports(conn, story_id)
    note = _one_outlet_columns(reports)
    outlets = list(dict.fromkeys(r.column for r in reports))
    facts: list[Fact] = []
    facts += claim_facts(reports, outlets)
    facts += quote_facts(reports, outlets, names, cell)
    statements, groups, units = _statement_facts(reports, outlets)
    facts += statements
    facts += _entity_facts(reports, outlets, names)
    for i, fact in enumerate(facts):
        fact.id = f"{fact.kind[0]}{i + 1}"
    by_id = {r.id: r for r in reports}
    note = _note(story.size, len(reports), note)
    return Comparison(
        story=story,
        outlets=outlets,
        articles=[
            ComparedReport(
                r.id,
                r.outlet,
                r.title,
                r.url,
                r.published.isoformat() if r.published else None,
                r.copy_of,
                bool(r.sentences),
            )
            for r in reports
        ],
        facts=facts,
        summary=summarise(groups, units, by_id),
        timeline=timeline(reports, facts),
        compared=len(reports),
        note=note,
    )


def _one_outlet_columns(reports: list[Report]) -> str | None:
    """A story that one outlet alone reports, in several reports, is compared report by report:
    each report is a column ("Daily Mail · 2020-09-14 10:20"), so the table shows how its
    figures and words changed between its own reports."""
    if len({r.outlet for r in reports}) != 1 or len(reports) < 2:
        return None
    seen: Counter[str] = Counter()
    for r in reports:
        when = r.published.strftime("%Y-%m-%d %H:%M") if r.published else "undated"
        label = f"{r.outlet} · {when}"
        seen[label] += 1
        r.column = label if seen[label] == 1 else f"{label} ({seen[label]})"
    return "One outlet reports this story: its reports are compared with each other"


def cell(r: Report, sentence: int, value: str | None = None) -> FactCell:
    """The cell of a report's sentence."""
    s = r.sentences[sentence] if sentence < len(r.sentences) else None
    return FactCell(
        article=r.id,
        sentence=sentence,
        paragraph=s.paragraph if s else None,
        start=s.start if s else None,
        end=s.end if s else None,
        text=s.text if s else "",
        value=value,
        published=r.published.isoformat() if r.published else None,
    )


def status_of(reporting: int, relation: FactStatus = "agree") -> FactStatus:
    """A fact reported by one outlet is ``only_one``; by several, how their reports relate."""
    return relation if reporting > 1 else "only_one"


# --- claims ---------------------------------------------------------------------------------------


def claim_facts(reports: list[Report], outlets: list[str]) -> list[Fact]:
    """The story's numeric claims aligned into facts (see :mod:`.align`)."""
    items = make_items(reports)
    facts = []
    for ids in group(items):
        fact_items = [items[i] for i in ids]
        status, note = claim_status(fact_items)
        cells: dict[str, list[FactCell]] = {o: [] for o in outlets}
        for it in fact_items:
            shown = cell(it.report, it.claim.sentence, it.claim.text)
            shown.claim = it.claim
            cells[it.report.column].append(shown)
        values = " / ".join(dict.fromkeys(it.claim.text for it in fact_items))
        label = f"{_subject(fact_items)}: {values}"
        facts.append(Fact("", "claim", _claim_key(fact_items), label, status, note or None, cells))
    return sorted(facts, key=lambda f: (-f.reporting, f.label))


def claim_status(items: list[Item]) -> tuple[FactStatus, str]:
    """The status of one claim fact and the note that explains it. Each report counts once per
    time it speaks of (its first claim of the fact). Values that cannot both hold are a
    ``conflict`` when two outlets give them for the same time, an ``update`` when they speak of
    different times; a plural number word ("thousands") against a figure for the same time is
    only a rough figure (``compatible``). One outlet's reports whose figures changed over time
    make an ``update`` too."""
    firsts: dict[tuple[str, str | None], Item] = {}
    for it in items:  # a report giving the quantity at two times counts twice
        firsts.setdefault((it.report.id, day_of(it.when)), it)
    primary = list(firsts.values())
    reporting = {it.report.column for it in primary}
    if len(primary) < 2:
        return "only_one", ""
    verdict = group_verdict([it.claim for it in primary])
    if verdict.relation != "disjoint":
        # "at least one" dead in the morning, "24" by the evening: compatible, but a change
        if any(
            changed(a.claim, b.claim) and (different_times(a.when, b.when) or rising_toll(a, b))
            for n, a in enumerate(primary)
            for b in primary[n + 1 :]
        ):
            return "update", "changed over time: " + _sequence(primary, changed)
        if len(reporting) < 2:
            return "only_one", ""
        return ("agree" if verdict.relation == "agree" else "compatible"), verdict.note
    clashes = [
        (a, b)
        for n, a in enumerate(primary)
        for b in primary[n + 1 :]
        if relation(a.claim, b.claim) == "disjoint"
    ]
    later = [(a, b) for a, b in clashes if different_times(a.when, b.when) or revised_count(a, b)]
    # a plural number word ("thousands") is not contradicted by a figure at the same time
    same_time = [(a, b) for a, b in clashes if (a, b) not in later and not _vague(a, b)]
    if same_time and len(reporting) > 1:
        return "conflict", "; ".join(
            dict.fromkeys(
                f"different values: {a.claim.text} / {b.claim.text}" for a, b in same_time
            )
        )
    if later:
        return "update", "changed over time: " + _sequence(primary, disjoint)
    if len(reporting) < 2:
        return "only_one", ""
    return "compatible", "; ".join(
        dict.fromkeys(f"a rough figure: {a.claim.text} / {b.claim.text}" for a, b in clashes)
    )


def _vague(a: Item, b: Item) -> bool:
    return vague(a.claim) or vague(b.claim)


def disjoint(a: Claim, b: Claim) -> bool:
    return relation(a, b) == "disjoint"


def _sequence(items: list[Item], differ: Callable[[Claim, Claim], bool]) -> str:
    """An update's figures in time order, one step per change: "27 (2025-04-01) → 61
    (2025-04-03) → 66 (2025-04-05)"."""
    steps: list[tuple[Item, list[str]]] = []
    for it in sorted(items, key=_order):
        day = (it.when.day or "")[:10] if it.when.day and it.when.day[:1].isdigit() else ""
        if not day and it.report.published:
            day = it.report.published.date().isoformat()
        if steps and not differ(steps[-1][0].claim, it.claim):
            steps[-1][1].append(day)
        else:
            steps.append((it, [day]))
    out = []
    for it, days in steps:
        known = sorted(d for d in days if d)
        when = "" if not known else known[0] if known[0] == known[-1] else f"{known[0]}…{known[-1]}"
        out.append(f"{it.claim.text} ({when})" if when else it.claim.text)
    return " → ".join(out)


def _order(it: Item) -> tuple[bool, str, float]:
    """Reports in time order (undated last), then by value (tolls rise)."""
    when = it.report.published.isoformat() if it.report.published else ""
    value = it.claim.lo if it.claim.lo is not None else (it.claim.hi or 0.0)
    return (not when, when, value)


def _subject(items: list[Item]) -> str:
    """The subject a fact is shown under: the commonest specific one among its claims."""
    named = Counter(it.claim.subject for it in items if it.terms)
    if named:
        return named.most_common(1)[0][0]
    return items[0].claim.subject or "figure"


def _claim_key(items: list[Item]) -> str:
    return f"{_subject(items).lower()}|{items[0].family}"


# --- statements and entities -------------------------------------------------------------------


def _statement_facts(
    reports: list[Report], outlets: list[str]
) -> tuple[list[Fact], list[list[int]], list[Unit]]:
    units = [
        Unit(r.id, r.column, s.index, features(s.text, r.entities.get(s.index, [])))
        for r in reports
        for s in r.sentences
    ]
    groups = align(units)
    by_id = {r.id: r for r in reports}
    facts, singles = [], Counter[str]()
    for g in groups:
        reporting = {units[i].outlet for i in g}
        first = units[g[0]]
        if len(reporting) == 1:
            if len(outlets) < 2 or not _informative(by_id[first.article], first.sentence):
                continue
            singles[first.outlet] += 1
            if singles[first.outlet] > MAX_SINGLE_STATEMENTS:
                continue
        cells: dict[str, list[FactCell]] = {o: [] for o in outlets}
        for i in g:
            cells[units[i].outlet].append(cell(by_id[units[i].article], units[i].sentence))
        text = by_id[first.article].sentences[first.sentence].text
        facts.append(
            Fact("", "statement", f"{first.article}:{first.sentence}", text,
                 status_of(len(reporting)),
                 "reported in other words" if len(reporting) > 1 else None, cells)
        )  # fmt: skip
    facts.sort(key=lambda f: -f.reporting)
    return facts, groups, units


def _informative(r: Report, sentence: int) -> bool:
    """Worth listing as only-in-one: the sentence names someone or something, or counts."""
    return bool(r.entities.get(sentence)) or any(c.sentence == sentence for c in r.claims)


def _entity_facts(reports: list[Report], outlets: list[str], names: dict[str, str]) -> list[Fact]:
    first: dict[str, dict[str, FactCell]] = defaultdict(dict)
    counts: Counter[str] = Counter()
    for r in reports:
        for sentence in sorted(r.entities):
            for key in r.entities[sentence]:
                counts[key] += 1
                if r.column not in first[key]:
                    first[key][r.column] = cell(r, sentence, names.get(key, key))
    keys = [k for k in first if k.split(":", 1)[0] in ENTITY_LABELS]
    keys.sort(key=lambda k: (-len(first[k]), -counts[k], k))
    return [
        Fact("", "entity", k, names.get(k, k.split(":", 1)[1]), status_of(len(first[k])), None,
             {o: [first[k][o]] if o in first[k] else [] for o in outlets})
        for k in keys[:MAX_ENTITIES]
    ]  # fmt: skip
