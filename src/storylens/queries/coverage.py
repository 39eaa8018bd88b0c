"""Who covers a story: its reports and outlets counted by the outlets' leaning, country and
type, from the user's outlet profiles (``storylens outlets``); and the blindspots, stories
covered mostly or only by one side of the user's scale.

A report's outlet is matched to a profile by name (any case), else by its domain (the host it
was read from) among the profile's domains. The scale's first half is one side, its second half
the other; with an odd number of labels the middle one is on neither side.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

from storylens.errors import NotFoundError, StorylensError
from storylens.models import UNKNOWN_OUTLET
from storylens.store import Store
from storylens.store import profiles as table
from storylens.store.profiles import TYPES, OutletProfile

NONE = "not profiled"  # the bucket of outlets without a profile, or without that field


class Profiles:
    """The stored profiles and scale, and the profile of an outlet (by name, then domain)."""

    def __init__(self, store: Store) -> None:
        self.scale = table.scale(store.conn)
        self.items = table.profiles(store.conn)
        self.by_name = {p.name.casefold(): p for p in self.items}
        self.by_domain = {d: p for p in self.items for d in p.domains}
        half = len(self.scale) // 2
        self.sides = (self.scale[:half], self.scale[len(self.scale) - half :]) if half else ([], [])

    def of(self, outlet: str | None, domain: str | None = None) -> OutletProfile | None:
        if outlet and outlet.casefold() in self.by_name:
            return self.by_name[outlet.casefold()]
        host = (domain or "").lower().removeprefix("www.")
        return self.by_domain.get(host) if host else None

    def side(self, leaning: str | None) -> int | None:
        """0 or 1 for a leaning on a side of the scale, None for the centre or no leaning."""
        for i, labels in enumerate(self.sides):
            if leaning in labels:
                return i
        return None

    def side_name(self, i: int) -> str:
        return " / ".join(self.sides[i])


def _domain(domain: str | None, url: str | None) -> str | None:
    if domain:
        return domain
    return urlsplit(url).netloc.lower() if url else None


def outlet_profiles(store: Store) -> dict[str, Any]:
    """The scale and every outlet: those the reports name (with their number of reports) and
    those only a profile names, each with its profile's fields (None where it has none)."""
    known = Profiles(store)
    rows = store.conn.execute(
        "SELECT coalesce(outlet, domain) AS name, min(domain) AS domain, count(*) AS reports"
        " FROM articles WHERE coalesce(outlet, domain) IS NOT NULL"
        " GROUP BY coalesce(outlet, domain) ORDER BY reports DESC, name"
    ).fetchall()
    out, matched = [], set()
    for r in rows:
        p = known.of(r["name"], r["domain"])
        if p is not None:
            matched.add(p.name)
        out.append(_outlet_row(r["name"], int(r["reports"]), p))
    out += [_outlet_row(p.name, 0, p) for p in known.items if p.name not in matched]
    return {"scale": known.scale, "outlets": out}


def _outlet_row(name: str, reports: int, p: OutletProfile | None) -> dict[str, Any]:
    fields = asdict(p) if p else {}
    fields.pop("name", None)
    return {"name": name, "reports": reports, "profile": p.name if p else None,
            "domains": fields.get("domains", []),
            **{k: fields.get(k) for k in ("country", "language", "leaning", "owner", "type",
                                           "source")}}  # fmt: skip


def _members(store: Store, story_ids: list[str]) -> list[tuple[str, str, str | None, int]]:
    """(story, outlet, domain, reports) for the stories given."""
    rows = store.conn.execute(
        "SELECT m.story_id, a.outlet, a.domain, a.url FROM story_members m"
        f" JOIN articles a ON a.id = m.article_id WHERE m.story_id IN"
        f" ({','.join('?' * len(story_ids))})",
        story_ids,
    ).fetchall()
    counts: dict[tuple[str, str, str | None], int] = defaultdict(int)
    for story, outlet, domain, url in rows:
        host = _domain(domain, url)
        counts[(story, outlet or host or UNKNOWN_OUTLET, host)] += 1
    return [(s, o, d, n) for (s, o, d), n in counts.items()]


def coverage(store: Store, story_ids: list[str], known: Profiles | None = None) -> dict[str, Any]:
    """The coverage of the reports of ``story_ids`` together (a story, or a storyline's
    events): reports and outlets by leaning (in the scale's order), country and type."""
    known = known or Profiles(store)
    rows = _members(store, story_ids) if story_ids else []
    per: dict[str, dict[str, dict[str, Any]]] = {"leaning": {}, "country": {}, "type": {}}
    outlets: dict[str, int] = defaultdict(int)
    profiled = 0
    sides = [{"reports": 0, "outlets": set()}, {"reports": 0, "outlets": set()}]  # type: list[dict[str, Any]]
    for _, outlet, domain, n in rows:
        p = known.of(outlet, domain)
        outlets[outlet] += n
        if p is not None:
            profiled += n
        for key in per:
            value = (getattr(p, key) if p else None) or NONE
            cell = per[key].setdefault(value, {"value": value, "reports": 0, "outlets": set()})
            cell["reports"] += n
            cell["outlets"].add(outlet)
        side = known.side(p.leaning if p else None)
        if side is not None:
            sides[side]["reports"] += n
            sides[side]["outlets"].add(outlet)
    order = {"leaning": known.scale, "type": list(TYPES)}

    def bars(key: str) -> list[dict[str, Any]]:
        cells = per[key]
        first = [v for v in order.get(key, []) if v in cells or key == "leaning"]
        rest = sorted((v for v in cells if v not in first and v != NONE),
                      key=lambda v: (-cells[v]["reports"], v))  # fmt: skip
        values = first + rest + ([NONE] if NONE in cells else [])
        return [
            {"value": v, "reports": cells[v]["reports"] if v in cells else 0,
             "outlets": sorted(cells[v]["outlets"]) if v in cells else []}
            for v in values
        ]  # fmt: skip

    return {
        "scale": known.scale,
        "profiles": len(known.items),
        "reports": sum(outlets.values()),
        "outlets": len([o for o in outlets if o != UNKNOWN_OUTLET]),
        "profiled_reports": profiled,
        "leaning": bars("leaning") if known.scale else [],
        "country": bars("country"),
        "type": bars("type"),
        "sides": [
            {
                "name": known.side_name(i),
                "labels": known.sides[i],
                "reports": s["reports"],
                "outlets": sorted(s["outlets"]),
            }
            for i, s in enumerate(sides)
        ]
        if known.scale
        else [],
    }


def story_coverage(store: Store, story_id: str) -> dict[str, Any]:
    from storylens.store.stories import get_story

    story = get_story(store.conn, story_id)
    if story is None:
        raise NotFoundError(f"no story with id {story_id!r}", "List stories: storylens stories")
    return {"story": story.id, **coverage(store, [story.id])}


def storyline_coverage(store: Store, storyline_id: str) -> dict[str, Any]:
    ids = [
        r[0]
        for r in store.conn.execute(
            "SELECT story_id FROM storyline_events WHERE storyline_id = ?", (storyline_id,)
        )
    ]
    if not ids:
        raise NotFoundError(f"no storyline with id {storyline_id!r}",
                            "List storylines: storylens storylines")  # fmt: skip
    return {"storyline": storyline_id, **coverage(store, ids)}


BY = ("outlets", "reports")


def blindspots(
    store: Store,
    *,
    share: float = 0.8,
    min_outlets: int = 2,
    by: str = "outlets",
    limit: int | None = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Stories covered mostly or only by one side of the scale, most recently active first.

    A story is listed when at least ``min_outlets`` of its outlets have a leaning on a side
    and one side holds at least ``share`` of them (``by="outlets"``) or of their reports
    (``by="reports"``). Returns the options, the scale's sides, the total and one page."""
    if not 0.5 < share <= 1:
        raise StorylensError(
            f"share {share} is out of range",
            "Give a share above 0.5 and up to 1 (e.g. 0.8: four in five).",
        )
    if by not in BY:
        raise StorylensError(f"cannot count by {by!r}", "Count by outlets or reports.")
    known = Profiles(store)
    options = {"share": share, "min_outlets": min_outlets, "by": by}
    if not known.scale:
        return {**options, "scale": [], "sides": [], "total": 0, "stories": [],
                "why": "no scale of leanings is defined: import outlet profiles first"}  # fmt: skip
    counted: dict[str, list[dict[str, Any]]] = defaultdict(lambda: [
        {"outlets": set(), "reports": 0}, {"outlets": set(), "reports": 0}])  # fmt: skip
    others: dict[str, set[str]] = defaultdict(set)
    rows = store.conn.execute(
        "SELECT m.story_id, a.outlet, a.domain, a.url FROM story_members m"
        " JOIN articles a ON a.id = m.article_id"
    ).fetchall()
    for story, outlet, domain, url in rows:
        host = _domain(domain, url)
        name = outlet or host or UNKNOWN_OUTLET
        p = known.of(name, host)
        side = known.side(p.leaning if p else None)
        if side is None:
            others[story].add(name)
            continue
        counted[story][side]["outlets"].add(name)
        counted[story][side]["reports"] += 1
    found = []
    for story, sides in counted.items():
        n = [len(s["outlets"]) for s in sides]
        if sum(n) < min_outlets:
            continue
        weights = n if by == "outlets" else [s["reports"] for s in sides]
        top = 0 if weights[0] >= weights[1] else 1
        part = weights[top] / sum(weights)
        if part >= share:
            found.append((story, top, part, sides))
    ids = [f[0] for f in found]
    info = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for r in store.conn.execute(
            f"SELECT id, title, first_seen, last_seen, size FROM stories WHERE id IN"
            f" ({','.join('?' * len(chunk))})", chunk):  # fmt: skip
            info[r["id"]] = dict(r)
    found = [f for f in found if f[0] in info]
    found.sort(key=lambda f: (info[f[0]]["last_seen"] or "", f[0]), reverse=True)
    page = found[offset : offset + limit if limit is not None else None]
    stories = []
    for story, top, part, sides in page:
        stories.append({
            **info[story], "side": known.side_name(top), "only": part == 1,
            "share": round(part, 3),
            "sides": [{"name": known.side_name(i), "outlets": sorted(s["outlets"]),
                       "reports": s["reports"]} for i, s in enumerate(sides)],
            "other_outlets": sorted(others.get(story, set())),
        })  # fmt: skip
    return {**options, "scale": known.scale,
            "sides": [{"name": known.side_name(i), "labels": known.sides[i]} for i in (0, 1)],
            "total": len(found), "stories": stories}  # fmt: skip


def _lead(paragraphs_json: str) -> str:
    from storylens.text import sentences

    paragraphs = json.loads(paragraphs_json)
    text = next((t for t, kind in paragraphs if kind == "body"), None)
    if text is None:
        text = paragraphs[0][0] if paragraphs else ""
    found = sentences(text)
    return found[0] if found else text


MAX_OWN_HEADLINES = 12


def headlines(store: Store, detail: dict[str, Any], known: Profiles | None = None) -> list[Any]:
    """Each outlet's headline and lead sentence, from its first original report of the story
    (``detail`` is ``story_detail``'s answer), grouped by the outlets' leaning in the scale's
    order when profiles give leanings (then those without), else one group; outlets in the
    order they first reported. A story one outlet alone reports has its different headlines
    instead, in time order (the first :data:`MAX_OWN_HEADLINES`), each with its lead."""
    known = known or Profiles(store)
    firsts = []
    for outlet, reports in detail["by_outlet"].items():
        originals = [r for r in reports if r["decision"] != "copy"] or reports
        if len(detail["by_outlet"]) == 1:
            # one outlet alone: how it headlined the story over its own reports (a re-scrape
            # under a rewritten headline is a near copy, and what this shows)
            seen: set[str] = set()
            for r in reports:
                key = " ".join(r["title"].casefold().split())
                if key not in seen and len(seen) < MAX_OWN_HEADLINES:
                    seen.add(key)
                    firsts.append((outlet, r))
            continue
        firsts.append((outlet, originals[0]))
    ids = [r["id"] for _, r in firsts]
    rows = {
        r["id"]: r
        for r in store.conn.execute(
            "SELECT id, domain, url, paragraphs FROM articles WHERE id IN"
            f" ({','.join('?' * len(ids))})",
            ids,
        )
    } if ids else {}  # fmt: skip
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for outlet, r in firsts:
        row = rows.get(r["id"])
        p = known.of(outlet, _domain(row["domain"], row["url"]) if row else None)
        leaning = p.leaning if p and known.scale else None
        groups.setdefault(leaning, []).append({
            "outlet": outlet, "article": r["id"], "title": r["title"],
            "lead": _lead(row["paragraphs"]) if row else "", "published": r["published"],
            "reports": len(detail["by_outlet"][outlet]),
            "type": p.type if p else None, "country": p.country if p else None,
        })  # fmt: skip
    order = [*known.scale, None]
    return [
        {"leaning": g, "side": known.side(g), "items": sorted(
            groups[g], key=lambda h: (h["published"] is None, h["published"] or ""))}
        for g in order
        if g in groups
    ]  # fmt: skip
