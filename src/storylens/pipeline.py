"""Runs the stages in order, in batches, one transaction per batch, and reports what happened.

Today the pipeline has two stages, ingest and clean; each batch of cleaned articles is written
with its problems in one transaction, so a killed run leaves whole batches only, and running it
again completes the work (already stored inputs count as unchanged).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storylens.clean import CleanOptions, clean_item
from storylens.config import Settings
from storylens.errors import InputError
from storylens.ingest import caps, find_sources, read_source
from storylens.ingest.fields import pick
from storylens.ingest.sources import Source
from storylens.models import Article, Problem, RawItem
from storylens.parallel import parallel_map, worker_count
from storylens.store import Store
from storylens.store.articles import relabel_outlets, write_article
from storylens.store.problems import add_problem, clear_problems
from storylens.store.runs import RunCounts, save_counts, start_run

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

Progress = Callable[[int, int | None, RunCounts], None]


@dataclass(slots=True)
class IngestReport:
    """What one ingest run did."""

    run_id: int
    counts: RunCounts
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    sources: int = 0

    @property
    def exit_code(self) -> int:
        """0 when every input was used, 3 when some failed (the CLI's exit code)."""
        return 3 if self.counts.problems else 0


def clean_options(settings: Settings) -> CleanOptions:
    return CleanOptions(
        zone=settings.zone,
        repeat_share=float(settings.get("clean.repeat_share")),
        caption_max_words=int(settings.get("clean.caption_max_words")),
        title_max_chars=int(settings.get("clean.title_max_chars")),
        outlet=settings.get("ingest.outlet") or None,
        via=settings.get("ingest.via") or None,
        outlet_domains=settings.outlet_domains,
    )


def ingest(
    store: Store,
    inputs: list[str],
    settings: Settings,
    progress: Progress | None = None,
    sources: Iterable[Source | Problem] | None = None,
) -> IngestReport:
    """Read, clean and store everything named in ``inputs``.

    Bad inputs never stop the run: each becomes a :class:`Problem`, stored in ``problems`` and
    returned in the report.
    """
    started = time.perf_counter()
    options = clean_options(settings)
    batch_size = max(1, int(settings.get("ingest.batch_size")))
    max_bytes = int(float(settings.get("ingest.max_file_mb")) * 1_000_000) or None
    limits = Limits(max_bytes, int(settings.get("ingest.max_field_chars")))
    with store.transaction() as conn:
        run_id = start_run(conn, "ingest", inputs)
    report = IngestReport(run_id=run_id, counts=RunCounts())
    found = list(sources if sources is not None else find_sources(inputs))
    total = len(found)
    pending: list[tuple[str, Article | Problem]] = []
    done = 0
    cleared: set[str] = set()  # inputs whose earlier problems this run has already replaced

    def flush(status: str = "running") -> None:
        with store.transaction() as conn:
            for origin in dict.fromkeys(o for o, _ in pending):
                if origin not in cleared:
                    clear_problems(conn, origin)
                    cleared.add(origin)
            for origin, entry in pending:
                if isinstance(entry, Problem):
                    add_problem(conn, run_id, entry)
                    continue
                try:
                    outcome = _write(conn, entry, run_id)
                except InputError as exc:  # a value SQLite cannot take: this report only
                    problem = Problem(origin, exc.message, _item_of(entry, origin), exc.hint)
                    report.problems.append(problem)
                    add_problem(conn, run_id, problem)
                else:
                    if outcome == "duplicate":
                        report.counts.duplicates += 1
                    else:
                        setattr(report.counts, outcome, getattr(report.counts, outcome) + 1)
            report.counts.problems = len(report.problems)
            if status == "done":
                relabel_outlets(conn)
            save_counts(conn, run_id, report.counts, status)
        pending.clear()

    try:
        for entry, results in _process_all(found, options, limits, _workers(settings, total)):
            for result in results:
                if isinstance(result, Problem):
                    _problem(report, pending, result)
                else:
                    pending.append((entry.origin, result))
                if len(pending) >= batch_size:
                    flush()  # short transactions, even inside one big export: others may write
            done += 1
            if progress:
                progress(done, total, report.counts)
        flush("done")
    except BaseException:
        # The open batch rolls back with its transaction; the run is marked interrupted.
        pending.clear()
        with store.transaction() as conn:
            save_counts(conn, run_id, report.counts, "interrupted")
        raise
    report.seconds = time.perf_counter() - started
    report.sources = total
    log.info(
        "ingest run %d: %d added, %d updated, %d unchanged, %d duplicates, %d problems in %.1fs",
        run_id,
        report.counts.added,
        report.counts.updated,
        report.counts.unchanged,
        report.counts.duplicates,
        report.counts.problems,
        report.seconds,
    )
    return report


def _write(conn: sqlite3.Connection, article: Article, run_id: int) -> str:
    """Write one article inside a savepoint: a value that cannot be stored (text that is not
    valid Unicode) undoes this article's writes only and raises :class:`InputError`."""
    conn.execute("SAVEPOINT article")
    try:
        outcome = write_article(conn, article, run_id).outcome
    except (UnicodeEncodeError, RecursionError, OverflowError) as exc:
        conn.execute("ROLLBACK TO article")
        conn.execute("RELEASE article")
        raise InputError(unstorable(exc)) from None
    conn.execute("RELEASE article")
    return outcome


def unstorable(exc: Exception) -> str:
    """Why a value could not be cleaned or stored, in words."""
    if isinstance(exc, UnicodeEncodeError):
        bad = exc.object[exc.start : exc.end] if isinstance(exc.object, str) else ""
        code = f" (\\u{ord(bad[0]):04x})" if bad else ""
        return f"a lone surrogate{code} in the report is not Unicode text: it cannot be stored"
    if isinstance(exc, RecursionError):
        return "the report is nested too deeply to store"
    return f"the report holds a value that cannot be stored ({type(exc).__name__}: {exc})"


def _item_of(article: Article, origin: str) -> int | None:
    rest = article.origin[len(origin) + 1 :] if article.origin.startswith(origin + "#") else ""
    return int(rest) if rest.isdigit() else None


def ingest_records(store: Store, records: list[dict[str, Any]], settings: Settings) -> list[str]:
    """Ingest in-memory records (JSON objects with the export field names); return each
    record's origin, in order, so callers can find what became of it."""
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode("utf-8")
    source = Source(origin="<records>", path=Path("records.jsonl"), data=data)  # path: a hint
    ingest(store, ["<records>"], settings, sources=[source])
    return [f"<records>#{i}" for i in range(len(records))]


def record_has_text(record: dict[str, Any]) -> bool:
    """Whether a record (as :func:`ingest_records` takes) has a text field with words in it."""
    text = pick(record)[0].get("text")
    return bool(text and str(text).strip())


def _workers(settings: Settings, total: int) -> int:
    return 1 if total < 64 else worker_count(int(settings.get("ingest.workers")))


@dataclass(frozen=True, slots=True)
class Limits:
    """What one input may hold: bytes of a single document, characters of a field."""

    max_bytes: int | None
    max_field_chars: int = caps.MAX_FIELD_CHARS


def _process_packed(
    work: tuple[Source | Problem, CleanOptions, Limits],
) -> list[Article | Problem]:
    return _process(*work)


def _process(
    entry: Source | Problem, options: CleanOptions, limits: Limits
) -> list[Article | Problem]:
    """Read and clean one source: its articles and problems, in order. Never raises for input:
    an error storylens did not foresee becomes a problem too (logged with its traceback), so
    one input cannot stop a batch."""
    if isinstance(entry, Problem):
        return [entry]
    out: list[Article | Problem] = []
    try:
        for item in read_source(entry, limits.max_bytes, limits.max_field_chars):
            if isinstance(item, Problem):
                out.append(item)
                continue
            try:
                out.append(clean_item(item, options))
            except InputError as exc:
                out.append(_item_problem(item, exc))
            except (UnicodeEncodeError, RecursionError) as exc:
                out.append(Problem(item.origin, unstorable(exc), item.item))
    except Exception as exc:  # a bug, not bad input: record it and go on with the batch
        log.warning("unexpected error reading %s", entry.origin, exc_info=True)
        out.append(
            Problem(
                entry.origin,
                f"{INTERNAL_ERROR}: {type(exc).__name__}: {exc}"[:500],
                detail="This is a bug in storylens; please report it with this input.",
            )
        )
    return out


INTERNAL_ERROR = "storylens failed on this input"


def _process_all(
    found: list[Source | Problem], options: CleanOptions, limits: Limits, workers: int
) -> Iterator[tuple[Source | Problem, list[Article | Problem]]]:
    """Read and clean every source, in input order; in worker processes when there are many.

    Only reading and cleaning run in the workers; all writes stay in this process, in order,
    so the result is the same whatever the number of workers.
    """
    work = ((entry, options, limits) for entry in found)
    results = parallel_map(
        _process_packed, work, len(found), workers=workers, chunk=32, min_items=2
    )
    yield from zip(found, results, strict=True)


def _item_problem(item: RawItem, exc: InputError) -> Problem:
    return Problem(item.origin, exc.message, item.item, exc.hint)


def _problem(
    report: IngestReport, pending: list[tuple[str, Article | Problem]], p: Problem
) -> None:
    report.problems.append(p)
    pending.append((p.origin, p))


def build_stories(store: Store, settings: Settings, *, rebuild: bool = False) -> tuple[Any, Any]:
    """Run dedupe then cluster over what is stored; return both stages' reports."""
    from storylens.cluster import run_cluster
    from storylens.dedupe import run_dedupe

    return run_dedupe(store, settings, rebuild=rebuild), run_cluster(
        store, settings, rebuild=rebuild
    )


class LiveStories:
    """Stories kept current one article at a time, for a feed or a server.

    Loading replays what is stored once (the cost of a ``cluster`` run); after that each
    :meth:`add` stores one article, checks it for near copies and places it in a story, in one
    transaction: milliseconds, whatever the size of the store. WAL checkpoints run in a
    background thread meanwhile; :meth:`close` stops it.
    """

    def __init__(self, store: Store, settings: Settings) -> None:
        from storylens.cluster import cluster_store
        from storylens.dedupe import dedupe_store

        self.store, self.settings = store, settings
        # one pass brings the stored stories up to date and leaves the state in memory
        self.finder = dedupe_store(store, settings)[1]
        self.builder = cluster_store(store, settings)[1]
        # checkpoints in a thread of their own, not inside whichever add's commit fills the log
        self.checkpoints = store.background_checkpoints()

    def close(self) -> None:
        """Stop the background checkpoints (the store stays open)."""
        if self.checkpoints is not None:
            self.checkpoints.stop()
            self.checkpoints = None

    def add(self, article: Article) -> dict[str, Any]:
        """Store, dedupe and place one cleaned article; say what happened."""
        from storylens.cluster import Row
        from storylens.dedupe import describe
        from storylens.dedupe.near import signature, to_bytes
        from storylens.store import duplicates, stories, storylines
        from storylens.text import first_words

        conn = self.store.conn
        with self.store.transaction():
            result = write_article(conn, article, None)
            if result.outcome != "added":
                story = self.builder.story_of.get(result.article_id)
                return {"outcome": result.outcome, "article": result.article_id, "story": story}
            sig = signature(first_words(article.body, self.finder.max_words), self.finder.num_perm)
            conn.execute("INSERT INTO minhashes VALUES (?, ?)", (article.id, to_bytes(sig)))
            dup = self.finder.check(article.id, article.outlet, sig)
            if dup is not None:
                duplicates.save(conn, describe(self.store, dup))
            row = Row(
                article.id, article.title, article.title_derived, article.outlet,
                article.published, article.body,
            )  # fmt: skip
            builder = self.builder
            counts, title_counts = builder.terms(row)
            member = builder.place(row, counts, title_counts, self.finder.canonical.get(row.id))
            # a story that grew by half since its last check may have split
            moved, split = builder.take_moved()
            changed = sorted(split | set(moved.values()) | {member.story_id})
            stories.save_stories(
                conn,
                [
                    builder.story_row(sid, newcomer=row.id if sid == member.story_id else None)
                    for sid in changed
                ],
            )
            if row.id in moved:
                member.decision = "split"
            stories.save_members(conn, [member])
            stories.move_members(conn, {a: s for a, s in moved.items() if a != row.id})
            if split:
                stories.prune(conn)
            storylines.save(conn, *builder.storyline_rows(changed))
            if split:
                storylines.prune(conn)
        return {
            "outcome": "added",
            "article": article.id,
            "story": member.story_id,
            "decision": member.decision,
            "score": member.score,
            "duplicate_of": dup.canonical_id if dup else None,
        }
