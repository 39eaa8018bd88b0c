"""Two writers, a full disk, and reads during writes: real store files, real processes.

A second writer waits its turn (short transactions, a busy timeout) or says plainly that the
store is busy; a full disk or a file-size limit is one clear error with a hint, and the store
stays consistent; a server answers every read while ingest and cluster run beside it.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storylens.config import load_settings
from storylens.pipeline import ingest
from storylens.store import Store

from .conftest import EXAMPLES

PLACES = ["Saltmere", "Brenn", "Kellford", "Ashby Vale", "Port Lorne", "Dunmarsh", "Cray Hill"]
TOPICS = [
    ("council", "approved a budget of {n} million for roads and schools"),
    ("ferry", "cancelled {n} crossings after a storm damaged the pier"),
    ("hospital", "opened a ward with {n} beds after two years of building"),
    ("police", "said {n} people were questioned after the market fire"),
]


def records(count: int, start: int = 0) -> list[dict[str, Any]]:
    """Distinct, realistic reports (written for these tests)."""
    out = []
    for i in range(start, start + count):
        place = PLACES[i % len(PLACES)]
        who, did = TOPICS[i % len(TOPICS)]
        n = 3 + (i * 7) % 400
        text = (
            f"The {who} in {place} {did.format(n=n)}, officials said on Tuesday.\n\n"
            f"Residents of {place} had waited since spring for news, and report {i} of the"
            f" week's series follows what the {who} does next.\n\n"
            f"A spokesperson said a second statement would follow after the meeting on the"
            f" {10 + i % 18}th, when the figures for {place} are published."
        )
        out.append(
            {
                "title": f"{place} {who} update {i}: {n} in the latest count",
                "text": text,
                "outlet": "Valley Ledger",
                "url": f"https://valley-ledger.example/news/{i}",
                "published": f"2025-06-{1 + i % 28:02d}T09:{i % 60:02d}:00Z",
            }
        )
    return out


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def cli(
    *args: str, env: dict[str, str] | None = None, **kw: Any
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storylens", *args],
        capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})}, **kw,
    )  # fmt: skip


def hold_write_lock(db: Path, seconds: float) -> threading.Thread:
    """Another writer: a connection that holds the store's write lock for ``seconds``."""
    ready = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE runs SET inputs = inputs")
        ready.set()
        time.sleep(seconds)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert ready.wait(10)
    return thread


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    db = tmp_path / "store.db"
    first = write_jsonl(tmp_path / "first.jsonl", records(5))
    assert cli("ingest", str(first), "--db", str(db)).returncode == 0
    return db


def consistent(db: Path) -> int:
    """Check the store's integrity (tables and the full-text index); return its articles."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    finally:
        conn.close()


def test_a_big_export_is_written_in_short_transactions(tmp_path: Path) -> None:
    """One JSON Lines file of 60 reports, 10 per batch: the writer lets others in between
    batches instead of holding the store for the whole file (it held it for 7,000 rows)."""
    settings = load_settings(environ={}, overrides={"ingest.batch_size": 10})
    source = write_jsonl(tmp_path / "export.jsonl", records(60))
    with Store(tmp_path / "s.db") as store:
        commits: list[str] = []
        store.conn.set_trace_callback(lambda sql: sql == "COMMIT" and commits.append(sql))
        report = ingest(store, [str(source)], settings)
    assert report.counts.added == 60
    assert len(commits) >= 1 + 6  # the run's start, then one per batch of 10


def test_a_second_writer_waits_its_turn(tmp_path: Path, small_store: Path) -> None:
    """Another process writes for 6 s (longer than the old 5 s busy timeout): a second
    ingest waits, then stores its reports."""
    source = write_jsonl(tmp_path / "second.jsonl", records(8, start=100))
    holder = hold_write_lock(small_store, 6.0)
    started = time.monotonic()
    result = cli("ingest", str(source), "--db", str(small_store), "--json")
    holder.join()
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= 5.0  # it did wait
    assert json.loads(result.stdout)["added"] == 8
    assert "Traceback" not in result.stderr
    assert consistent(small_store) == 13


def test_a_store_busy_too_long_is_one_clear_error(tmp_path: Path, small_store: Path) -> None:
    source = write_jsonl(tmp_path / "second.jsonl", records(8, start=100))
    holder = hold_write_lock(small_store, 4.0)
    result = cli(
        "ingest", str(source), "--db", str(small_store),
        env={"STORYLENS_STORE_BUSY_TIMEOUT": "1"},
    )  # fmt: skip
    holder.join()
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "is busy" in result.stderr and "Hint:" in result.stderr
    assert "store.busy_timeout" in " ".join(result.stderr.split())
    assert consistent(small_store) == 5


def test_a_full_store_is_one_clear_error_and_stays_consistent(tmp_path: Path) -> None:
    """SQLite's max_page_count stands in for a full disk: the batch that does not fit is
    rolled back whole, the error says what to do, and running again completes the work."""
    from storylens.store.db import StoreFullError

    settings = load_settings(environ={}, overrides={"ingest.batch_size": 50})
    db = tmp_path / "full.db"
    with Store(db) as store:
        ingest(store, [str(write_jsonl(tmp_path / "a.jsonl", records(30)))], settings)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 40}")
        more = write_jsonl(tmp_path / "b.jsonl", records(400, start=30))
        with pytest.raises(StoreFullError) as caught:
            ingest(store, [str(more)], settings)
    assert "no room left" in caught.value.message
    assert "Free disk space" in caught.value.hint
    stored = consistent(db)
    assert stored >= 30 and (stored - 30) % 50 == 0  # whole batches only
    with Store(db) as store:  # room again: the same command completes the work
        report = ingest(store, [str(more)], settings)
        assert report.counts.added + report.counts.unchanged == 400
        assert report.counts.unchanged == stored - 30
    assert consistent(db) == 430


def _file_size_limit(limit: int) -> Any:
    def apply() -> None:  # in the child, before it runs storylens
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_file_size_limit_is_one_clear_error(tmp_path: Path, small_store: Path) -> None:
    source = write_jsonl(tmp_path / "big.jsonl", records(1200, start=100))
    limit = small_store.stat().st_size + 200_000
    result = cli(
        "ingest", str(source), "--db", str(small_store),
        preexec_fn=_file_size_limit(limit),
    )  # fmt: skip
    assert result.returncode == 1, (result.stdout, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    err = " ".join(result.stderr.split())
    assert "Error: the store" in err and "file-size limit" in err and "Hint:" in err
    assert consistent(small_store) >= 5
    again = cli("ingest", str(source), "--db", str(small_store), "--json")
    assert again.returncode == 0, again.stderr
    assert consistent(small_store) == 1205


@pytest.fixture
def served(small_store: Path) -> Iterator[str]:
    import uvicorn

    from storylens.web.app import create_app

    from .test_web_pages import _free_port

    port = _free_port()
    config = uvicorn.Config(
        create_app(small_store), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_reads_keep_working_while_ingest_and_cluster_run(
    tmp_path: Path, small_store: Path, served: str
) -> None:
    import httpx

    source = write_jsonl(tmp_path / "more.jsonl", records(600, start=10))
    writer = subprocess.Popen(
        [sys.executable, "-c",
         "import subprocess, sys\n"
         f"a = subprocess.run([sys.executable, '-m', 'storylens', 'ingest', {str(source)!r},"
         f" {str(EXAMPLES / 'corpus')!r}, '--db', {str(small_store)!r}])\n"
         f"b = subprocess.run([sys.executable, '-m', 'storylens', 'cluster', '--db',"
         f" {str(small_store)!r}])\n"
         "sys.exit(b.returncode or (a.returncode not in (0, 3)))"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    urls = ["/", "/api/v1/stories?limit=20", "/search?q=council", "/api/v1/articles?q=ferry"]
    answers: list[int] = []
    with httpx.Client(base_url=served, timeout=30) as client:
        while writer.poll() is None:
            answers.append(client.get(urls[len(answers) % len(urls)]).status_code)
    assert writer.returncode == 0, writer.stderr.read() if writer.stderr else ""
    assert len(answers) >= 20 and set(answers) == {200}, answers
    with httpx.Client(base_url=served) as client:  # and what was written is there
        assert client.get("/api/v1/stories").json()["total"] > 10
