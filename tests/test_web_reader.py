"""The reader's view in a real browser (uvicorn + Debian's chromium through Playwright): outlet
profiles imported from the example file, a story's headlines side by side and coverage chart,
the blindspots page; a story of 265 reports that stays a page of a few screens (its reports a
page at a time, the facts table's fact column sticky, the comparison's cap said and shown);
hostile lengths (a 5,000-character word, very long titles and outlet names, right-to-left
text) that never make a page wider than the window. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storylens import queries
from storylens.config import load_settings
from storylens.outlets import import_profiles, set_profile
from storylens.store import Store

from .conftest import EXAMPLES
from .test_web_pages import ARGS, ARTIFACTS, CHROMIUM, _free_port, shot

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"no {CHROMIUM}: `make install` installs Debian's chromium"
)
FERRY = "Saltmere ferry strike"
LONG_WORD = "Saltmere" + "harbour" * 714  # 5,006 characters, no break opportunity
LONG_OUTLET = "The Saltmere and Corran Islands Harbour, Ferry and Coastal Communities " * 2
LONG_TITLE = ("Corran islanders cut off as " + "the storm and the strike and the tides " * 16
              + "keep every ferry in port")  # fmt: skip
RTL_TITLE = "إضراب العبارات في سالتمير يقطع الجزر عن البر الرئيسي"
RTL_WORD = "الميناءوالعبارةوالجزيرة" * 60


def ferry_reports(n: int = 265) -> list[dict[str, str]]:
    """n reports of one three-day ferry strike from six outlets (written for this test)."""
    outlets = ["Harbour Wire", "The Meridian Herald", "Northgate Post", "Coastline Daily",
               "Eastbrook Times", "Valley Ledger"]  # fmt: skip
    out = []
    for i in range(n):
        day, outlet = 1 + (i * 3) // n, outlets[i % len(outlets)]
        sailings, crew = 40 + i, 200 + i
        out.append({
            "title": f"{FERRY}: {sailings} sailings cancelled on day {day} of walkout",
            "text": f"Ferry crews in Saltmere stayed out for a {day}th day on strike over pay, and"
                    f" the operator Tidewater Ferries cancelled {sailings} sailings to the Corran"
                    f" islands, it said. The union said {crew} crew members had joined the"
                    " walkout, which began after talks on a new pay deal broke down.\n\nIsland"
                    " residents said the strike had cut them off from the mainland; the council"
                    f" asked Tidewater Ferries and the union to return to talks ({outlet}).",
            "outlet": outlet,
            "published": f"2025-07-{day:02d}T{8 + i % 12:02d}:{i % 60:02d}:00Z",
            "url": f"https://{outlet.lower().replace(' ', '')}.example/ferry-{i}",
        })  # fmt: skip
    return out


def hostile_reports() -> list[dict[str, str]]:
    return [
        {"title": f"{LONG_WORD} quay", "outlet": "Harbour Wire",
         "text": f"A quay named {LONG_WORD} was closed on Monday after a crane fell, the port"
                 " said.", "published": "2025-08-04T09:00:00Z"},
        {"title": LONG_TITLE, "outlet": LONG_OUTLET.strip(),
         "text": "Islanders on Corran said on Tuesday that they had been cut off for a week by"
                 f" the storm. {LONG_WORD}", "published": "2025-08-05T09:00:00Z"},
        {"title": RTL_TITLE, "outlet": "صحيفة الميناء",
         "text": f"قال سكان الجزر يوم الأربعاء إن الإضراب قطعهم عن البر الرئيسي. {RTL_WORD}",
         "published": "2025-08-06T09:00:00Z"},
    ]  # fmt: skip


@pytest.fixture(scope="module")
def reader_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store with the example profiles, the 265-report ferry strike (enriched) and
    the hostile reports."""
    from storylens.compare.run import run_compare
    from storylens.enrich.run import run_enrich
    from storylens.pipeline import build_stories, ingest

    root = tmp_path_factory.mktemp("reader")
    db = root / "reader.db"
    with Store(demo_db) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(demo_db, db)
    inputs = root / "inputs"
    inputs.mkdir()
    for name, rows in (("ferry.jsonl", ferry_reports()), ("hostile.jsonl", hostile_reports())):
        (inputs / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                                           for r in rows), encoding="utf-8")  # fmt: skip
    settings = load_settings(environ={}, config_file=None)
    with Store(db) as store:
        ingest(store, [str(inputs)], settings)
        build_stories(store, settings)
        import_profiles(store, EXAMPLES / "outlets" / "profiles.csv")
        set_profile(store, LONG_OUTLET.strip()[:200], leaning="left", type="local")
        ferry = story(store, FERRY)
        # the compare stage reads the earliest 80 reports that are not near copies (and says
        # so): enriching the first 40 gives it facts to compare and keeps the test quick
        run_enrich(store, settings, only=[r["id"] for r in ferry["reports"][:40]])
        run_compare(store)  # stored, as `storylens compare --all` does
    return db


def story(store: Store, title: str) -> dict[str, Any]:
    found = next(s for s in queries.list_stories(store, 200) if s["title"].startswith(title))
    return queries.story_detail(store, found["id"])


@pytest.fixture(scope="module")
def reader_url(reader_db: Path) -> Iterator[str]:
    import uvicorn

    from storylens.web.app import create_app

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(reader_db), host="127.0.0.1", port=port, log_level="warning")
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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def new_page(browser: Any, width: int = 1280, height: int = 900) -> Any:
    pg = browser.new_context(viewport={"width": width, "height": height}).new_page()
    pg.problems = []
    pg.on("console", lambda m: m.type == "error" and pg.problems.append(m.text))
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    return pg


def widths(pg: Any) -> tuple[int, int]:
    return pg.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_headlines_coverage_and_blindspots(browser: Any, reader_url: str) -> None:
    pg = new_page(browser)
    pg.goto(reader_url + "/")
    pg.locator("a.story-title", has_text="Oakhurst packaging plant").first.click()
    pg.wait_for_load_state()
    # headlines side by side, grouped by the leanings of the example profiles in scale order
    groups = pg.locator(".headline-group h3.leaning").all_inner_texts()
    assert [g.lower() for g in groups] == ["left", "lean left", "centre", "lean right", "right",
                                           "no leaning given"]  # fmt: skip
    first = pg.locator(".headline-group").first
    assert first.locator(".outlet").inner_text().lower() == "eastbrook times"
    link = first.locator("a.hl-title")
    title = link.inner_text()
    # the coverage chart: one bar per leaning of the scale, drawn on the server
    chart = pg.locator("#coverage")
    assert chart.locator(".cov-leaning tr").count() == 6
    assert chart.locator(".cov-leaning rect.bar.side-0").count() == 2
    assert "6 reports from 5 outlets" in chart.locator("figcaption").inner_text()
    chart.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=str(ARTIFACTS / "coverage.png"))
    pg.locator("#headlines").screenshot(path=str(ARTIFACTS / "headlines.png"))
    link.click()
    pg.wait_for_load_state()
    assert pg.locator("h1").inner_text() == title
    pg.locator("nav a", has_text="Blindspots").click()
    pg.wait_for_load_state()
    rows = pg.locator("li.blindspot")
    assert rows.count() == 1 and "Brennock fire" in rows.first.inner_text()
    assert "only lean right / right" in rows.first.inner_text()
    pg.locator("input[name=share]").fill("0.66")
    pg.locator("form.filters button").click()
    pg.wait_for_load_state()
    assert "share=0.66" in pg.url and pg.locator("li.blindspot").count() >= 4
    shot(pg, "blindspots")
    assert pg.problems == []


def test_a_265_report_story_stays_readable(browser: Any, reader_url: str, reader_db: Path) -> None:
    with Store(reader_db) as store:
        ferry = story(store, FERRY)
    assert ferry["size"] == 265
    pg = new_page(browser, 900, 900)
    pg.goto(f"{reader_url}/stories/{ferry['id']}")
    assert pg.locator("#reports li.report").count() == 40  # one page of reports
    assert "reports 1–40 of 265" in pg.locator(".report-views").inner_text()
    # the comparison is capped: the page says how many and which, and marks the others
    note = pg.locator(".notice.capped").inner_text()
    assert "Compared on its first 80 reports of 265" in note and "the earliest" in note
    assert pg.locator("#reports .badge.not-compared").count() > 0
    height = pg.evaluate("document.documentElement.scrollHeight")
    assert height < 16_000, height  # was 84,000 px with every report and copy listed
    assert widths(pg)[0] <= widths(pg)[1]
    # the fact column stays in view while the outlets scroll
    wrap = pg.locator(".table-wrap").first
    wrap.scroll_into_view_if_needed()
    fact = wrap.locator("tbody th").first
    cell = wrap.locator("tbody td.cell").last
    before, cell_before = fact.bounding_box()["x"], cell.bounding_box()["x"]
    wrap.evaluate("w => { w.scrollLeft = 400; }")
    scrolled = wrap.evaluate("w => w.scrollLeft")
    assert scrolled > 50, "the facts table does not scroll here"
    assert abs(cell.bounding_box()["x"] - (cell_before - scrolled)) < 1  # the outlets move
    assert abs(fact.bounding_box()["x"] - before) < 4  # the fact stays (2px border-spacing)
    shot(pg, "story-265")
    # by day, page 7: the last reports
    pg.locator(".report-views a", has_text="by day").click()
    pg.wait_for_load_state()
    pg.locator(".report-pager a", has_text="7").click()
    pg.wait_for_load_state()
    assert "rpage=7" in pg.url and "rby=day" in pg.url
    assert pg.locator("#reports li.report").count() == 265 - 6 * 40
    assert pg.locator("#reports h3.report-day").first.inner_text().startswith("2025-07-03")
    assert pg.problems == []


@pytest.mark.parametrize("width", [1280, 390])
def test_hostile_lengths_never_widen_a_page(
    browser: Any, reader_url: str, reader_db: Path, width: int
) -> None:
    with Store(reader_db) as store:
        stories = [story(store, t) for t in (LONG_WORD[:30], "Corran islanders", RTL_TITLE)]
    paths = ["/", "/outlets", "/blindspots?share=0.51&min_outlets=1", "/search?q=Corran",
             f"/outlets/{stories[1]['outlets'][0]}", "/storylines"]  # fmt: skip
    for s in stories:
        paths += [f"/stories/{s['id']}", f"/articles/{s['reports'][0]['id']}"]
    pg = new_page(browser, width, 800)
    for path in paths:
        pg.goto(reader_url + path)
        scroll, window = widths(pg)
        assert scroll <= window, f"{path} is {scroll}px wide in a {window}px window"
    pg.goto(f"{reader_url}/stories/{stories[1]['id']}")
    h1 = pg.locator("h1")
    assert len(h1.inner_text()) <= 300 and h1.get_attribute("title") == LONG_TITLE
    shot(pg, f"hostile-{width}")
    assert pg.problems == []


def test_the_coverage_view_for_the_docs(browser: Any, reader_url: str) -> None:
    """tests/artifacts/coverage-view.png: the view docs/img/coverage.png was taken from."""
    pg = new_page(browser, 1100, 900)
    pg.goto(reader_url + "/")
    pg.locator("a.story-title", has_text="Oakhurst packaging plant").first.click()
    pg.wait_for_load_state()
    target = ARTIFACTS / "coverage-view.png"
    pg.locator("#headlines").screenshot(path=str(target))
    assert target.stat().st_size > 10_000
    assert pg.problems == []
