"""The SQLite connection: pragmas, migrations, transactions."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from storylens.errors import StoreError

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA temp_store=MEMORY",
)


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

    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        self.path = Path(path)
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
            for pragma in PRAGMAS:
                self.conn.execute(pragma)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a usable storylens database ({exc})",
                hint="Point --db at a storylens store, or at a new file name to start one.",
            ) from None
        self._mark_interrupted_runs()

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
        """A run left 'running' by a process that is gone was killed; its open batch rolled back."""
        rows = self.conn.execute("SELECT id, pid FROM runs WHERE status='running'").fetchall()
        for run_id, pid in rows:
            if pid == os.getpid() or _alive(pid):
                continue
            self.conn.execute(
                "UPDATE runs SET status='interrupted', finished_at=? WHERE id=?",
                (now_iso(), run_id),
            )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything inside commits together or not at all."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

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
