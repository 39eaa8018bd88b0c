"""The REST API through an in-process client, on real stores: pages, filters, errors, ingest."""

from __future__ import annotations

import sqlite3
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from storylens.errors import StoreError

from .conftest import EXAMPLES, SCRIPT_JSON, SCRIPT_TITLE, needs_shared

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from storylens.web.app import CSP, create_app

API = "/api/v1"
UPLOAD = """date 2025-06-22
Saltmere harbour pilots ended their work-to-rule on Sunday after the port authority agreed
to hire six more pilots, the union said.

The dispute had slowed ship movements for a week.
"""


def open_client(db: Path, **kw: Any) -> TestClient:
    """A client of the app over ``db`` that names the host it serves (127.0.0.1) and carries
    the store's write token (made by ``create_app`` when the store has none)."""
    app = create_app(db)
    token = app.state.web.write_token()
    return TestClient(
        app, base_url="http://127.0.0.1:8000", headers={"Authorization": f"Bearer {token}"}, **kw
    )


@pytest.fixture(scope="module")
def client(demo_db: Path) -> Iterator[TestClient]:
    with open_client(demo_db) as c:
        yield c


@pytest.fixture
def fresh(tmp_path: Path, demo_db: Path) -> Iterator[TestClient]:
    """A client over a copy of the demo store, for tests that write."""
    db = tmp_path / "copy.db"
    src = sqlite3.connect(demo_db)
    src.backup(sqlite3.connect(db))
    src.close()
    with open_client(db, raise_server_exceptions=False) as c:
        yield c


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message", "hint"}
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert body["error"]["message"]
    return dict(body["error"])


def test_stories_pages_and_totals(client: TestClient) -> None:
    first = client.get(f"{API}/stories", params={"limit": 5}).json()
    assert first["limit"] == 5 and first["offset"] == 0 and len(first["items"]) == 5
    assert (
        first["total"] >= 12
    )  # 11 example stories and the attack reports (+ the seeds with ../shared)
    second = client.get(f"{API}/stories", params={"limit": 5, "offset": 5}).json()
    assert {s["id"] for s in first["items"]}.isdisjoint(s["id"] for s in second["items"])
    everything = client.get(f"{API}/stories", params={"limit": 200}).json()
    assert len(everything["items"]) == everything["total"] == first["total"]
    seen = [s["last_seen"] for s in everything["items"]]
    assert seen == sorted(seen, reverse=True)  # most recently active first


def test_story_filters(client: TestClient) -> None:
    big = client.get(f"{API}/stories", params={"min_size": 3}).json()
    assert big["items"] and all(s["size"] >= 3 for s in big["items"])
    outlet = client.get(f"{API}/stories", params={"outlet": "valley ledger"}).json()
    assert outlet["items"] and all("Valley Ledger" in s["outlets"] for s in outlet["items"])
    dated = client.get(f"{API}/stories", params={"since": "2025-06-01"}).json()
    assert dated["items"] and all(s["last_seen"] >= "2025-06-01" for s in dated["items"])
    assert dated["total"] < client.get(f"{API}/stories").json()["total"]


def test_story_detail_has_reports_copies_and_activity(client: TestClient) -> None:
    stories = client.get(f"{API}/stories", params={"limit": 200}).json()["items"]
    biggest = max(stories, key=lambda s: s["size"])
    detail = client.get(f"{API}/stories/{biggest['id']}").json()
    assert detail["id"] == biggest["id"] and len(detail["reports"]) == biggest["size"]
    assert sum(d["reports"] for d in detail["activity"]) <= biggest["size"]
    published = [r["published"] for r in detail["reports"] if r["published"]]
    assert published == sorted(published)
    # the example corpus has a near duplicate: the story holding it lists it with its diff
    with_copies = [
        d for s in stories if (d := client.get(f"{API}/stories/{s['id']}").json())["copies"]
    ]
    assert with_copies
    copy = with_copies[0]["copies"][0]
    assert {"copy", "original", "added", "removed", "kind", "similarity"} <= set(copy)
    assert copy["copy"]["id"] in {r["id"] for r in with_copies[0]["reports"]}
    # a unique prefix works like the CLI
    assert client.get(f"{API}/stories/{biggest['id'][:8]}").json()["id"] == biggest["id"]


def test_articles_filters_and_detail(client: TestClient) -> None:
    page = client.get(
        f"{API}/articles", params={"outlet": "The Meridian Herald", "limit": 2}
    ).json()
    assert page["total"] > 2 and len(page["items"]) == 2
    assert all(a["outlet"] == "The Meridian Herald" for a in page["items"])
    text = client.get(f"{API}/articles", params={"q": "dockers strike"}).json()
    assert text["items"] and text["total"] == len(text["items"])
    article = client.get(f"{API}/articles/{text['items'][0]['id']}").json()
    assert article["paragraphs"] and article["sightings"] and article["story"]["id"]
    assert {"notes", "credits", "copy_of", "copies"} <= set(article)


def test_search_with_filters(client: TestClient) -> None:
    hits = client.get(f"{API}/search", params={"q": "strike", "limit": 3}).json()
    assert hits["total"] >= len(hits["items"]) > 0
    assert all("**" in h["snippet"] for h in hits["items"])
    narrowed = client.get(f"{API}/search", params={"q": "strike", "outlet": "valley ledger"})
    assert all(h["outlet"] == "Valley Ledger" for h in narrowed.json()["items"])
    err = assert_error(client.get(f"{API}/search", params={"q": '"unclosed'}), 400, "bad_request")
    assert err["hint"]


def test_outlets_and_problems(client: TestClient) -> None:
    outlets = client.get(f"{API}/outlets").json()
    names = {o["name"] for o in outlets}
    assert {"Valley Ledger", "The Meridian Herald"} <= names
    one = client.get(f"{API}/outlets/valley ledger").json()
    assert one["name"] == "Valley Ledger" and one["articles"] > 0
    assert_error(client.get(f"{API}/outlets/No Such Outlet"), 404, "not_found")
    problems = client.get(f"{API}/problems", params={"limit": 2}).json()
    assert problems["total"] == 4 and len(problems["items"]) == 2  # the corpus's broken files


def test_one_error_shape(client: TestClient) -> None:
    missing = assert_error(client.get(f"{API}/stories/nosuchstory"), 404, "not_found")
    assert "storylens stories" in (missing["hint"] or "")
    assert_error(client.get(f"{API}/articles/nosucharticle"), 404, "not_found")
    assert_error(client.get(f"{API}/no/such/route"), 404, "not_found")
    for params in ({"limit": 0}, {"limit": 201}, {"offset": -1}, {"limit": "many"},
                   {"since": "14 Sept"}):  # fmt: skip
        assert_error(client.get(f"{API}/stories", params=params), 422, "validation_error")
    assert_error(client.delete(f"{API}/stories"), 405, "method_not_allowed")
    assert_error(client.post(f"{API}/ingest/article", json={"title": "no text"}), 422,
                 "validation_error")  # fmt: skip


def test_unhandled_error_is_a_json_500(fresh: TestClient, tmp_path: Path) -> None:
    story_id = fresh.get(f"{API}/stories").json()["items"][0]["id"]
    db = sqlite3.connect(tmp_path / "copy.db")
    db.execute("DROP TABLE story_members")  # a store broken under the running app
    db.close()
    response = fresh.get(f"{API}/stories/{story_id}")
    assert_error(response, 500, "internal_error")
    assert response.headers["content-security-policy"] == CSP


def test_security_headers_everywhere(client: TestClient) -> None:
    for url in (f"{API}/stories", f"{API}/nope", "/", "/nope", "/static/style.css"):
        headers = client.get(url).headers
        assert headers["content-security-policy"] == CSP, url
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_openapi_schema_is_served(client: TestClient) -> None:
    schema = client.get(f"{API}/openapi.json").json()
    paths = set(schema["paths"])
    assert {f"{API}/stories", f"{API}/stories/{{story_id}}", f"{API}/articles",
            f"{API}/search", f"{API}/outlets", f"{API}/problems", f"{API}/ingest/file",
            f"{API}/ingest/article", f"{API}/entities", f"{API}/entities/{{key}}",
            f"{API}/claims", f"{API}/quotes"} <= paths  # fmt: skip
    assert not any(not p.startswith(API) for p in paths)  # pages are not in the API schema
    assert client.get("/docs").status_code == 404  # no Swagger UI from a CDN


def test_ingest_a_file_and_a_json_article(fresh: TestClient) -> None:
    before = fresh.get(f"{API}/stories").json()["total"]
    upload = fresh.post(
        f"{API}/ingest/file",
        files={"file": ("pilots.txt", UPLOAD)},
        params={"cluster": True},
    )
    assert upload.status_code == 200, upload.text
    result = upload.json()
    assert result["added"] == 1 and result["problems"] == []
    stored = result["articles"][0]
    assert stored["origin"] == "upload:pilots.txt" and stored["story_id"]
    assert stored["title"].startswith("Saltmere harbour pilots")
    assert result["stories"] >= before
    # through the live pipeline: enriched, and its story compared with it, at once
    story = fresh.get(f"{API}/stories/{stored['story_id']}").json()
    assert story["enriched"] == story["size"] >= 1
    web = fresh.app.state.web  # type: ignore[attr-defined]
    assert web.store.conn.execute(
        "SELECT sentences FROM enrichments WHERE article_id = ?", (stored["id"],)
    ).fetchone()[0]
    from storylens.compare.story import members_hash
    from storylens.store.comparisons import is_current

    key = members_hash(web.store.conn, stored["story_id"])
    assert story["size"] < 2 or is_current(web.store.conn, stored["story_id"], key)
    posted = {**SCRIPT_JSON, "url": "https://x.example/n", "text": "Pilots return to work."}
    again = fresh.post(f"{API}/ingest/article", json=posted)
    assert again.json()["added"] == 1
    repeat = fresh.post(f"{API}/ingest/article", json=posted)
    assert repeat.json()["unchanged"] == 1 and repeat.json()["added"] == 0
    article = fresh.get(f"{API}/articles/{again.json()['articles'][0]['id']}").json()
    assert article["outlet"] == "Evil <b>Gazette</b>"  # JSON carries the text as it is


def test_ingest_reports_problems(fresh: TestClient) -> None:
    broken = (EXAMPLES / "corpus" / "broken" / "truncated_front_matter.md").read_bytes()
    result = fresh.post(f"{API}/ingest/file", files={"file": ("t.md", broken)}).json()
    assert result["added"] == 0 and len(result["problems"]) == 1
    assert "front matter" in result["problems"][0]["reason"]
    empty = fresh.post(f"{API}/ingest/file", files={"file": ("e.txt", b"")}).json()
    assert empty["problems"][0]["reason"] == "empty file"
    binary = fresh.post(f"{API}/ingest/file", files={"file": ("x.bin", b"\x00\x01" * 100)})
    assert binary.json()["problems"][0]["reason"].startswith("binary file")
    listed = fresh.get(f"{API}/problems", params={"limit": 200}).json()
    assert any(p["origin"] == "upload:t.md" for p in listed["items"])


def test_a_script_report_comes_back_as_text(client: TestClient) -> None:
    hits = client.get(f"{API}/articles", params={"q": "Harbour alarm sounded"}).json()["items"]
    article = client.get(f"{API}/articles/{hits[0]['id']}").json()
    assert article["title"].startswith("<script>window.__pwned=1</script>")
    assert SCRIPT_TITLE in article["paragraphs"][0]["text"]


@needs_shared
def test_the_seeds_make_one_story(client: TestClient) -> None:
    hits = client.get(f"{API}/search", params={"q": "Lukashenko Sochi"}).json()["items"]
    seeds = [h for h in hits if h["outlet"] != "Evil <b>Gazette</b>"]
    assert len(seeds) >= 2
    stories = {client.get(f"{API}/articles/{h['id']}").json()["story"]["id"] for h in seeds}
    assert len(stories) == 1
    detail = client.get(f"{API}/stories/{stories.pop()}").json()
    assert len({r["outlet"] for r in detail["reports"]}) == 2


def test_missing_store_is_an_error_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        create_app(tmp_path / "absent.db")
    assert "storylens ingest" in caught.value.hint


def _strike_events(client: TestClient) -> list[str]:
    """The example corpus's Saltmere strike: one storyline of several events (stories)."""
    lines = client.get(f"{API}/storylines", params={"min_events": 2, "limit": 200}).json()
    strike = max(lines["items"], key=lambda x: x["size"])
    assert "Saltmere" in strike["title"], strike
    timeline = client.get(f"{API}/storylines/{strike['id']}").json()["timeline"]
    return [e["id"] for e in timeline if e["size"] >= 4]


def _strike_story(client: TestClient, **params: int) -> dict[str, Any]:
    """The strike's walkout: 5 reports, 5 outlets (comparison stored), with a conflict."""
    params.setdefault("facts_limit", 1000)
    for story_id in _strike_events(client):
        whole = client.get(f"{API}/stories/{story_id}", params={"facts_limit": 1000}).json()
        if any(f["status"] == "conflict" for f in whole["comparison"]["facts"]):
            return dict(client.get(f"{API}/stories/{story_id}", params=params).json())
    raise AssertionError("no event of the strike has a conflict")


def test_story_detail_pages_the_facts(client: TestClient) -> None:
    whole = _strike_story(client)["comparison"]
    assert whole["facts_total"] == len(whole["facts"]) > 40
    first = _strike_story(client, facts_limit=20)["comparison"]
    second = _strike_story(client, facts_limit=20, facts_offset=20)["comparison"]
    assert (first["facts_total"], first["facts_limit"], second["facts_offset"]) == (
        whole["facts_total"], 20, 20,
    )  # fmt: skip
    assert [f["id"] for f in first["facts"] + second["facts"]] == [
        f["id"] for f in whole["facts"][:40]
    ]


def _located(article: dict[str, Any], cell: dict[str, Any]) -> str:
    """The text at a cell's address in its article's paragraph."""
    text = article["paragraphs"][cell["paragraph"]]["text"]
    return str(text[cell["start"] : cell["end"]])


def test_story_detail_has_summary_timeline_and_comparison(client: TestClient) -> None:
    story = _strike_story(client)
    assert story["enriched"] >= 5
    comparison = story["comparison"]
    assert len(comparison["outlets"]) >= 5
    statuses = {f["status"] for f in comparison["facts"]}
    assert {"agree", "conflict", "only_one"} <= statuses
    # the rally's figures ("over" / "at least 20,000") are compatible, in the strike's next event
    rally = [
        f["status"]
        for sid in _strike_events(client)
        for f in client.get(f"{API}/stories/{sid}", params={"facts_limit": 1000}).json()[
            "comparison"
        ]["facts"]
    ]
    assert "compatible" in rally
    kinds = {f["kind"] for f in comparison["facts"]}
    assert kinds == {"claim", "quote", "statement", "entity"}
    articles: dict[str, dict[str, Any]] = {}
    conflict = next(f for f in comparison["facts"] if f["status"] == "conflict")
    assert set(conflict["outlets"]) == set(comparison["outlets"])  # every outlet has a cell
    for fact in comparison["facts"][:40]:
        for cells in fact["outlets"].values():
            for cell in cells:
                if cell["article"] not in articles:
                    articles[cell["article"]] = client.get(
                        f"{API}/articles/{cell['article']}"
                    ).json()
                assert _located(articles[cell["article"]], cell) == cell["text"]
    assert 1 <= len(story["summary"]) <= 5
    for item in story["summary"]:
        assert item["outlets"] and len(item["sources"]) >= len(item["outlets"])
        assert item["paragraph"] is not None
    days = [d["day"] for d in story["timeline"]]
    assert days == sorted(days) and len(days) >= 3  # the walkout's three days
    first = story["timeline"][0]["reports"][0]
    assert first["facts"] and first["lead"]


def test_story_without_enrichment_says_so(fresh: TestClient) -> None:
    from storylens.pipeline import build_stories

    upload = fresh.post(
        f"{API}/ingest/file",
        files={"file": ("lonely.txt", "date 2025-07-01\nA llama escaped from a zoo in Brenn.\n")},
    ).json()  # not through the live pipeline (cluster=true would enrich it): placed alone
    web = fresh.app.state.web  # type: ignore[attr-defined]
    build_stories(web.store, web.settings)
    [(story_id,)] = web.store.conn.execute(
        "SELECT story_id FROM story_members WHERE article_id = ?", (upload["articles"][0]["id"],)
    ).fetchall()
    story = fresh.get(f"{API}/stories/{story_id}").json()
    assert story["enriched"] == 0 and story["comparison"]["facts"] == []
    assert story["summary"] == [] and story["timeline"][0]["reports"][0]["lead"]
    page = fresh.get(f"/stories/{story_id}").text
    assert f"storylens enrich --story {story_id}" in page
    article = fresh.get(f"{API}/articles/{upload['articles'][0]['id']}").json()
    assert article["enriched"] is False and article["sentences"] == []


def test_article_detail_has_sentences_mentions_quotes_claims(client: TestClient) -> None:
    story = _strike_story(client)
    article = client.get(f"{API}/articles/{story['reports'][0]['id']}").json()
    assert article["enriched"] is True
    sentences = {s["index"]: s for s in article["sentences"]}
    for s in article["sentences"]:
        assert article["paragraphs"][s["paragraph"]]["text"][s["start"] : s["end"]] == s["text"]
    for kind in ("mentions", "quotes", "claims"):
        assert article[kind], kind
        for x in article[kind]:
            span = sentences[x["sentence"]]["text"][x["start"] : x["end"]]
            if kind == "quotes":  # a reported clause may leave out an "according to …" inside
                # (and its end offset is then short by that much: pages find its tail again)
                assert span.startswith(x["text"].split()[0])
                assert x["text"][-12:] in sentences[x["sentence"]]["text"]
            else:
                assert span == x["text"], kind
    assert all(":" in m["entity"] for m in article["mentions"])


def test_entities_list_search_and_detail(client: TestClient) -> None:
    everything = client.get(f"{API}/entities", params={"limit": 5}).json()
    assert everything["total"] > 50 and len(everything["items"]) == 5
    counts = [e["articles"] for e in everything["items"]]
    assert counts == sorted(counts, reverse=True)
    places = client.get(f"{API}/entities", params={"label": "place", "limit": 200}).json()
    assert places["items"] and all(e["label"] == "PLACE" for e in places["items"])
    found = client.get(f"{API}/entities", params={"q": "saltmere"}).json()["items"]
    assert found and all("saltmere" in e["name"].lower() or e["articles"] for e in found)
    key = found[0]["key"]
    detail = client.get(f"{API}/entities/{quote(key, safe='')}").json()
    assert detail["key"] == key and detail["stories"] and detail["articles"]
    firsts = [s["first_seen"] for s in detail["stories"]]
    assert firsts == sorted(firsts)  # its stories over time
    assert client.get(f"{API}/entities/{quote(detail['name'])}").json()["key"] == key
    assert_error(client.get(f"{API}/entities/NOBODY%3Ano%20one"), 404, "not_found")
    assert_error(client.get(f"{API}/entities", params={"limit": 0}), 422, "validation_error")


def test_claims_and_quotes_with_filters(client: TestClient) -> None:
    story = _strike_story(client)
    claims = client.get(f"{API}/claims", params={"story": story["id"], "limit": 200}).json()
    assert claims["total"] == len(claims["items"]) > 20
    ids = {r["id"] for r in story["reports"]}
    assert all(c["article_id"] in ids for c in claims["items"])
    for c in claims["items"]:
        assert c["sentence_text"][c["start"] : c["end"]] == c["text"]
    counted = client.get(f"{API}/claims", params={"subject": "vessels", "limit": 3}).json()
    assert counted["total"] > 3 and len(counted["items"]) == 3
    assert all("vessels" in c["subject"] for c in counted["items"])
    one = claims["items"][0]["article_id"]
    mine = client.get(f"{API}/claims", params={"article": one}).json()["items"]
    assert mine and {c["article_id"] for c in mine} == {one}
    quotes = client.get(f"{API}/quotes", params={"story": story["id"]}).json()
    assert quotes["total"] > 10
    assert {q["kind"] for q in quotes["items"]} <= {"direct", "indirect"}
    assert_error(client.get(f"{API}/claims", params={"story": "nosuch"}), 404, "not_found")
    assert_error(client.get(f"{API}/quotes", params={"article": "zzzzzz"}), 404, "not_found")
