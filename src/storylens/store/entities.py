"""Entities across the store: one key per person however outlets name them; reading entities,
claims and quotes (the enrich tables)."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

SURNAME_SHARE = 0.8  # a surname joins a full name that has this share of its candidates' mentions


def fold_people(
    conn: sqlite3.Connection,
    surnames: Iterable[str] | None = None,
    touched: set[str] | None = None,
) -> int:
    """Fold people stored under a surname only ("PERSON:lukashenko", from articles that never
    give the full name) into the full name the store knows for that surname: when one full
    name has most of the mentions, and, where stories are built, one that a story shares with
    the surname's articles (two Grays of two different stories stay apart). Returns how many
    entities were folded. (Names that differ only by middle initials, titles or honorifics
    already share a key: the enrich stage makes it so.)

    With ``surnames`` (lower-cased last words of names, those one new article mentions), only
    people of those surnames are looked at: the same decisions for them, at the cost of one
    article. ``touched`` collects the articles whose mentions were folded."""
    if surnames is None:
        rows = conn.execute("SELECT key, name FROM entities WHERE label = 'PERSON'").fetchall()
    else:
        wanted = sorted(set(surnames))
        rows = [
            r
            for chunk in (wanted[i : i + 500] for i in range(0, len(wanted), 500))
            for r in conn.execute(
                "SELECT key, name FROM entities WHERE label = 'PERSON' AND surname IN"
                f" ({','.join('?' * len(chunk))})",
                chunk,
            )
        ]
    names = {r[0]: r[1] for r in rows}
    if surnames is None:
        counts = dict(
            conn.execute(
                "SELECT entity, count(*) FROM mentions WHERE label = 'PERSON' GROUP BY entity"
            )
        )
    else:
        counts = {
            key: conn.execute("SELECT count(*) FROM mentions WHERE entity = ?", (key,)).fetchone()[
                0
            ]
            for key in names
        }
    by_last: dict[str, list[str]] = defaultdict(list)
    for key, name in names.items():
        if " " in name:
            by_last[name.split()[-1].lower()].append(key)
    folded = 0
    for key, name in names.items():
        if " " in name or name.lower() not in by_last:
            continue
        candidates = Counter({k: counts.get(k, 0) for k in by_last[name.lower()]})
        (best, n), total = candidates.most_common(1)[0], sum(candidates.values())
        if total == 0 or n < SURNAME_SHARE * total or not _same_stories(conn, key, best):
            continue
        if touched is not None:
            touched.update(
                r[0]
                for r in conn.execute("SELECT article_id FROM mentions WHERE entity = ?", (key,))
            )
        conn.execute("UPDATE mentions SET entity = ? WHERE entity = ?", (best, key))
        conn.execute("UPDATE quotes SET speaker_entity = ?, speaker = ? WHERE speaker_entity = ?",
                     (best, names[best], key))  # fmt: skip
        conn.execute(
            "INSERT OR IGNORE INTO entity_aliases SELECT ?, alias FROM entity_aliases"
            " WHERE entity = ?",
            (best, key),
        )
        conn.execute("DELETE FROM entity_aliases WHERE entity = ?", (key,))
        conn.execute("DELETE FROM entities WHERE key = ?", (key,))
        folded += 1
    return folded


def _same_stories(conn: sqlite3.Connection, short: str, full: str) -> bool:
    """Whether the articles naming ``short`` share a story with those naming ``full``; true
    when those articles are in no story yet (nothing says they are apart)."""
    query = (
        "SELECT DISTINCT sm.story_id FROM mentions m JOIN story_members sm"
        " ON sm.article_id = m.article_id WHERE m.entity = ?"
    )
    mine = {r[0] for r in conn.execute(query, (short,))}
    theirs = {r[0] for r in conn.execute(query, (full,))}
    return not mine or not theirs or bool(mine & theirs)


def _entity_filter(query: str | None, label: str | None) -> tuple[str, list[Any]]:
    where, args = ["1"], []
    if query:
        where.append(
            "(e.name LIKE ? ESCAPE '\\' OR e.key IN (SELECT entity FROM entity_aliases"
            " WHERE alias LIKE ? ESCAPE '\\'))"
        )
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        args += [pattern, pattern]
    if label:
        where.append("e.label = ?")
        args.append(label)
    return " AND ".join(where), args


def list_entities(
    conn: sqlite3.Connection, query: str | None, label: str | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    where, args = _entity_filter(query, label)
    rows = conn.execute(
        "SELECT e.key, e.name, e.label, e.country, e.lat, e.lon,"
        " (SELECT count(DISTINCT article_id) FROM mentions m WHERE m.entity = e.key) AS articles,"
        " (SELECT count(*) FROM mentions m WHERE m.entity = e.key) AS mentions"
        f" FROM entities e WHERE {where}"
        " ORDER BY articles DESC, e.key LIMIT ? OFFSET ?",
        [*args, limit, offset],
    )
    return [dict(r) for r in rows]


def count_entities(conn: sqlite3.Connection, query: str | None, label: str | None) -> int:
    where, args = _entity_filter(query, label)
    return int(conn.execute(f"SELECT count(*) FROM entities e WHERE {where}", args).fetchone()[0])


def entity_labels(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT label FROM entities ORDER BY label")]


def find_entity(conn: sqlite3.Connection, ref: str) -> str | None:
    """An entity key from a key, a name or an alias (the most mentioned when several match)."""
    row = conn.execute("SELECT key FROM entities WHERE key = ?", (ref,)).fetchone()
    if row:
        return str(row[0])
    row = conn.execute(
        "SELECT e.key FROM entities e LEFT JOIN entity_aliases a ON a.entity = e.key"
        " WHERE lower(e.name) = lower(?) OR lower(a.alias) = lower(?)"
        " ORDER BY (SELECT count(*) FROM mentions m WHERE m.entity = e.key) DESC, e.key LIMIT 1",
        (ref, ref),
    ).fetchone()
    return str(row[0]) if row else None


def entity_detail(conn: sqlite3.Connection, key: str) -> dict[str, Any]:
    head = dict(conn.execute("SELECT * FROM entities WHERE key = ?", (key,)).fetchone())
    head["aliases"] = [
        r[0] for r in conn.execute(
            "SELECT alias FROM entity_aliases WHERE entity = ? ORDER BY alias", (key,)
        )
    ]  # fmt: skip
    stories = conn.execute(
        "SELECT s.id, s.title, s.first_seen, s.last_seen, s.size,"
        " count(DISTINCT m.article_id) AS articles, count(*) AS mentions"
        " FROM mentions m JOIN story_members sm ON sm.article_id = m.article_id"
        " JOIN stories s ON s.id = sm.story_id WHERE m.entity = ?"
        " GROUP BY s.id ORDER BY s.first_seen, s.id",
        (key,),
    )
    head["stories"] = [dict(r) for r in stories]
    articles = conn.execute(
        "SELECT a.id, a.title, a.outlet, a.published, count(*) AS mentions FROM mentions m"
        " JOIN articles a ON a.id = m.article_id WHERE m.entity = ?"
        " GROUP BY a.id ORDER BY a.published DESC, a.id LIMIT 200",
        (key,),
    )
    head["articles"] = [dict(r) for r in articles]
    return head


def facts(
    conn: sqlite3.Connection,
    table: str,
    article_ids: list[str] | None,
    who_or_what: str | None,
    limit: int,
    offset: int,
) -> list[dict[str, Any]]:
    """Rows of ``claims`` or ``quotes`` with their article and sentence."""
    where, args = _fact_filter(table, article_ids, who_or_what)
    rows = conn.execute(
        f"SELECT f.*, a.outlet, a.title, a.published, s.text AS sentence_text, s.paragraph,"
        " s.start AS sentence_start, s.end AS sentence_end"
        f" FROM {table} f JOIN articles a ON a.id = f.article_id"
        " LEFT JOIN sentences s ON s.article_id = f.article_id AND s.idx = f.sentence"
        f" WHERE {where}"
        " ORDER BY a.published DESC, f.article_id, f.idx LIMIT ? OFFSET ?",
        [*args, limit, offset],
    )
    out = []
    for r in rows:
        row = dict(r)
        for flag in ("lo_open", "hi_open"):
            if flag in row:
                row[flag] = bool(row[flag])
        out.append(row)
    return out


def count_facts(
    conn: sqlite3.Connection, table: str, article_ids: list[str] | None, who_or_what: str | None
) -> int:
    """How many rows :func:`facts` would give without a limit."""
    where, args = _fact_filter(table, article_ids, who_or_what)
    return int(conn.execute(f"SELECT count(*) FROM {table} f WHERE {where}", args).fetchone()[0])


def _fact_filter(
    table: str, article_ids: list[str] | None, who_or_what: str | None
) -> tuple[str, list[Any]]:
    assert table in ("claims", "quotes")
    where, args = ["1"], []
    if article_ids is not None:
        where.append(
            f"f.article_id IN ({','.join('?' * len(article_ids))})" if article_ids else "0"
        )
        args += article_ids
    if who_or_what:
        column = "f.subject" if table == "claims" else "coalesce(f.speaker, '')"
        where.append(f"lower({column}) LIKE ?")
        args.append("%" + who_or_what.lower() + "%")
    return " AND ".join(where), args
