"""Ingest into a real SQLite store: idempotence, revisions, copies, problems, interruption."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from storylens.config import Settings, load_settings
from storylens.pipeline import ingest
from storylens.queries import list_articles, list_problems, search_articles, stats
from storylens.store import Store

REPORT = """date 2025-04-02

The harbour authority in Saltmere said on Wednesday that {n} ships were waiting offshore.

Union leaders said the walkout would continue until the pay offer was improved.
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_ingesting_twice_adds_nothing(tmp_path: Path, store: Store, settings: Settings) -> None:
    for n in range(3):
        _write(tmp_path / "in" / f"r{n}.txt", REPORT.format(n=n + 10))
    first = ingest(store, [str(tmp_path / "in")], settings)
    second = ingest(store, [str(tmp_path / "in")], settings)
    assert (first.counts.added, first.counts.unchanged) == (3, 0)
    assert (second.counts.added, second.counts.unchanged) == (0, 3)
    assert store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    assert store.conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 3


def test_exact_copy_is_linked_not_stored_twice(
    tmp_path: Path, store: Store, settings: Settings
) -> None:
    _write(tmp_path / "a" / "one.txt", REPORT.format(n=7))
    _write(tmp_path / "b" / "copy.txt", REPORT.format(n=7))
    report = ingest(store, [str(tmp_path / "a"), str(tmp_path / "b")], settings)
    assert (report.counts.added, report.counts.duplicates) == (1, 1)
    assert stats(store)["copies"] == 1


def test_same_url_with_new_text_keeps_newest_and_counts_revision(
    tmp_path: Path, store: Store, settings: Settings
) -> None:
    line = {"title": "Dock talks", "url": "https://example.com/a?utm_source=x", "source": "Ex"}
    old = {**line, "date": "2025-04-02T10:00:00Z", "text": "Talks began on Wednesday morning."}
    new = {**line, "date": "2025-04-02T18:00:00Z", "text": "Talks collapsed on Wednesday night."}
    _write(tmp_path / "1.jsonl", json.dumps(old) + "\n")
    _write(tmp_path / "2.jsonl", json.dumps(new) + "\n")
    ingest(store, [str(tmp_path / "1.jsonl")], settings)
    report = ingest(store, [str(tmp_path / "2.jsonl")], settings)
    assert report.counts.updated == 1
    [article] = list_articles(store)
    assert article.revision == 2
    assert "collapsed" in article.body
    assert article.url == "https://example.com/a"
    # an older version arriving late is counted but does not replace the newer text
    _write(tmp_path / "3.jsonl", json.dumps({**old, "text": "Talks began early."}) + "\n")
    ingest(store, [str(tmp_path / "3.jsonl")], settings)
    [article] = list_articles(store)
    assert article.revision == 3 and "collapsed" in article.body


def test_bad_inputs_become_problems_and_the_batch_goes_on(
    tmp_path: Path, store: Store, settings: Settings
) -> None:
    folder = tmp_path / "mixed"
    _write(folder / "good.txt", REPORT.format(n=3))
    (folder / "empty.md").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xffGIF89a" * 20)
    _write(folder / "yaml.md", "---\ntitle: [unclosed\ndate: 2020-01-01\n---\nSome text here.\n")
    _write(folder / "date.txt", "date 2025-13-45\n\nSome text of a report.\n")
    report = ingest(store, [str(folder), str(tmp_path / "missing.txt")], settings)
    assert report.counts.added == 1
    assert report.exit_code == 3
    reasons = {Path(p["origin"]).name: p["reason"] for p in list_problems(store)}
    assert reasons["empty.md"] == "empty file"
    assert reasons["binary.txt"].startswith("binary file")
    assert reasons["yaml.md"] == (
        "malformed YAML front matter at line 3: did not find expected ',' or ']'"
    )
    assert reasons["date.txt"] == "unparseable date '2025-13-45'"
    assert reasons["missing.txt"] == "no such file or folder"
    # fixing a file and ingesting again clears its problem
    _write(folder / "date.txt", "date 2025-03-15\n\nSome text of a report that is fine now.\n")
    ingest(store, [str(folder / "date.txt")], settings)
    assert "date.txt" not in {Path(p["origin"]).name for p in list_problems(store)}


def test_search_ranks_and_highlights(tmp_path: Path, store: Store, settings: Settings) -> None:
    _write(tmp_path / "a.txt", REPORT.format(n=5))
    _write(tmp_path / "b.txt", "date 2025-05-01\n\nThe rovers won the cup final in extra time.\n")
    ingest(store, [str(tmp_path)], settings)
    hits = search_articles(store, "walkout pay")
    assert len(hits) == 1
    assert "\x02walkout\x03" in hits[0].snippet
    assert search_articles(store, "cup OR walkout")[0].score > 0


def test_workers_give_the_same_store_as_one_process(tmp_path: Path, settings: Settings) -> None:
    for n in range(80):
        _write(tmp_path / "in" / f"r{n:03}.txt", REPORT.format(n=n))
    results = []
    for workers in (1, 2):
        s = load_settings(environ={}, overrides={"ingest.workers": workers})
        with Store(tmp_path / f"w{workers}.db") as st:
            ingest(st, [str(tmp_path / "in")], s)
            results.append([(a.id, a.content_hash) for a in list_articles(st, limit=None)])
    assert results[0] == results[1] and len(results[0]) == 80


def test_killed_ingest_leaves_a_consistent_store_and_a_rerun_completes(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    for n in range(1500):
        _write(folder / f"r{n:04}.txt", REPORT.format(n=n) + f"\nReport number {n}.\n")
    db = tmp_path / "kill.db"
    env = {**os.environ, "STORYLENS_INGEST_BATCH_SIZE": "25", "STORYLENS_INGEST_WORKERS": "1"}
    cmd = [sys.executable, "-m", "storylens", "ingest", str(folder), "--db", str(db), "--json"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    stored = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if db.exists():
            try:
                with Store(db) as peek:
                    stored = peek.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            except Exception:
                continue
            if stored >= 100:
                break
    assert proc.poll() is None, "ingest finished before it could be interrupted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store(db) as st:
        assert st.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = st.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert 100 <= count < 1500
        assert count % 25 == 0  # whole batches only
        fts = st.conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
        assert fts == count
        assert st.conn.execute("SELECT status FROM runs").fetchone()[0] == "interrupted"
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    summary = json.loads(done.stdout)
    assert summary["added"] == 1500 - count and summary["unchanged"] == count


def test_background_checkpoints_take_over_from_commits(tmp_path: Path) -> None:
    with Store(tmp_path / "wal.db") as store:
        checkpoints = store.background_checkpoints(interval=0.05)
        assert checkpoints is not None
        assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        with store.transaction() as conn:
            conn.execute("CREATE TABLE t (x TEXT)")
            conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 2000)
        db = tmp_path / "wal.db"
        assert db.stat().st_size < 500_000  # the commit left the rows in the log
        deadline = time.monotonic() + 10
        while db.stat().st_size < 1_000_000 and time.monotonic() < deadline:
            time.sleep(0.05)  # until the thread copies the log into the database
        assert db.stat().st_size >= 1_000_000
        checkpoints.stop()
        assert not checkpoints._thread.is_alive()
        assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
        assert store.conn.execute("SELECT count(*) FROM t").fetchone()[0] == 2000
    assert Store(":memory:").background_checkpoints() is None
