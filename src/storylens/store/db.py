"""The SQLite connection: pragmas, migrations, transactions.

Every write goes through :meth:`Store.transaction`, the one place where SQLite's write errors
become a :class:`StoreError` with a hint: a store another process keeps locked past the busy
timeout (:class:`StoreBusyError`), a full disk or store size limit (:class:`StoreFullError`),
a failing disk. A failed transaction is rolled back whole, so the store stays consistent.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from storylens.errors import StoreError

if TYPE_CHECKING:
    from storylens.config import Settings

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

BUSY_TIMEOUT = 30.0  # seconds a writer waits for another one's transaction (store.busy_timeout)
PRAGMAS = (  # the busy timeout first: switching a new file to WAL takes a lock too
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA temp_store=MEMORY",
)


class StoreBusyError(StoreError):
    """Another connection held the store's write lock for longer than the busy timeout."""


class StoreFullError(StoreError):
    """The disk (or a size limit) left no room for a write; the transaction was rolled back."""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def migrations() -> list[tuple[int, str, str]]:
    """The numbered migrations shipped with the package: (number, name, sql)."""
    found = []
    for entry in resources.files("storylens.store").joinpath("migrations").iterdir():
        if entry.name.endswith(".sql"):
            number, _, name = entry.name.removesuffix(".sql").partition("_")
            found.append((int(number), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


class Store:
    """An open storylens database. Use as a context manager or call :meth:`close`."""

    def __init__(
        self, path: Path | str, *, create: bool = True, busy_timeout: float = BUSY_TIMEOUT
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        if str(path) != ":memory:":
            if not create and not self.path.exists():
                raise StoreError(
                    f"no store at {self.path}",
                    hint="Ingest something first (storylens ingest PATH) or pass --db.",
                )
            if self.path.is_dir():
                raise StoreError(f"{self.path} is a folder, not a database file")
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            for pragma in PRAGMAS:
                self.conn.execute(pragma)
            self._migrate()
        except StoreError:
            self.conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            if getattr(self, "conn", None) is not None:
                self.conn.close()
            if isinstance(exc, sqlite3.OperationalError) and _is_write_error(exc):
                raise self.write_error(exc) from None
            raise StoreError(
                f"{self.path} is not a usable storylens database ({exc})",
                hint="Point --db at a storylens store, or at a new file name to start one.",
            ) from None
        self._mark_interrupted_runs()

    @classmethod
    def for_settings(cls, settings: Settings, *, create: bool = True) -> Store:
        """The store named by ``settings`` (``store.path``), with its ``store.busy_timeout``."""
        timeout = float(settings.get("store.busy_timeout"))
        return cls(settings.db_path, create=create, busy_timeout=timeout)

    def _migrate(self) -> None:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS migrations "
            "(number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {row[0] for row in self.conn.execute("SELECT number FROM migrations")}
        known = migrations()
        newest = max((n for n, _, _ in known), default=0)
        if done and max(done) > newest:
            raise StoreError(
                f"{self.path} was written by a newer storylens (migration {max(done)})",
                hint="Upgrade storylens to open this store.",
            )
        for number, name, sql in known:
            if number in done:
                continue
            with self.transaction():
                # another process may have applied it since we looked (two opening a new store)
                if self.conn.execute(
                    "SELECT 1 FROM migrations WHERE number=?", (number,)
                ).fetchone():
                    continue
                for statement in _split_sql(sql):
                    self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO migrations VALUES (?, ?, ?)", (number, name, now_iso())
                )

    def _mark_interrupted_runs(self) -> None:
        """A run left 'running' by a process that is gone was killed; its open batch rolled back.
        The process is known by its pid and start time: a pid given since to another process
        does not keep a killed run 'running'."""
        rows = self.conn.execute(
            "SELECT id, pid, process_start FROM runs WHERE status='running'"
        ).fetchall()
        gone = [run_id for run_id, pid, start in rows if not _running(pid, start)]
        if gone:
            with self.transaction() as conn:
                conn.executemany(
                    "UPDATE runs SET status='interrupted', finished_at=? WHERE id=?"
                    " AND status='running'",
                    [(now_iso(), run_id) for run_id in gone],
                )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything inside commits together or not at all.

        Waits up to the busy timeout for another writer's transaction to end; SQLite's errors
        on the way (busy, disk full, I/O) come out as :class:`StoreError` with a hint."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self.write_error(exc) from None
        try:
            yield self.conn
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, sqlite3.OperationalError) and _is_write_error(exc):
                raise self.write_error(exc) from None
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise self.write_error(exc) from None

    def _rollback(self) -> None:
        # SQLite may already have rolled back on its own (a full disk, an I/O error)
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.OperationalError:
                log.warning("rollback failed on %s", self.path, exc_info=True)

    def _out_of_room(self) -> str | None:
        """Why a write failed for want of room, when it did: "reached …" or None. (A write past
        the file-size limit is an I/O error to SQLite, not a full disk.)"""
        import shutil

        limit = _file_size_limit()
        if limit is not None:
            size = max(
                self.path.stat().st_size, _size(self.path.with_name(self.path.name + "-wal"))
            )
            if size + 1_000_000 >= limit:
                return f"reached this process's file-size limit ({limit / 1e6:.1f} MB, ulimit -f)"
        try:
            free = shutil.disk_usage(self.path.parent).free
        except OSError:
            return None
        return f"ran out of disk space ({free / 1e6:.1f} MB free)" if free < 16_000_000 else None

    def write_error(self, exc: sqlite3.OperationalError) -> StoreError:
        """The :class:`StoreError` that says what SQLite's ``exc`` means for this store."""
        name = getattr(exc, "sqlite_errorname", "") or ""
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc):
            return StoreBusyError(
                f"the store {self.path} is busy: another process kept it locked for writing"
                f" for over {self.busy_timeout:g} s",
                hint="Another storylens command (ingest, cluster, enrich …) is writing it: wait"
                " for it to end and run this again, or raise store.busy_timeout"
                " (STORYLENS_STORE_BUSY_TIMEOUT).",
            )
        if name.startswith("SQLITE_FULL") or "full" in str(exc):
            return StoreFullError(
                f"no room left to write to the store {self.path} ({exc}); the last batch was"
                " rolled back and nothing of it was kept",
                hint="Free disk space on that drive (or point --db at one with room), then run"
                " the same command again: what was already stored is kept and counted as"
                " unchanged.",
            )
        if name.startswith("SQLITE_IOERR"):
            full = self._out_of_room()
            if full:
                return StoreFullError(
                    f"the store {self.path} {full}; the last batch was rolled back and nothing"
                    " of it was kept",
                    hint="Make room (free disk space, or raise the limit: ulimit -f), then run"
                    " the same command again: what was already stored is kept and counted as"
                    " unchanged.",
                )
        if name.startswith(("SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN")):
            return StoreError(
                f"cannot write to the store {self.path} ({exc}); the last batch was rolled back",
                hint="Check that the file and its folder are writable and the disk is healthy"
                " (a file-size limit, ulimit -f, ends writes this way too).",
            )
        return StoreError(f"the store {self.path} could not be written ({exc})")

    def background_checkpoints(self, interval: float = 1.0) -> Checkpointer | None:
        """Move WAL checkpoints off the write path: SQLite otherwise copies the log into the
        database inside whichever commit crosses 1,000 pages (20–30 ms on a big store). A
        thread with its own connection checkpoints every ``interval`` seconds instead (a
        passive checkpoint, which never blocks a writer). Stop it with ``.stop()``."""
        if str(self.path) == ":memory:":
            return None
        self.conn.execute("PRAGMA wal_autocheckpoint=0")
        return Checkpointer(self, interval)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _file_size_limit() -> int | None:
    """This process's limit on the size of a file it writes (``ulimit -f``), if any."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Unix
        return None
    soft = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    return None if soft == resource.RLIM_INFINITY else int(soft)


def _is_write_error(exc: sqlite3.OperationalError) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(
        ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY")
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _split_sql(sql: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies (BEGIN … END;) whole."""
    statements, current = [], []
    depth = 0
    for line in sql.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("--"):
            continue
        current.append(line)
        upper = stripped.upper()
        if upper.endswith(" BEGIN") or upper == "BEGIN":
            depth += 1
        if upper.startswith("END;"):
            depth -= 1
        if stripped.endswith(";") and depth == 0:
            statements.append("\n".join(current))
            current = []
    if current:
        statements.append("\n".join(current))
    return statements


def process_start(pid: int) -> str | None:
    """An identity of process ``pid``'s start: this boot's id and the start time in clock ticks
    (Linux ``/proc``); None where that cannot be read (another system, a process gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        boot = Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()  # after the command name, which may hold spaces
    return f"{boot}:{fields[19]}" if len(fields) > 19 else None


def _running(pid: int, start: str | None) -> bool:
    """Whether the process that started a run (pid, and start when recorded) still runs."""
    if start is not None:
        now = process_start(pid)
        if now is not None:
            return now == start  # the same pid, started at another time: another process
    return pid == os.getpid() or _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Checkpointer:
    """A daemon thread that checkpoints a store's WAL every few seconds (see
    :meth:`Store.background_checkpoints`)."""

    def __init__(self, store: Store, interval: float) -> None:
        self.store, self.interval = store, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="storylens-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        conn = sqlite3.connect(str(self.store.path), isolation_level=None)
        conn.execute("PRAGMA busy_timeout=5000")
        try:
            while not self._stop.wait(self.interval):
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()

    def stop(self) -> None:
        """Checkpoint once more and end the thread; automatic checkpoints resume."""
        self._stop.set()
        self._thread.join()
        self.store.conn.execute("PRAGMA wal_autocheckpoint=1000")
