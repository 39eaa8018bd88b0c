"""Following sources: poll feeds, pages, folders and files on a schedule and feed every new
report through the live pipeline (:class:`storylens.live.LivePipeline`).

- **Sources**: command-line specs (a URL, a folder, a file, a glob) or a sources file (TOML)
  giving each source its own interval and outlet name (see docs/watch.md).
- **What was seen is recorded in the store**, so a restart resumes: a file is read again only
  when its size or modification time changed (``watch_seen``, written in the same transaction
  as its last report); a report already stored from the same input is ``unchanged``; URLs and
  feeds go through :mod:`storylens.ingest.fetch`, which keeps the conditional-GET state and
  yields only new items.
- **Each report is one transaction** (the live pipeline's), so stopping at any point — Ctrl+C,
  SIGTERM, or a kill -9 — leaves whole reports only; the next ``watch`` reads on from there.
- **Errors never stop it**: an unreadable input is a problem (stored, one line); a source that
  fails (a network error) is tried again at its next poll, after a back-off when it keeps
  failing.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storylens.config import Settings
from storylens.errors import ConfigError
from storylens.ingest import find_sources
from storylens.ingest.fetch import Fetcher, is_url
from storylens.ingest.sources import Source
from storylens.live import Added, LivePipeline
from storylens.models import Article, Problem
from storylens.pipeline import read_articles
from storylens.store import Store
from storylens.store import watched as seen_table
from storylens.store.problems import add_problem, clear_problems
from storylens.store.runs import RunCounts, save_counts, start_run

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

MAX_BACKOFF = 8  # a failing source waits at most this many intervals before the next try


@dataclass(slots=True)
class WatchSource:
    """One thing to poll: ``spec`` (a URL, folder, file or glob), how often, and the outlet
    for its reports that name none."""

    spec: str
    interval: float
    outlet: str | None = None
    name: str = ""
    # state while watching
    due: float = 0.0
    last: str | None = None
    added: int = 0
    problems: int = 0
    failures: int = 0

    @property
    def label(self) -> str:
        return self.name or self.spec


def load_sources(specs: list[str], settings: Settings) -> list[WatchSource]:
    """The sources named on the command line; a ``.toml`` file among them is a sources file."""
    default = float(settings.get("watch.interval"))
    out: list[WatchSource] = []
    for spec in specs:
        if spec.endswith(".toml") and not is_url(spec):
            out.extend(read_sources_file(Path(spec), default))
        elif spec == "-":
            raise ConfigError("watch cannot follow stdin", hint="Name files, folders or URLs.")
        else:
            out.append(WatchSource(spec, default))
    if not out:
        raise ConfigError("nothing to watch", hint="Name feeds, URLs, folders or a sources file.")
    return out


def read_sources_file(path: Path, default: float) -> list[WatchSource]:
    """Sources from a TOML file: ``[[source]]`` tables with ``url`` or ``path``, and optional
    ``interval`` (seconds), ``outlet`` and ``name``; a top-level ``interval`` is the default.
    Relative paths are read from the file's folder."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"no sources file {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not a valid sources file: {exc}") from None
    interval = _seconds(data.get("interval", default), path, "interval")
    entries = data.get("source", [])
    if not isinstance(entries, list) or not entries:
        raise ConfigError(
            f"{path} names no sources",
            hint='Add [[source]] tables, each with url = "…" or path = "…".',
        )
    out = []
    for n, entry in enumerate(entries, 1):
        where = f"source {n}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{path}: {where} is not a table")
        unknown = set(entry) - {"url", "path", "interval", "outlet", "name"}
        if unknown:
            raise ConfigError(f"{path}: {where} has unknown keys {', '.join(sorted(unknown))}")
        spec = entry.get("url") or entry.get("path")
        if not isinstance(spec, str) or not spec or ("url" in entry and "path" in entry):
            raise ConfigError(f"{path}: {where} needs one of url or path (a string)")
        if "path" in entry and not Path(spec).is_absolute():
            spec = str(path.parent / spec)
        out.append(
            WatchSource(
                spec,
                _seconds(entry.get("interval", interval), path, f"{where}'s interval"),
                _text(entry.get("outlet"), path, where),
                _text(entry.get("name"), path, where) or "",
            )
        )
    return out


def _seconds(value: Any, path: Path, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"{path}: {what} must be a number of seconds above 0, not {value!r}")
    return float(value)


def _text(value: Any, path: Path, where: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{path}: {where}: outlet and name are strings")
    return value


class Watcher:
    """Polls its sources until stopped; every new report goes through ``pipeline``.

    ``on_change`` is called with a dict per change (a report added or updated, a problem),
    its ``line`` the one line to log."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        sources: list[WatchSource],
        pipeline: LivePipeline | None = None,
        *,
        ignore_robots: bool = False,
    ) -> None:
        self.store, self.settings, self.sources = store, settings, sources
        self.ignore_robots = ignore_robots
        self.stopping = threading.Event()
        self.on_change: Callable[[dict[str, Any]], None] = lambda change: None
        self.own_pipeline = pipeline is None
        self.pipeline = pipeline or LivePipeline(store, settings)
        self.counts = RunCounts()
        self.polls = 0
        with store.transaction() as conn:
            self.run_id = start_run(conn, "watch", [s.spec for s in sources])
        self._fetcher: Fetcher | None = None
        self._told: set[tuple[str, int | None, str]] = set()

    # --- control --------------------------------------------------------------------------

    def stop(self, *_: object) -> None:
        """Stop after the report being written (safe from a signal handler)."""
        self.stopping.set()

    def install_signals(self) -> None:
        """Ctrl+C and SIGTERM stop cleanly; a second Ctrl+C stops at once (the open
        transaction rolls back)."""

        def first(signum: int, frame: object) -> None:
            self.stop()
            signal.signal(signal.SIGINT, signal.default_int_handler)

        signal.signal(signal.SIGINT, first)
        signal.signal(signal.SIGTERM, lambda signum, frame: self.stop())

    def close(self) -> None:
        status = "done" if self.stopping.is_set() or self.polls else "interrupted"
        with self.store.transaction() as conn:
            save_counts(conn, self.run_id, self.counts, status)
        if self._fetcher is not None:
            self._fetcher.close()
        if self.own_pipeline:
            self.pipeline.close()

    # --- the loop -------------------------------------------------------------------------

    def run(self, *, once: bool = False, tick: Callable[[], None] | None = None) -> None:
        """Poll each source when it is due until :meth:`stop` (``once``: each source once)."""
        while not self.stopping.is_set():
            now = time.monotonic()
            for source in sorted(self.sources, key=lambda s: s.due):
                if self.stopping.is_set():
                    break
                if source.due <= now:
                    self.poll(source)
                    if tick:
                        tick()
            # a round is done: the stories too large to re-compare in an add, once each
            self.pipeline.compare_deferred()
            if once:
                break
            with self.store.transaction() as conn:
                save_counts(conn, self.run_id, self.counts, "running")
            wake = min(s.due for s in self.sources)
            while not self.stopping.is_set() and time.monotonic() < wake:
                self.stopping.wait(min(0.5, max(0.0, wake - time.monotonic())))
                if tick:
                    tick()

    def poll(self, source: WatchSource) -> None:
        """Read a source once and feed what is new through the pipeline, in publication
        order (as a batch run places them)."""
        self.polls += 1
        source.last = datetime.now(UTC).strftime("%H:%M:%S")
        try:
            done = self._feed(source, list(self._entries(source)))
            if self._fetcher is not None and is_url(source.spec):
                # what was fetched, and (once its reports are all stored) the validators for
                # the next conditional GET; stopped half-way: fetched again next time
                with self.store.transaction() as conn:
                    self._fetcher.save(conn, self.run_id, remember=done)
            source.failures = 0
        except Exception as exc:  # a network or disk error: try again later
            source.failures += 1
            log.warning("watch: %s failed", source.spec, exc_info=True)
            failed = Problem(source.spec, f"poll failed: {exc}")
            self._problem(source, failed, record=source.failures == 1)
        backoff = min(MAX_BACKOFF, 2 ** max(0, source.failures - 1)) if source.failures else 1
        source.due = time.monotonic() + source.interval * backoff

    def _entries(self, source: WatchSource) -> Iterator[Source | Problem]:
        if is_url(source.spec):
            if self._fetcher is None:
                self._fetcher = Fetcher(self.store, self.settings, ignore_robots=self.ignore_robots)
            yield from self._fetcher.sources(source.spec)
            return
        for entry in find_sources([source.spec]):
            path = entry.path if isinstance(entry, Source) else None
            if path is not None and seen_table.unchanged(self.store.conn, entry.origin, path):
                continue
            yield entry

    def _settings_for(self, source: WatchSource) -> Settings:
        if not source.outlet:
            return self.settings
        return replace(
            self.settings, values={**self.settings.values, "ingest.outlet": source.outlet}
        )

    def _feed(self, source: WatchSource, entries: list[Source | Problem]) -> bool:
        """The inputs' reports through the pipeline, oldest first, their problems recorded;
        each file is marked seen in the transaction of its last report to be added. False
        when stopped before the end."""
        stats = {
            e.origin: seen_table.stat(e.path)  # what is about to be read
            for e in entries
            if isinstance(e, Source) and e.path is not None
        }
        queue: list[tuple[Article, str]] = []
        done_with: dict[str, list[Problem]] = {}  # origin → its problems, once all is read
        for entry, items in read_articles(entries, self._settings_for(source)):
            problems = [i for i in items if isinstance(i, Problem)]
            for p in problems:
                self._problem(source, p, record=False)
            done_with[entry.origin] = problems
            queue += [(i, entry.origin) for i in items if isinstance(i, Article)]
        queue.sort(key=lambda q: (q[0].published is None, q[0].published or 0, q[0].id))
        last = {origin: n for n, (_, origin) in enumerate(queue)}
        count = {origin: sum(o == origin for _, o in queue) for origin in done_with}

        def seen(origin: str) -> Callable[[Any], None]:
            def write(conn: Any) -> None:
                clear_problems(conn, origin)
                for p in done_with[origin]:
                    add_problem(conn, self.run_id, p)
                st = stats.get(origin)
                if st is not None:
                    seen_table.mark(conn, origin, st, count[origin])

            return write

        with self.store.transaction() as conn:  # inputs without reports: seen at once
            for origin in done_with:
                if origin not in last:
                    seen(origin)(conn)
        for n, (article, origin) in enumerate(queue):
            if self.stopping.is_set():
                return False  # files not marked seen: the next watch reads on from here
            also = seen(origin) if last[origin] == n else None
            self._count(source, article, self.pipeline.add(article, self.run_id, also=also))
        return True

    def _count(self, source: WatchSource, article: Article, done: Added) -> None:
        field = "duplicates" if done.outcome == "duplicate" else done.outcome
        setattr(self.counts, field, getattr(self.counts, field) + 1)
        if done.outcome not in {"added", "updated"}:
            return
        source.added += done.outcome == "added"
        self.on_change(change_record(source, article, done))

    def _problem(self, source: WatchSource, p: Problem, *, record: bool) -> None:
        if (p.origin, p.item, p.reason) in self._told:
            return  # the same problem as at an earlier poll: not a change
        self._told.add((p.origin, p.item, p.reason))
        source.problems += 1
        self.counts.problems += 1
        if record:
            with self.store.transaction() as conn:
                add_problem(conn, self.run_id, p)
        where = p.origin if p.item is None else f"{p.origin} (item {p.item})"
        self.on_change(
            {
                "event": "problem", "source": source.label, "origin": p.origin,
                "reason": p.reason, "line": f"{_now()} problem {where}: {p.reason}",
            }
        )  # fmt: skip

    # --- reporting ------------------------------------------------------------------------

    def status(self) -> list[dict[str, Any]]:
        now = time.monotonic()
        return [
            {
                "source": s.label, "interval": s.interval, "last": s.last,
                "next_in": max(0.0, s.due - now), "added": s.added, "problems": s.problems,
            }
            for s in self.sources
        ]  # fmt: skip

    def summary(self) -> str:
        c = self.counts
        return (
            f"watch: {c.added} added, {c.updated} updated, {c.unchanged} unchanged,"
            f" {c.duplicates} exact copies, {c.problems} problems in {self.polls} polls"
        )


def change_record(source: WatchSource, article: Article, done: Added) -> dict[str, Any]:
    """One change as a record, with the line ``watch`` logs for it."""
    where = f"story {done.story}"
    if done.decision == "new":
        where = f"new story {done.story}"
    elif done.decision in {"joined", "copy", "split"}:
        where += f" ({done.decision}" + (
            f", {done.score:.2f})" if done.decision == "joined" else ")"
        )
    outlet = article.outlet or "unknown outlet"
    line = f"{_now()} {done.outcome} {done.article} {article.title[:70]!r} ({outlet}) → {where}"
    if done.duplicate_of:
        line += f", copy of {done.duplicate_of}"
    if done.compared:
        line += f", {done.compared} compared"
    return {
        "event": done.outcome, "source": source.label, **done.as_dict(),
        "title": article.title, "outlet": article.outlet, "line": line,
    }  # fmt: skip


def _now() -> str:
    return datetime.now(UTC).strftime("%H:%M:%S")


class Beside:
    """A :class:`Watcher` in a thread of its own beside the web app (``serve --watch``).

    It writes through ``pipeline`` (the web app's, so the API's ingests and the watcher place
    articles in the same stories in memory) and keeps its own connection for what it records.
    :meth:`stop` ends it after the report being written."""

    def __init__(
        self,
        settings: Settings,
        sources: list[WatchSource],
        pipeline: Callable[[], LivePipeline],
        on_change: Callable[[dict[str, Any]], None],
    ) -> None:
        self.settings, self.sources = settings, sources
        self.pipeline, self.on_change = pipeline, on_change
        self.watcher: Watcher | None = None
        self.stopping = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="storylens-watch", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            with Store.for_settings(self.settings, create=False) as store:
                watcher = Watcher(store, self.settings, self.sources, self.pipeline())
                watcher.on_change = self.on_change
                self.watcher = watcher
                if self.stopping.is_set():
                    watcher.stop()
                try:
                    watcher.run()
                finally:
                    watcher.close()
        except BaseException as exc:  # shown by stop(); the web app keeps serving
            log.error("watch beside the web app stopped", exc_info=True)
            self.error = exc

    def stop(self, timeout: float = 30.0) -> None:
        self.stopping.set()
        if self.watcher is not None:
            self.watcher.stop()
        self.thread.join(timeout)
