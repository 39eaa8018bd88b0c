"""Sentences, entities, mentions, quotes and claims: written by the enrich stage."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import fields
from typing import Any, TypeVar

from storylens.models import Claim, Enrichment, Quote, Sentence
from storylens.store.db import now_iso

TABLES = ("sentences", "mentions", "quotes", "claims", "enrichments")
T = TypeVar("T")


def clear(conn: sqlite3.Connection, article_ids: Iterable[str] | None = None) -> None:
    """Forget the enrichment of ``article_ids`` (of every article when None)."""
    if article_ids is None:
        for table in (*TABLES, "entity_aliases", "entities"):
            conn.execute(f"DELETE FROM {table}")
        return
    ids = [(i,) for i in article_ids]
    for table in TABLES:
        conn.executemany(f"DELETE FROM {table} WHERE article_id = ?", ids)


def pending(conn: sqlite3.Connection, limit: int | None = None) -> list[str]:
    """Articles never enriched, or changed since, oldest first."""
    rows = conn.execute(
        "SELECT a.id FROM articles a LEFT JOIN enrichments e ON e.article_id = a.id"
        " WHERE e.article_id IS NULL OR e.content_hash != a.content_hash"
        " ORDER BY a.published, a.id" + (f" LIMIT {int(limit)}" if limit else "")
    )
    return [r[0] for r in rows]


def save(conn: sqlite3.Connection, e: Enrichment, content_hash: str, model: str) -> None:
    """Replace what is stored for ``e.article_id`` by ``e``."""
    aid = e.article_id
    clear(conn, [aid])
    conn.executemany(
        "INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?)",
        [(aid, s.index, s.paragraph, s.start, s.end, s.text) for s in e.sentences],
    )
    conn.executemany(
        "INSERT INTO entities (key, name, label, country, lat, lon, surname)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING",
        [
            (x.key, x.name, x.label, x.country, x.lat, x.lon, surname(x.name, x.label))
            for x in e.entities
        ],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO entity_aliases VALUES (?, ?)",
        [(x.key, alias) for x in e.entities for alias in x.aliases],
    )
    conn.executemany(
        "INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(aid, m.sentence, m.start, m.end, m.text, m.label, m.entity) for m in e.mentions],
    )
    conn.executemany(
        "INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (aid, i, q.sentence, q.text, q.speaker, q.speaker_entity, q.kind, q.cue, q.start, q.end)
            for i, q in enumerate(e.quotes)
        ],
    )
    conn.executemany(
        "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                aid, i, c.sentence, c.subject, c.lo, c.hi, int(c.lo_open), int(c.hi_open),
                c.qualifier, c.unit, c.text, c.attribution, c.start, c.end,
            )
            for i, c in enumerate(e.claims)
        ],
    )  # fmt: skip
    conn.execute(
        "INSERT INTO enrichments VALUES (?, ?, ?, ?, ?)",
        (aid, content_hash, model, len(e.sentences), now_iso()),
    )


def surname(name: str, label: str) -> str | None:
    """The last word of a person's name, lower-cased (what folding looks people up by)."""
    return name.rsplit(" ", 1)[-1].lower() if label == "PERSON" else None


def prune_entities(conn: sqlite3.Connection) -> None:
    """Drop entities no mention refers to any more."""
    conn.execute("DELETE FROM entities WHERE key NOT IN (SELECT DISTINCT entity FROM mentions)")
    conn.execute("DELETE FROM entity_aliases WHERE entity NOT IN (SELECT key FROM entities)")


# --- reading ---------------------------------------------------------------------------------


def sentences(conn: sqlite3.Connection, article_ids: list[str]) -> dict[str, list[Sentence]]:
    return _read(conn, "sentences", article_ids, Sentence, index="index")


def claims(conn: sqlite3.Connection, article_ids: list[str]) -> dict[str, list[Claim]]:
    return _read(conn, "claims", article_ids, Claim, flags=("lo_open", "hi_open"))


def quotes(conn: sqlite3.Connection, article_ids: list[str]) -> dict[str, list[Quote]]:
    return _read(conn, "quotes", article_ids, Quote)


def _read(
    conn: sqlite3.Connection,
    table: str,
    article_ids: list[str],
    cls: type[T],
    index: str = "",
    flags: tuple[str, ...] = (),
) -> dict[str, list[T]]:
    """Rows of ``table`` as ``cls`` records (columns named as the fields, but the field
    ``index``, stored as ``idx``), by article."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    out: dict[str, list[T]] = defaultdict(list)
    for r in _rows(conn, table, article_ids, "idx"):
        values = {n: r["idx" if n == index else n] for n in names}
        values.update({f: bool(values[f]) for f in flags})
        out[r["article_id"]].append(cls(**values))
    return out


def mentions(conn: sqlite3.Connection, article_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    query = (
        "SELECT m.*, e.name, e.label AS entity_label FROM mentions m"
        " JOIN entities e ON e.key = m.entity WHERE m.article_id IN ({})"
        " ORDER BY m.sentence, m.start"
    )
    for chunk in _chunks(article_ids):
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(query.format(marks), chunk):
            out[r["article_id"]].append(dict(r))
    return out


def entity_names(conn: sqlite3.Connection) -> dict[str, list[tuple[str, str]]]:
    """(type, canonical name) of every entity mention, per enriched article, in text order:
    what the cluster stage weighs beside the words."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    rows = conn.execute(
        "SELECT m.article_id, e.label, e.name FROM mentions m JOIN entities e ON e.key = m.entity"
        " ORDER BY m.article_id, m.sentence, m.start"
    )
    for article_id, label, name in rows:
        out[article_id].append((label, name))
    return dict(out)


def enriched(conn: sqlite3.Connection, article_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(article_ids):
        marks = ",".join("?" * len(chunk))
        found.update(
            r[0]
            for r in conn.execute(
                f"SELECT article_id FROM enrichments WHERE article_id IN ({marks})", chunk
            )
        )
    return found


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _rows(
    conn: sqlite3.Connection, table: str, article_ids: list[str], order: str
) -> Iterable[sqlite3.Row]:
    for chunk in _chunks(article_ids):
        marks = ",".join("?" * len(chunk))
        yield from conn.execute(
            f"SELECT * FROM {table} WHERE article_id IN ({marks}) ORDER BY article_id, {order}",
            chunk,
        )
