"""Storylines in the API, the web pages (a real browser) and the static site, on the demo store:
the port strike of examples/corpus is one storyline of several events, in order."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storylens.publish.site import build_site
from storylens.store import Store

from .test_web_pages import CHROMIUM, base_url, browser, page, shot

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from storylens.web.app import create_app

API = "/api/v1"
__all__ = ["base_url", "browser", "page"]  # fixtures of the browser test, used below


@pytest.fixture(scope="module")
def client(demo_db: Path) -> Iterator[TestClient]:
    # the app answers only the host it serves (web/security.py)
    with TestClient(create_app(demo_db), base_url="http://127.0.0.1:8000") as c:
        yield c


def _strike(client: TestClient) -> dict[str, Any]:
    items = client.get(f"{API}/storylines", params={"min_events": 2, "limit": 200}).json()
    return dict(max(items["items"], key=lambda s: s["size"]))


def test_api_lists_storylines_and_their_events_in_order(client: TestClient) -> None:
    listed = client.get(f"{API}/storylines", params={"limit": 200}).json()
    assert listed["total"] == len(listed["items"]) and listed["limit"] == 200
    strike = _strike(client)
    assert strike["size"] == 11 and strike["events"] >= 2 and "Saltmere" in strike["title"]
    detail = client.get(f"{API}/storylines/{strike['id'][:8]}").json()
    assert detail["id"] == strike["id"]
    timeline = detail["timeline"]
    assert len(timeline) == strike["events"] and sum(e["size"] for e in timeline) == 11
    assert [e["first_seen"] for e in timeline] == sorted(e["first_seen"] for e in timeline)
    assert timeline[0]["decision"] == "new" and {e["decision"] for e in timeline[1:]} <= {
        "linked", "split"
    }  # fmt: skip
    for e in timeline:  # every event is a story whose detail names its storyline
        story = client.get(f"{API}/stories/{e['id']}").json()
        assert story["storyline"]["id"] == strike["id"] and story["size"] == e["size"]
    missing = client.get(f"{API}/storylines/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert client.get(f"{API}/storylines", params={"limit": 0}).status_code == 422


def test_storyline_pages_link_events_and_back(client: TestClient) -> None:
    strike = _strike(client)
    listing = client.get("/storylines")
    assert listing.status_code == 200 and f'href="/storylines/{strike["id"]}"' in listing.text
    page_ = client.get(f"/storylines/{strike['id']}")
    assert page_.status_code == 200
    events = client.get(f"{API}/storylines/{strike['id']}").json()["timeline"]
    positions = [page_.text.index(f'href="/stories/{e["id"]}"') for e in events]
    assert positions == sorted(positions)  # listed in time order
    story = client.get(f"/stories/{events[0]['id']}")
    assert f'href="/storylines/{strike["id"]}"' in story.text
    assert client.get("/storylines/nope").status_code == 404


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no {CHROMIUM}: `make install` installs it")
def test_storyline_in_a_browser(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.locator("nav a", has_text="Storylines").click()
    page.wait_for_load_state()
    link = page.locator("a.story-title", has_text="Saltmere").first
    title = link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    events = page.locator("li.event a.story-title")
    assert events.count() >= 2
    shot(page, "storyline")
    events.nth(1).click()
    page.wait_for_load_state()
    page.locator(".storyline-link a").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    assert page.problems == []


def test_static_site_has_storyline_pages(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    with Store(demo_db, create=False) as store:
        build_site(store, out)
        strike = store.conn.execute(
            "SELECT id, events FROM storylines ORDER BY size DESC, id LIMIT 1"
        ).fetchone()
        first = store.conn.execute(
            "SELECT story_id FROM storyline_events WHERE storyline_id=? ORDER BY story_id LIMIT 1",
            (strike[0],),
        ).fetchone()[0]
    index = (out / "storylines" / "index.html").read_text(encoding="utf-8")
    assert f'href="{strike[0]}.html"' in index
    page_ = (out / "storylines" / f"{strike[0]}.html").read_text(encoding="utf-8")
    assert page_.count('href="../stories/') == strike[1]
    story = (out / "stories" / f"{first}.html").read_text(encoding="utf-8")
    assert f'href="../storylines/{strike[0]}.html"' in story
