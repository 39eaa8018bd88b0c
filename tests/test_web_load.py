"""Under load, on real uvicorn servers: excess requests get a fast 503 with Retry-After, a
read past its deadline is stopped, `serve --workers N` runs N processes, and the home and
search pages' whole-store chart and outlet list are computed once per store change."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from storylens.config import load_settings
from storylens.pipeline import ingest
from storylens.store import Store
from storylens.web.app import create_app

from .test_web_pages import _free_port
from .test_web_security import Served, copy_store


def app_over(db: Path, **values: Any) -> Any:
    settings = load_settings(environ={}, overrides={"store.path": str(db), **values})
    return create_app(settings)


@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> Path:
    return copy_store(demo_db, tmp_path / "load.db")


COUNT = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "


async def _burst(base: str, paths: list[str]) -> list[tuple[int, str | None, float]]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:

        async def one(path: str) -> tuple[int, str | None, float]:
            started = time.perf_counter()
            r = await client.get(path)
            return r.status_code, r.headers.get("retry-after"), time.perf_counter() - started

        return list(await asyncio.gather(*(one(p) for p in paths)))


def test_excess_load_gets_a_fast_503_with_retry_after(db: Path) -> None:
    served = Served(app_over(db, **{"web.max_active": 1, "web.queue_timeout": 0.02}))
    try:
        paths = ["/", "/api/v1/stories?limit=50", "/search?q=strike", "/outlets"] * 15
        answers = asyncio.run(_burst(served.url, paths))
    finally:
        served.stop()
    statuses = {status for status, _, _ in answers}
    assert statuses == {200, 503}, statuses
    shed = [a for a in answers if a[0] == 503]
    assert all(retry and int(retry) >= 1 for _, retry, _ in shed)
    served_ok = sorted(took for status, _, took in answers if status == 200)
    shed_times = sorted(took for *_, took in shed)
    assert shed_times[len(shed_times) // 2] < served_ok[-1]  # shed at once, not after a wait
    assert len(served_ok) >= 1


def test_a_read_past_its_deadline_is_stopped(db: Path) -> None:
    from storylens.web.load import DEADLINE, Budget, watch_deadline

    conn = sqlite3.connect(db)
    watch_deadline(conn)
    token = DEADLINE.set(Budget(time.monotonic() + 0.2))
    try:
        started = time.perf_counter()
        with pytest.raises(sqlite3.OperationalError, match="interrupted"):
            conn.execute(COUNT + "SELECT count(*) FROM (SELECT i FROM n LIMIT 100000000)")
        assert time.perf_counter() - started < 2.0  # not the ~30 s the query takes
    finally:
        DEADLINE.reset(token)
    assert conn.execute(COUNT + "SELECT count(*) FROM (SELECT i FROM n LIMIT 1000)").fetchone()
    conn.close()
    # through the app: a deadline of 0 s has passed before any read begins
    served = Served(app_over(db, **{"web.request_timeout": 0.0}))
    try:
        for path in ("/api/v1/stories", "/", "/search?q=strike"):
            late = httpx.get(served.url + path)
            assert late.status_code == 503 and late.headers["retry-after"], path
        assert json.loads(httpx.get(served.url + "/api/v1/stories").text)["error"]["code"] == (
            "unavailable"
        )
        assert httpx.get(served.url + "/static/style.css").status_code == 200
    finally:
        served.stop()


def test_the_work_of_a_client_that_left_is_stopped(tmp_path: Path) -> None:
    """A read whose client gives up is stopped (its query interrupted), and one whose client
    gives up while it waits for its turn is dropped, not worked on later."""
    from storylens.web.load import LoadGuard, watch_deadline

    db = tmp_path / "empty.db"
    sqlite3.connect(db).close()
    ended: list[tuple[str, float]] = []

    def work() -> None:  # a read that would run for a minute
        conn = sqlite3.connect(db)
        watch_deadline(conn)
        started = time.monotonic()
        try:
            conn.execute(COUNT + "SELECT count(*) FROM (SELECT i FROM n LIMIT 150000000)")
            ended.append(("finished", time.monotonic() - started))
        except sqlite3.OperationalError as exc:
            ended.append((str(exc), time.monotonic() - started))
        finally:
            conn.close()

    async def slow(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return  # no lifespan
        await asyncio.to_thread(work)  # the thread inherits the request's budget
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"done"})

    guard = LoadGuard(slow, max_active=1, queue_timeout=30, request_timeout=120,
                      api_prefix="/api/v1")  # fmt: skip
    served = Served(guard)
    try:

        async def leave(after: float) -> None:
            with pytest.raises(httpx.ReadTimeout):
                async with httpx.AsyncClient(timeout=after) as client:
                    await client.get(served.url + "/slow")

        async def both() -> None:  # the first holds the only slot; the second waits, leaves
            first = asyncio.create_task(leave(2.0))
            await asyncio.sleep(0.5)
            await leave(0.5)
            await first

        asyncio.run(both())
        deadline = time.monotonic() + 10
        while not ended and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
    finally:
        served.stop()
    assert len(ended) == 1, ended  # the second was never started
    reason, took = ended[0]
    assert reason == "interrupted" and took < 5.0, ended
    assert guard.counts["gone"] == 1 and guard.counts["admitted"] == 1


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_serve_runs_several_workers(db: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "storylens", "serve", "--db", str(db), "--port", str(port),
         "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert time.monotonic() < deadline, "serve --workers 2 did not start"
            try:
                if httpx.get(base + "/api/v1/problems?limit=1").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        workers = [c for c in _children(proc.pid) if "spawn_main" in _cmdline(c)]
        assert len(workers) == 2, [_cmdline(c) for c in _children(proc.pid)]
        answers = [httpx.get(base + p).status_code for p in ("/", "/api/v1/stories") * 10]
        assert set(answers) == {200}
        token = subprocess.run(
            [sys.executable, "-m", "storylens", "token", "--db", str(db)],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        posted = httpx.post(
            base + "/api/v1/ingest/article", headers={"authorization": f"Bearer {token}"},
            json={"text": "Pilots at Saltmere returned to work on Sunday.", "title": "Back"},
        )  # fmt: skip
        assert posted.status_code == 200 and posted.json()["added"] == 1
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.fixture
def client(db: Path) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    with TestClient(app_over(db), base_url="http://127.0.0.1:8000") as c:
        yield c


def test_the_chart_and_outlets_are_computed_once_per_store_change(client: Any, db: Path) -> None:
    web = client.app.state.web
    assert client.get("/").status_code == 200
    chart, outlets = web._cache["overall-chart"], web._cache["outlet-names"]  # (version, value)
    for path in ("/", "/search?q=strike", "/?page=2", "/search"):
        assert client.get(path).status_code == 200
    assert web._cache["overall-chart"] is chart and web._cache["outlet-names"] is outlets
    assert "Brenn Evening Post" not in outlets[1]
    report = json.dumps(
        {"title": "Ferry back", "text": "The Brenn ferry sailed again on Friday.",
         "outlet": "Brenn Evening Post", "published": "2025-07-04T09:00:00Z"}
    )  # fmt: skip
    source = db.parent / "new.json"
    source.write_text(report, encoding="utf-8")
    with Store(db) as store:  # another connection, as another process's ingest would be
        assert ingest(store, [str(source)], load_settings(environ={})).counts.added == 1
    page = client.get("/search").text
    assert "Brenn Evening Post" in page  # the change is seen at once
    assert web._cache["outlet-names"] is not outlets
    assert "Brenn Evening Post" in web._cache["outlet-names"][1]
