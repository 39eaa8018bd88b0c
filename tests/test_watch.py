"""`storylens watch`: sources files, polling folders through the live pipeline, resuming from
the store, stopping cleanly, and surviving a kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storylens.config import Settings
from storylens.errors import ConfigError
from storylens.store import Store
from storylens.watch import Watcher, load_sources, read_sources_file

TOPICS = [
    ("Saltmere", "dockers", "the harbour authority", "ships were waiting offshore"),
    ("Brennock", "firefighters", "the county fire service", "homes were evacuated"),
    ("Corvale", "voters", "the election office", "ballots were counted overnight"),
    ("Halden", "farmers", "the water board", "reservoirs stood below half"),
]


def report(n: int) -> str:
    """A short dated report, one of four subjects, its figures and day depending on ``n``."""
    town, people, body, fact = TOPICS[n % len(TOPICS)]
    day = 1 + (n // len(TOPICS)) % 9
    return (
        f"date 2025-05-{day:02d}\n\n"
        f"{people.capitalize()} in {town} gathered again on day {day}, and {body} said that"
        f" {100 + 7 * n} {fact}.\n\n"
        f'"We will not stop until this is settled," said Mara Quill, who speaks for the'
        f" {people} of {town}, in report number {n}.\n"
    )


def write_reports(folder: Path, numbers: range) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        (folder / f"r{n:04}.txt").write_text(report(n), encoding="utf-8")


def test_a_sources_file_gives_each_source_its_interval_and_outlet(
    tmp_path: Path, settings: Settings
) -> None:
    (tmp_path / "feeds.toml").write_text(
        'interval = 600\n\n[[source]]\nurl = "https://news.example/rss"\noutlet = "Example News"\n'
        'name = "example"\n\n[[source]]\npath = "inbox"\ninterval = 30\n',
        encoding="utf-8",
    )
    first, second = load_sources([str(tmp_path / "feeds.toml")], settings)
    assert (first.spec, first.interval, first.outlet, first.label) == (
        "https://news.example/rss", 600.0, "Example News", "example",
    )  # fmt: skip
    assert (second.spec, second.interval, second.outlet) == (str(tmp_path / "inbox"), 30.0, None)
    [plain] = load_sources([str(tmp_path)], settings)
    assert plain.interval == float(settings.get("watch.interval"))
    bad = {
        "x = [": "is not a valid sources file",
        "interval = 5\n": "names no sources",
        '[[source]]\nurl = "a"\npath = "b"\n': "needs one of url or path",
        '[[source]]\npath = "a"\ninterval = -1\n': "must be a number of seconds above 0",
        '[[source]]\npath = "a"\nevery = 3\n': "unknown keys every",
    }
    for text, message in bad.items():
        (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            read_sources_file(tmp_path / "bad.toml", 300.0)
    with pytest.raises(ConfigError, match="nothing to watch"):
        load_sources([], settings)


def test_watch_feeds_new_files_through_the_pipeline_and_reads_only_what_changed(
    tmp_path: Path, settings: Settings
) -> None:
    pytest.importorskip("spacy")
    inbox = tmp_path / "inbox"
    write_reports(inbox, range(8))
    (inbox / "broken.md").write_text("---\ntitle: never closed\n", encoding="utf-8")
    changes: list[dict[str, object]] = []
    with Store(tmp_path / "w.db") as store:
        [source] = load_sources([str(inbox)], settings)
        source.outlet = "Inbox Gazette"
        watcher = Watcher(store, settings, [source])
        watcher.on_change = changes.append
        watcher.run(once=True)
        added = [c for c in changes if c["event"] == "added"]
        assert len(added) == 8 and all(c["outlet"] == "Inbox Gazette" for c in added)
        assert [c["reason"] for c in changes if c["event"] == "problem"] == [
            "front matter is never closed (no second '---' line)"
        ]
        assert all(" → " in str(c["line"]) for c in added)
        # four subjects over days: reports of a subject a day apart share a story
        assert any(c["decision"] == "joined" for c in added)
        stored = store.conn.execute("SELECT count(*) FROM enrichments").fetchone()[0]
        assert stored == 8
        # a second poll reads nothing unchanged; a new file and an edited one are read
        changes.clear()
        write_reports(inbox, range(8, 9))
        (inbox / "r0001.txt").write_text(report(1) + "\nA correction was added.\n", "utf-8")
        watcher.poll(source)
        assert sorted(str(c["event"]) for c in changes) == ["added", "added"]
        watcher.close()
        assert store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 10
        run = store.conn.execute(
            "SELECT status, added FROM runs WHERE command = 'watch'"
        ).fetchone()
        assert tuple(run) == ("done", 10)


def _cli(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "storylens", "watch", *args, "--db", str(db), "--json"]


def _count(db: Path) -> int:
    try:
        with Store(db) as peek:
            return int(peek.conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except Exception:
        return 0


def _wait_for(db: Path, proc: subprocess.Popen[bytes], least: int, seconds: float = 120) -> int:
    deadline = time.time() + seconds
    stored = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.1)
        if db.exists():
            stored = _count(db)
            if stored >= least:
                break
    return stored


def _consistent(db: Path) -> int:
    """Every stored article is whole: signed, in one story, enriched; stories add up."""
    with Store(db) as st:
        conn = st.conn
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        for table in ("minhashes", "story_members", "enrichments"):
            n = conn.execute(f"SELECT count(DISTINCT article_id) FROM {table}").fetchone()[0]
            assert n == articles, table
        assert (
            conn.execute(
                "SELECT count(*) FROM stories s WHERE size !="
                " (SELECT count(*) FROM story_members m WHERE m.story_id = s.id)"
            ).fetchone()[0]
            == 0
        )
        return int(articles)


def test_a_killed_watch_leaves_a_consistent_store_and_the_next_one_picks_up(
    tmp_path: Path,
) -> None:
    pytest.importorskip("spacy")
    inbox = tmp_path / "inbox"
    write_reports(inbox, range(150))
    db = tmp_path / "kill.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYLENS_")}
    proc = subprocess.Popen(
        _cli(db, str(inbox), "--interval", "1"),
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    stored = _wait_for(db, proc, 20)
    assert proc.poll() is None, "watch ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 20 <= stored < 150
    before = _consistent(db)
    assert before < 150
    write_reports(inbox, range(150, 160))  # new items while it was down
    done = subprocess.run(
        _cli(db, str(inbox), "--once"), env=env, capture_output=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len([c for c in lines if c["event"] == "added"]) == 160 - before
    assert _consistent(db) == 160  # nothing lost
    with Store(db) as st:
        sightings = st.conn.execute(
            "SELECT count(*), count(DISTINCT origin) FROM sightings"
        ).fetchone()
        assert tuple(sightings) == (160, 160)  # each file read into one article, once
        runs = dict(st.conn.execute("SELECT status, count(*) FROM runs GROUP BY status"))
        assert runs == {"interrupted": 1, "done": 1}


def test_sigterm_stops_watch_cleanly(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    inbox = tmp_path / "inbox"
    write_reports(inbox, range(60))
    db = tmp_path / "term.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYLENS_")}
    proc = subprocess.Popen(
        _cli(db, str(inbox), "--interval", "1"),
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    _wait_for(db, proc, 5)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert b"watch: " in err  # the summary line
    stored = _consistent(db)
    assert len(out.decode().splitlines()) == stored
    with Store(db) as st:
        assert st.conn.execute("SELECT status FROM runs").fetchone()[0] == "done"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_watch_follows_a_folder_and_marks_what_is_new_since_the_last_visit(
    tmp_path: Path,
) -> None:
    pytest.importorskip("spacy")
    httpx = pytest.importorskip("httpx")
    inbox = tmp_path / "inbox"
    write_reports(inbox, range(4))
    db = tmp_path / "serve.db"
    Store(db).close()  # an empty store
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYLENS_")}
    env["STORYLENS_WATCH_INTERVAL"] = "0.5"
    cmd = [sys.executable, "-m", "storylens", "serve", "--db", str(db), "--port", str(port),
           "--watch", str(inbox)]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert _wait_for(db, proc, 4) == 4, "the watcher did not store the folder's reports"
        base = f"http://127.0.0.1:{port}"
        first = httpx.get(f"{base}/", timeout=30)
        assert first.status_code == 200 and 'class="new"' not in first.text  # a first visit
        assert "storylens_visit" in first.cookies
        with Store(db) as st:
            visit = st.conn.execute("SELECT max(ingested_at) FROM articles").fetchone()[0]
        time.sleep(1.1)  # stored times have whole seconds
        (inbox / "late.txt").write_text(report(4), encoding="utf-8")  # joins report 0's story
        assert _wait_for(db, proc, 5) == 5
        cookies = {"storylens_visit": f"{visit}|{visit}"}  # the reader was here just before
        home = httpx.get(f"{base}/", cookies=cookies, timeout=30)
        assert home.text.count('title="Stored since your last visit">1 new<') == 1
        with Store(db) as st:
            story, article = st.conn.execute(
                "SELECT m.story_id, a.id FROM articles a JOIN story_members m"
                " ON m.article_id = a.id WHERE a.origin LIKE '%late.txt'"
            ).fetchone()
            size = st.conn.execute("SELECT size FROM stories WHERE id=?", (story,)).fetchone()[0]
        assert size >= 2  # it joined a story the reader had seen
        page = httpx.get(f"{base}/stories/{story}", cookies=cookies, timeout=30).text
        assert page.count('title="Stored since your last visit">new<') == 1
        mark = page.index('title="Stored since your last visit">new<')
        link = page.rindex('href="/articles/', 0, mark)  # the report the mark follows
        assert page.startswith(f'href="/articles/{article}"', link)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert b"watch: 5 added" in err
    with Store(db) as st:
        assert (
            st.conn.execute("SELECT status FROM runs WHERE command = 'watch'").fetchone()[0]
            == "done"
        )


def test_watch_follows_a_feed_over_http_one_304_while_it_is_unchanged(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    from .test_fetch import SCHOOLS, feed_items, fetch_settings, html_paragraphs, rss
    from .webserver import serve

    settings = fetch_settings()
    with serve() as site, Store(tmp_path / "feed.db") as store:
        site.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
        items = feed_items(site)
        site.page("/feed.xml", rss(site, items), "application/rss+xml", {"ETag": '"t1"'})
        [source] = load_sources([site.url("/feed.xml")], settings)
        watcher = Watcher(store, settings, [source])
        changes: list[dict[str, object]] = []
        watcher.on_change = changes.append
        watcher.poll(source)
        assert [c["event"] for c in changes] == ["added", "added"]
        assert {c["outlet"] for c in changes} == {"Estuary Herald"}
        before = len(site.log)
        watcher.poll(source)  # unchanged: one conditional GET, answered 304, nothing new
        assert site.paths()[before:] == ["/feed.xml"] and len(changes) == 2
        assert site.hits("/feed.xml")[-1].headers["If-None-Match"] == '"t1"'
        schools = {
            "title": "Four schools shut as roads flood", "path": "/news/schools-shut",
            "date": "Tue, 14 Jan 2025 10:40:00 GMT", "summary": "Roads under water.",
            "content": html_paragraphs(SCHOOLS),
        }  # fmt: skip
        site.page(
            "/feed.xml", rss(site, [schools, *items]), "application/rss+xml", {"ETag": '"t2"'}
        )
        watcher.poll(source)
        assert [c["title"] for c in changes[2:]] == ["Four schools shut as roads flood"]
        site.page("/feed.xml", "down for maintenance", "text/plain", status=503)
        watcher.poll(source)  # a failing source is a problem; the watcher goes on
        assert changes[-1]["event"] == "problem" and source.failures == 0
        watcher.close()
        stored = store.conn.execute(
            "SELECT count(*), count(DISTINCT story_id) FROM articles a"
            " JOIN story_members m ON m.article_id = a.id"
        ).fetchone()
        assert stored[0] == 3
        assert store.conn.execute("SELECT count(*) FROM enrichments").fetchone()[0] == 3
