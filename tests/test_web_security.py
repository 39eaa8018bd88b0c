"""Nothing let in: the real app on real uvicorn servers, attacked from a real browser.

A page on another origin posts a report with ``fetch(…, {mode: "no-cors", body: FormData})``
(the request a browser sends without asking); a page whose name was rebound to 127.0.0.1
reads the API as if it were its own origin; a client names ``Host: attacker.example``. All are
refused; a write with the store's token works; reads need no token.
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from storylens.store import Store

from .test_web_pages import ARGS, CHROMIUM, _free_port

API = "/api/v1"
PLANTED = "Planted report: the harbour at Saltmere was sold to a mystery buyer on Friday."


class Recorder:
    """ASGI wrapper that records what the server was asked and what it answered."""

    def __init__(self, app: Any) -> None:
        self.app, self.seen = app, []  # type: Any, list[tuple[str, str, str, int]]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = dict(scope["headers"]).get(b"host", b"").decode()

        async def record(message: Any) -> None:
            if message["type"] == "http.response.start":
                self.seen.append((scope["method"], scope["path"], host, message["status"]))
            await send(message)

        await self.app(scope, receive, record)


class Served:
    """An ASGI app served by uvicorn on a free port of 127.0.0.1, in a thread."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", interface="asgi3"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def copy_store(demo_db: Path, to: Path) -> Path:
    src = sqlite3.connect(demo_db)
    src.backup(sqlite3.connect(to))
    src.close()
    return to


@pytest.fixture
def victim(demo_db: Path, tmp_path: Path) -> Iterator[tuple[Served, Recorder, Path]]:
    from storylens.web.app import create_app

    db = copy_store(demo_db, tmp_path / "victim.db")
    recorder = Recorder(create_app(db))
    served = Served(recorder)
    yield served, recorder, db
    served.stop()


def token_of(db: Path) -> str:
    from storylens.store.secrets import stored_token

    with Store(db, create=False) as store:
        token = stored_token(store)
    assert token
    return token


def planted(base: str) -> int:
    found = httpx.get(f"{base}{API}/articles", params={"q": "mystery buyer"}).json()
    return int(found["total"])


def upload(base: str, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{base}{API}/ingest/file",
        files={"file": ("planted.txt", f"date 2025-06-22\n{PLANTED}\n")},
        headers=headers,
    )


def test_a_write_needs_the_token_and_reads_do_not(victim: Any) -> None:
    served, _, db = victim
    base = served.url
    assert httpx.get(f"{base}{API}/stories").status_code == 200  # reads stay open
    assert httpx.get(f"{base}/").status_code == 200
    missing = upload(base)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    error = missing.json()["error"]
    assert error["code"] == "unauthorized" and "storylens token" in error["hint"]
    wrong = upload(base, authorization="Bearer not-the-token")
    assert wrong.status_code == 401
    article = httpx.post(f"{base}{API}/ingest/article", json={"text": PLANTED, "title": "x"})
    assert article.status_code == 401
    assert planted(base) == 0
    good = upload(base, authorization=f"Bearer {token_of(db)}")
    assert good.status_code == 200, good.text
    assert good.json()["added"] == 1 and planted(base) == 1


def test_a_request_for_another_host_is_refused(victim: Any) -> None:
    served, _, db = victim
    base = served.url
    for path in (f"{API}/stories", "/", "/static/style.css"):
        refused = httpx.get(base + path, headers={"host": "attacker.example"})
        assert refused.status_code == 400, path
        assert refused.headers["content-security-policy"]  # refusals carry the headers too
    assert (
        httpx.get(f"{base}{API}/stories", headers={"host": "attacker.example:80"}).json()["error"][
            "code"
        ]
        == "bad_host"
    )
    token = token_of(db)
    rebound = upload(base, host=f"attacker.example:{served.port}", authorization=f"Bearer {token}")
    assert rebound.status_code == 400 and planted(base) == 0  # even with the token
    for host in (f"127.0.0.1:{served.port}", f"localhost:{served.port}", "localhost"):
        assert httpx.get(f"{base}{API}/stories", headers={"host": host}).status_code == 200


def test_a_write_from_another_origin_is_refused_even_with_the_token(victim: Any) -> None:
    served, _, db = victim
    base = served.url
    token = token_of(db)
    cross = upload(base, origin="http://127.0.0.1:1", authorization=f"Bearer {token}")
    assert cross.status_code == 403 and cross.json()["error"]["code"] == "forbidden"
    null = upload(base, origin="null", authorization=f"Bearer {token}")
    assert null.status_code == 403
    assert planted(base) == 0
    same = upload(base, origin=base, authorization=f"Bearer {token}")
    assert same.status_code == 200 and planted(base) == 1


ATTACK_PAGE = """<!doctype html><title>cute cats</title><body><script>
const form = new FormData();
form.append("file", new Blob([%(body)r], {type: "text/plain"}), "planted.txt");
fetch(%(target)r, {method: "POST", mode: "no-cors", body: form})
  .then(() => { document.title = "sent"; }, (e) => { document.title = "failed " + e; });
</script></body>"""


async def attacker_app(scope: Any, receive: Any, send: Any, *, page: bytes) -> None:
    """The attacker's site: one page, no Content-Security-Policy, scripts allowed."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/html; charset=utf-8")]})  # fmt: skip
    await send({"type": "http.response.body", "body": page})


@pytest.fixture
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"no {CHROMIUM}: `make install` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                *ARGS,
                "--host-resolver-rules=MAP attacker.example 127.0.0.1",
                # the server must hold even where the browser's own guard for local addresses
                # (Private/Local Network Access) is missing or was got round
                "--disable-features=BlockInsecurePrivateNetworkRequests,"
                "PrivateNetworkAccessSendPreflights,LocalNetworkAccessChecks",
            ],
        )
        yield browser
        browser.close()


def test_a_page_on_another_origin_cannot_plant_a_report(victim: Any, chromium: Any) -> None:
    served, recorder, _ = victim
    target = f"{served.url}{API}/ingest/file"
    body = f"date 2025-06-22\n{PLANTED}\n"
    page_html = (ATTACK_PAGE % {"body": body, "target": target}).encode()
    attacker = Served(lambda s, r, w: attacker_app(s, r, w, page=page_html))
    try:
        page = chromium.new_page()
        page.goto(attacker.url + "/")  # another port: another origin
        page.wait_for_function("document.title !== 'cute cats'", timeout=15000)
        assert page.title() == "sent"  # the browser sent it (an opaque answer)
        page.close()
    finally:
        attacker.stop()
    posts = [s for s in recorder.seen if s[0] == "POST"]
    assert posts and all(status in (401, 403) for *_, status in posts), posts
    assert planted(served.url) == 0


REBOUND_PAGE = """<!doctype html><title>waiting</title><body><script>
fetch("/api/v1/stories").then(async (r) => { document.title = "status " + r.status + " "
  + (await r.text()).slice(0, 60); }, (e) => { document.title = "failed " + e; });
</script></body>"""


def test_a_rebound_name_cannot_read_the_api(victim: Any, chromium: Any) -> None:
    """DNS rebinding: attacker.example serves its page, then resolves to 127.0.0.1; the page's
    same-origin fetch reaches the server naming attacker.example, and is refused."""
    served, recorder, _ = victim
    origin = f"http://attacker.example:{served.port}"
    page = chromium.new_page()
    page.route(
        origin + "/", lambda route: route.fulfill(body=REBOUND_PAGE, content_type="text/html")
    )
    page.goto(origin + "/")
    page.wait_for_function("document.title !== 'waiting'", timeout=15000)
    title = page.title()
    page.close()
    assert title.startswith("status 400"), title
    assert '"items"' not in title
    asked = [s for s in recorder.seen if s[1] == f"{API}/stories"]
    assert asked and asked[0][2] == f"attacker.example:{served.port}" and asked[0][3] == 400


def _start_serve(db: Path, port: int) -> tuple[subprocess.Popen[str], list[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "storylens", "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines: list[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}{API}/problems?limit=1").status_code == 200:
                return proc, lines
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("storylens serve did not start")


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err


def test_the_first_serve_makes_the_token_and_prints_it_once(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    shutil.copy(demo_db, db)  # the demo store, before any serve: no token yet
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM secrets")
    port = _free_port()
    proc, _ = _start_serve(db, port)
    token = token_of(db)
    base = f"http://127.0.0.1:{port}"
    ok = upload(base, authorization=f"Bearer {token}")
    raw = _stop(proc)
    first = " ".join(raw.split())
    assert ok.status_code == 200, ok.text
    assert f"\n  {token}\n" in raw  # on a line of its own, whole
    assert "storylens token" in first
    proc, _ = _start_serve(db, port)
    second = " ".join(_stop(proc).split())
    assert token not in second and "storylens token" in second  # printed that once
    shown = subprocess.run(
        [sys.executable, "-m", "storylens", "token", "--db", str(db)],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert shown == token


def test_a_new_token_takes_effect_at_once(victim: Any) -> None:
    served, _, db = victim
    old = token_of(db)
    assert upload(served.url, authorization=f"Bearer {old}").status_code == 200
    new = subprocess.run(
        [sys.executable, "-m", "storylens", "token", "--new", "--db", str(db), "--json"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    fresh = json.loads(new)["token"]
    assert fresh != old and token_of(db) == fresh
    assert upload(served.url, authorization=f"Bearer {old}").status_code == 401
    again = upload(served.url, authorization=f"Bearer {fresh}")
    assert again.status_code == 200 and again.json()["unchanged"] == 1
