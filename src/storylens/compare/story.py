"""The comparison of one story: facts × outlets, a summary and a timeline.

Facts are of four kinds, each aligned across the story's outlets:

- ``claim``: numbers with the same :func:`claim_key` (the same thing counted), reported within a
  day of each other, reconciled by :func:`group_relation` (agree / compatible / conflict);
- ``quote``: the same speaker's words (direct or reported) in several reports;
- ``statement``: sentences that report the same thing in other words (:mod:`.statements`);
- ``entity``: who and what each outlet names.

Every cell points at the sentence it came from (article, sentence index, paragraph and offsets),
so nothing is shown that cannot be traced to the words of a source. Near copies of a report by
the same outlet are left out (they would only repeat it); wire copies by other outlets count as
those outlets reporting it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from storylens.compare.claims import claim_key, group_relation, relation
from storylens.compare.statements import Unit, align, features
from storylens.compare.summary import summarise, timeline
from storylens.errors import NotFoundError
from storylens.models import Article, Claim, Quote, Sentence
from storylens.store import enrich as enrich_store
from storylens.store.articles import get_article
from storylens.store.stories import get_story, members

ALGORITHM = "3"  # part of every stored comparison's hash: change it when the rules change
MAX_ARTICLES = 80  # the earliest reports of a very large story are compared
MAX_ENTITIES = 30
MAX_SINGLE_STATEMENTS = 12  # per outlet: the most informative sentences only one outlet has
UNKNOWN = "(unknown outlet)"
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


def members_hash(conn: sqlite3.Connection, story_id: str) -> str:
    """Changes when the story's members, their enrichment or the comparison rules
    (:data:`ALGORITHM`) change: a stored comparison with another hash is stale."""
    rows = conn.execute(
        "SELECT m.article_id, coalesce(e.content_hash, '') FROM story_members m"
        " LEFT JOIN enrichments e ON e.article_id = m.article_id WHERE m.story_id = ?"
        " ORDER BY m.article_id",
        (story_id,),
    )
    digest = hashlib.blake2b(ALGORITHM.encode(), digest_size=12)
    for aid, h in rows:
        digest.update(f"{aid}:{h};".encode())
    return digest.hexdigest()


def load_reports(
    conn: sqlite3.Connection, story_id: str
) -> tuple[dict[str, Any], list[Report], dict[str, str]]:
    """The story's head, its reports with their enrichment, and the canonical name of every
    entity they mention (a quote's speaker entity is always one of its article's mentions)."""
    story = get_story(conn, story_id)
    if story is None:
        raise NotFoundError(
            f"no story with id {story_id!r}", "List stories with: storylens stories"
        )
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
    head = {
        "id": story.id, "title": story.title, "first_seen": story.first_seen,
        "last_seen": story.last_seen, "size": story.size, "outlets": story.outlets,
    }  # fmt: skip
    return head, reports, names


def outlet_label(a: Article) -> str:
    """The outlet, or for a report that names none, its domain or its file: two unknown
    sources must not count as one outlet."""
    if a.outlet:
        return a.outlet
    if a.url:
        return urlsplit(a.url).netloc.removeprefix("www.") or UNKNOWN
    name = a.origin.rsplit("#", 1)[0].replace("\\", "/").rsplit("/", 1)[-1]
    return f"unknown ({name})" if name else UNKNOWN


def compare_story(conn: sqlite3.Connection, story_id: str) -> dict[str, Any]:
    """The comparison of a story (see the module docstring for what it holds)."""
    head, reports, names = load_reports(conn, story_id)
    outlets = list(dict.fromkeys(r.outlet for r in reports))
    facts: list[dict[str, Any]] = []
    facts += _claim_facts(reports, outlets)
    facts += _quote_facts(reports, outlets, names)
    statements, groups, units = _statement_facts(reports, outlets)
    facts += statements
    facts += _entity_facts(reports, outlets, names)
    for i, fact in enumerate(facts):
        fact["id"] = f"{fact['kind'][0]}{i + 1}"
    by_id = {r.id: r for r in reports}
    return {
        "story": head,
        "outlets": outlets,
        "articles": [
            {
                "id": r.id,
                "outlet": r.outlet,
                "title": r.title,
                "url": r.url,
                "published": r.published.isoformat() if r.published else None,
                "copy_of": r.copy_of,
                "enriched": bool(r.sentences),
            }
            for r in reports
        ],
        "facts": facts,
        "summary": summarise(groups, units, by_id),
        "timeline": timeline(reports, facts),
    }


def cell(r: Report, sentence: int, value: str | None = None) -> dict[str, Any]:
    s = r.sentences[sentence] if sentence < len(r.sentences) else None
    return {
        "article": r.id,
        "sentence": sentence,
        "paragraph": s.paragraph if s else None,
        "start": s.start if s else None,
        "end": s.end if s else None,
        "text": s.text if s else "",
        "value": value,
    }


def status_of(reporting: int, relation: str = "agree") -> str:
    """A fact reported by one outlet is ``only_one``; by several, how their reports relate."""
    return relation if reporting > 1 else "only_one"


def _claim_facts(reports: list[Report], outlets: list[str]) -> list[dict[str, Any]]:
    groups: dict[str, list[tuple[Report, Claim]]] = defaultdict(list)
    for r in reports:
        for c in r.claims:
            groups[claim_key(c)].append((r, c))
    facts = []
    for key, items in groups.items():
        for chunk in _one_per_report(items):
            claims = [c for _, c in chunk]
            reporting = {r.outlet for r, _ in chunk}
            relation, note = group_relation(claims) if len(reporting) > 1 else ("agree", "")
            cells: dict[str, list[dict[str, Any]]] = {o: [] for o in outlets}
            for r, c in chunk:
                cells[r.outlet].append(cell(r, c.sentence, c.text) | {"claim": _claim_json(c)})
            values = list(dict.fromkeys(c.text for c in claims))
            facts.append({
                "kind": "claim", "key": key,
                "label": f"{claims[0].subject}: {' / '.join(values)}",
                "status": status_of(len(reporting), relation),
                "note": note or None, "outlets": cells,
            })  # fmt: skip
    return sorted(facts, key=lambda f: (-_reporting(f), f["label"]))


RANK = {"agree": 0, "compatible": 1, "conflict": 2}
# subjects that say little on their own: their claims align only when their sentences share
# more, and never as a conflict or in units that do not convert
VAGUE_SUBJECTS = frozenset({"duration", "people", "share", "amount", "rate", "number"})


def _one_per_report(items: list[tuple[Report, Claim]]) -> list[list[tuple[Report, Claim]]]:
    """Split claims about the same thing into facts with at most one claim per report
    ("thousands arrested since the election" and "over 400 detained on Sunday" in one report
    are two facts). In time order, a claim joins the fact it agrees with best, and only a fact
    whose sentence shares something besides the thing counted ("the two countries" is not a
    count of "at least seven countries"); for a vague subject ("duration"), two things, and
    never as a conflict or in units that do not convert. Figures that disagree are a conflict
    only when reported within a day of each other: days apart, the later one is an update (44
    ships waiting on Wednesday, 61 on Thursday)."""
    found: list[list[tuple[Report, Claim]]] = []
    for r, c in sorted(items, key=lambda rc: _when(rc[0])):
        best, rank = None, len(RANK)
        for fact in found:
            shared = _shared_context(r, c, *fact[0])
            if any(fr.id == r.id for fr, _ in fact) or not shared:
                continue
            verdict, note = relation(fact[0][1], c)
            status = RANK.get(verdict, len(RANK))
            if status == RANK["conflict"] and not _same_day(fact[0][0], r):
                continue  # a new figure days later is an update, not a conflict
            if c.subject in VAGUE_SUBJECTS and (
                len(shared) < 2 or status == RANK["conflict"] or note.startswith("different w")
            ):
                continue  # "two years" and "ten days" of something are not one fact
            if status < rank:
                best, rank = fact, status
        if best is None:
            found.append([(r, c)])
        else:
            best.append((r, c))
    return found


def _when(r: Report) -> float:
    return r.published.timestamp() if r.published else float("inf")


def _same_day(a: Report, b: Report) -> bool:
    """Published within a day of each other (an undated report is not)."""
    return abs(_when(a) - _when(b)) < 86400


def _shared_context(r: Report, c: Claim, r0: Report, c0: Claim) -> set[str]:
    """What the sentences of two claims share besides the thing counted and the numbers."""

    def context(rep: Report, claim: Claim) -> set[str]:
        if claim.sentence >= len(rep.sentences):
            return set()
        text = rep.sentences[claim.sentence].text
        own = set(features(claim.subject + " " + claim.text, []))
        bag = features(text, rep.entities.get(claim.sentence, []))
        return {t for t in bag if t not in own and not t[0].isdigit()}

    return context(r, c) & context(r0, c0)


def _claim_json(c: Claim) -> dict[str, Any]:
    return {
        "subject": c.subject, "lo": c.lo, "hi": c.hi, "lo_open": c.lo_open, "hi_open": c.hi_open,
        "qualifier": c.qualifier, "unit": c.unit, "attribution": c.attribution,
    }  # fmt: skip


def _quote_facts(
    reports: list[Report], outlets: list[str], names: dict[str, str]
) -> list[dict[str, Any]]:
    groups: list[tuple[str, set[str], list[tuple[Report, Quote]]]] = []
    for r in reports:
        for q in r.quotes:
            speaker = q.speaker_entity or (q.speaker or "unknown").lower()
            words = set(features(q.text, []))
            for key, bag, items in groups:
                if key == speaker and _jaccard(bag, words) >= 0.5:
                    items.append((r, q))
                    break
            else:
                groups.append((speaker, words, [(r, q)]))
    facts = []
    for speaker, _, items in groups:
        reporting = {r.outlet for r, _ in items}
        cells: dict[str, list[dict[str, Any]]] = {o: [] for o in outlets}
        for r, q in items:
            cells[r.outlet].append(cell(r, q.sentence, q.text) | {"quote": {
                "speaker": q.speaker, "speaker_entity": q.speaker_entity, "kind": q.kind,
                "cue": q.cue, "start": q.start, "end": q.end}})  # fmt: skip
        q0 = items[0][1]
        who = names.get(speaker) or q0.speaker or "unknown speaker"
        texts = {q.text for _, q in items}
        relation = "agree" if len(texts) == 1 else "compatible"
        facts.append({
            "kind": "quote", "key": speaker,
            "label": f"{who}: “{q0.text}”" if q0.kind == "direct" else f"{who}: {q0.text}",
            "status": status_of(len(reporting), relation),
            "note": None if len(texts) == 1 else "the outlets give different words",
            "outlets": cells,
        })  # fmt: skip
    return sorted(facts, key=lambda f: -_reporting(f))


def _statement_facts(
    reports: list[Report], outlets: list[str]
) -> tuple[list[dict[str, Any]], list[list[int]], list[Unit]]:
    units = [
        Unit(r.id, r.outlet, s.index, features(s.text, r.entities.get(s.index, [])))
        for r in reports
        for s in r.sentences
    ]
    groups = align(units)
    by_id = {r.id: r for r in reports}
    facts, singles = [], Counter[str]()
    for group in groups:
        reporting = {units[i].outlet for i in group}
        first = units[group[0]]
        if len(reporting) == 1:
            if len(outlets) < 2 or not _informative(by_id[first.article], first.sentence):
                continue
            singles[first.outlet] += 1
            if singles[first.outlet] > MAX_SINGLE_STATEMENTS:
                continue
        cells: dict[str, list[dict[str, Any]]] = {o: [] for o in outlets}
        for i in group:
            cells[units[i].outlet].append(cell(by_id[units[i].article], units[i].sentence))
        text = by_id[first.article].sentences[first.sentence].text
        facts.append({
            "kind": "statement", "key": f"{first.article}:{first.sentence}", "label": text,
            "status": status_of(len(reporting)),
            "note": "reported in other words" if len(reporting) > 1 else None, "outlets": cells,
        })  # fmt: skip
    facts.sort(key=lambda f: -_reporting(f))
    return facts, groups, units


def _informative(r: Report, sentence: int) -> bool:
    """Worth listing as only-in-one: the sentence names someone or something, or counts."""
    return bool(r.entities.get(sentence)) or any(c.sentence == sentence for c in r.claims)


def _entity_facts(
    reports: list[Report], outlets: list[str], names: dict[str, str]
) -> list[dict[str, Any]]:
    first: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    counts: Counter[str] = Counter()
    for r in reports:
        for sentence in sorted(r.entities):
            for key in r.entities[sentence]:
                counts[key] += 1
                if r.outlet not in first[key]:
                    first[key][r.outlet] = cell(r, sentence, names.get(key, key))
    keys = [k for k in first if k.split(":", 1)[0] in ENTITY_LABELS]
    keys.sort(key=lambda k: (-len(first[k]), -counts[k], k))
    return [
        {
            "kind": "entity", "key": k, "label": names.get(k, k.split(":", 1)[1]),
            "status": status_of(len(first[k])), "note": None,
            "outlets": {o: [first[k][o]] if o in first[k] else [] for o in outlets},
        }
        for k in keys[:MAX_ENTITIES]
    ]  # fmt: skip


def _reporting(fact: dict[str, Any]) -> int:
    return sum(1 for cells in fact["outlets"].values() if cells)


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0
