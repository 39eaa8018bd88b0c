"""Bidirectional control characters are shown, not applied: web pages (in a real browser),
the static site and its feeds, the CLI's tables; the store and the JSON keep them.

A right-to-left override (U+202E) makes ``Invoice ‮fdp.exe`` read as ``Invoice exe.pdf``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from storylens.cli.app import app as cli_app
from storylens.config import load_settings
from storylens.pipeline import build_stories, ingest
from storylens.store import Store

from .test_web_pages import ARGS, CHROMIUM, _free_port

RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"
TITLE = f"Harbour invoice{RLO}fdp.exe{PDF} leaked, says the port authority"
OUTLET = f"Saltmere {RLO}ttezaG{PDF} Courier"
URL = f"https://courier.example/{RLO}fdp.exe"
PARAGRAPH = f"The file named invoice{RLO}fdp.exe was sent to {LRI}every pilot{PDI} on Monday."
REPORTS = [
    {"title": TITLE, "outlet": OUTLET, "url": URL, "published": "2025-06-23T08:00:00Z",
     "text": f"{PARAGRAPH}\n\nThe port authority said no money was paid out of its accounts."},
    {"title": "Port authority warns pilots over a forged invoice", "outlet": "Valley Ledger",
     "url": "https://valley.example/invoice", "published": "2025-06-23T10:00:00Z",
     "text": "The port authority at Saltmere warned pilots on Monday about a forged invoice "
             "sent by email. No money was paid out of its accounts, it said."},
]  # fmt: skip


def shows_none(text: str) -> bool:
    return not any(c in text for c in (RLO, PDF, LRI, PDI))


@pytest.fixture(scope="module")
def bidi_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bidi")
    source = root / "reports.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in REPORTS) + "\n", encoding="utf-8")
    settings = load_settings(environ={}, config_file=None)
    with Store(root / "bidi.db") as store:
        report = ingest(store, [str(source)], settings)
        assert report.counts.added == 2, report.problems
        build_stories(store, settings)
    return root / "bidi.db"


def _article_id(db: Path) -> str:
    with Store(db, create=False) as store:
        row = store.conn.execute("SELECT id FROM articles WHERE outlet = ?", (OUTLET,)).fetchone()
    return str(row[0])


def test_the_store_and_the_json_keep_them(bidi_db: Path) -> None:
    with Store(bidi_db, create=False) as store:
        title, outlet, url = store.conn.execute(
            "SELECT title, outlet, url FROM articles WHERE outlet = ?", (OUTLET,)
        ).fetchone()
    assert (title, outlet, url) == (TITLE, OUTLET, URL)
    out = CliRunner().invoke(cli_app, ["articles", "--db", str(bidi_db), "--json"]).stdout
    assert TITLE in {a["title"] for a in json.loads(out)}


def test_cli_tables_show_marks(bidi_db: Path) -> None:
    runner = CliRunner()
    listing = runner.invoke(cli_app, ["articles", "--db", str(bidi_db)], env={"COLUMNS": "200"})
    assert listing.exit_code == 0
    assert shows_none(listing.stdout)
    assert "invoice[U+202E]fdp.exe[U+202C]" in listing.stdout
    assert "Saltmere [U+202E]ttezaG[U+202C] Courier" in listing.stdout
    shown = runner.invoke(cli_app, ["show", _article_id(bidi_db), "--db", str(bidi_db)])
    assert shown.exit_code == 0 and shows_none(shown.stdout)
    assert "courier.example/[U+202E]fdp.exe" in shown.stdout
    assert "to [U+2066]every pilot[U+2069] on" in " ".join(shown.stdout.split())
    stories = runner.invoke(cli_app, ["stories", "--db", str(bidi_db)], env={"COLUMNS": "200"})
    assert stories.exit_code == 0 and shows_none(stories.stdout)


def test_the_static_site_and_its_feeds_show_marks(bidi_db: Path, tmp_path: Path) -> None:
    from storylens.publish.site import build_site

    with Store(bidi_db, create=False) as store:
        build_site(store, tmp_path / "site")
    files = [*tmp_path.glob("site/**/*.html"), *tmp_path.glob("site/**/*.xml")]
    assert files
    texts = {f: f.read_text(encoding="utf-8") for f in files}
    assert [f for f, t in texts.items() if not shows_none(t)] == []
    joined = "".join(texts.values())
    assert "invoice[U+202E]fdp.exe[U+202C]" in joined  # the title, in pages and feeds
    assert "Saltmere [U+202E]ttezaG[U+202C] Courier" in joined


@pytest.fixture(scope="module")
def base_url(bidi_db: Path) -> Iterator[str]:
    import uvicorn

    from storylens.web.app import create_app

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(bidi_db), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def page(base_url: str) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"no {CHROMIUM}: `make install` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        pg = browser.new_page()
        pg.problems = []  # type: ignore[attr-defined]
        pg.on("console", lambda m: m.type == "error" and pg.problems.append(m.text))
        yield pg
        browser.close()


def test_web_pages_show_marks_and_keep_offsets(page: Any, base_url: str, bidi_db: Path) -> None:
    article = _article_id(bidi_db)
    page.goto(f"{base_url}/articles/{article}")
    h1 = page.locator("h1").inner_text()
    assert h1.startswith("Harbour invoice[U+202E]fdp.exe[U+202C] leaked") and shows_none(h1)
    outlet = (page.locator("p.outlet").text_content() or "").strip()
    assert outlet == "Saltmere [U+202E]ttezaG[U+202C] Courier"
    meta = page.locator(".article-meta").inner_text()
    assert "courier.example/[U+202E]fdp.exe" in meta and shows_none(meta)
    # the text: each control a span.bidi of one invisible character that shows the mark,
    # so the paragraph's text keeps the stored length and highlights by offset still fit
    first = page.locator(f"#p-{article}-0 .t")
    assert first.evaluate("t => t.textContent.length") == len(PARAGRAPH)
    assert shows_none(first.evaluate("t => t.textContent"))
    marks = first.locator(".bidi")
    assert marks.count() == 3
    assert marks.first.evaluate("m => getComputedStyle(m, '::before').content") == '"[U+202E]"'
    assert "RIGHT-TO-LEFT OVERRIDE" in (marks.first.get_attribute("title") or "")
    page.goto(f"{base_url}/articles/{article}?find=every pilot")
    assert page.locator("mark.hl").inner_text() == "every pilot"  # the offsets still fit
    page.locator(".in-story a").click()  # its story: the reports by outlet, side by side
    page.wait_for_load_state()
    by_outlet = page.locator(".by-outlet").inner_text()
    assert shows_none(by_outlet) and "invoice[U+202E]fdp.exe" in by_outlet
    side = page.locator(f".side-by-side #p-{article}-0 .t")
    assert side.evaluate("t => t.textContent.length") == len(PARAGRAPH)
    page.goto(base_url + "/")
    assert all(shows_none(r) for r in page.locator("li.story-row").all_inner_texts())
    # the outlet filter shows the mark but sends the stored name back: it still filters
    page.goto(base_url + "/search")
    option = page.locator("select[name=outlet] option", has_text="ttezaG")
    assert option.inner_text() == "Saltmere [U+202E]ttezaG[U+202C] Courier"
    assert option.get_attribute("value") == OUTLET
    page.select_option("select[name=outlet]", OUTLET)
    page.click(".filters button")
    page.wait_for_load_state()
    hits = page.locator(".hits li").all_inner_texts()
    assert len(hits) == 1 and shows_none(hits[0]) and "[U+202E]" in hits[0]
    assert page.problems == []
