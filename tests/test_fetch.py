"""`storylens ingest https://…`: pages and feeds fetched from a real HTTP server on loopback.

Every test asserts what was stored, what became a problem, and which requests reached the
server. Nothing here reaches the internet.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from storylens.cli.app import app
from storylens.config import Settings, load_settings
from storylens.ingest.client import parse_retry_after
from storylens.ingest.fetch import Fetcher, is_url
from storylens.ingest.sources import Source, find_sources
from storylens.models import Problem
from storylens.pipeline import IngestReport, ingest
from storylens.queries import list_fetches
from storylens.store import Store

from .webserver import Handler, Site, gzipped, serve

FAST = {"fetch.backoff": 0.05, "fetch.retries": 2, "fetch.read_timeout": 5.0}

# Three reports of the Kelvedon Marsh tide, as an estuary paper and a county site might print
# them: each long enough to be a full text (over fetch.full_text_words).
BARRIER = [
    "The flood barrier at Kelvedon Marsh held through the night as the highest tide in forty"
    " years pushed up the estuary, the Environment Agency said on Tuesday morning.",
    "Engineers closed the eleven steel gates shortly after nine in the evening, and around 300"
    " households in the lower town were asked to spend the night at the village hall.",
    "“The gates did exactly what they were built to do,” said Marion Achterberg, the agency’s"
    " area manager, standing on the sea wall as the water fell back past the old boatyard.",
    "Water rose to within half a metre of the top of the wall at Fennick Creek, where a pump"
    " failed at two in the morning and was replaced by a mobile unit brought from Harwell.",
    "The second high tide, due at a quarter past ten on Tuesday evening, is expected to be"
    " lower, but the agency kept its severe warning in place for the whole of the Kelvedon"
    " shore and asked residents not to walk along the sea wall until Wednesday.",
]
FERRY = [
    "The Kelvedon ferry will not sail until Thursday after the night’s tide lifted its landing"
    " stage off two of its piles, the operator said, stranding commuters on the far bank.",
    "Divers from the harbour authority inspected the stage at first light and found the"
    " remaining piles sound, but the steel walkway had buckled where it meets the quay.",
    "A replacement bus will run every forty minutes from the Fennick Creek car park to the"
    " station at Maldon Road, a journey of about twenty-five minutes in morning traffic.",
    "Season-ticket holders will be refunded for the days lost, the operator added, and the"
    " stage will be towed to the boatyard at Brightlingsea for repair once the tides ease.",
]
SCHOOLS = [
    "Four primary schools on the Kelvedon shore stayed closed on Tuesday because the roads to"
    " them were under water at the morning tide, the county council said.",
    "Head teachers were told late on Monday evening, and parents received text messages before"
    " six in the morning; the council said the schools should reopen on Wednesday.",
    "At St Osyth’s, where the playground flooded in the storm of 2013, staff moved the library"
    " books to the first floor on Monday afternoon as a precaution against the water.",
    "Bus companies running school routes across the marsh said they would wait for the"
    " council’s road report at five each morning before deciding whether to run at all.",
]


def page(title: str, paragraphs: list[str], *, charset: str = "utf-8", extra: str = "") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="{charset}">'
        f"<title>{title} | Estuary Herald</title>{extra}</head><body>"
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>© Estuary Herald</footer></body></html>"
    )


def rss(site: Site, items: list[dict[str, str]], title: str = "Estuary Herald") -> str:
    entries = []
    for item in items:
        content = (
            f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>"
            if "content" in item
            else ""
        )
        entries.append(
            f"<item><title>{item['title']}</title><link>{site.url(item['path'])}</link>"
            f"<guid>{site.url(item['path'])}</guid><pubDate>{item['date']}</pubDate>"
            f"<dc:creator>{item.get('author', 'Staff reporter')}</dc:creator>"
            f"<description>{item['summary']}</description>{content}</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{title}</title><link>{site.base}/</link><description>News</description>"
        + "".join(entries)
        + "</channel></rss>"
    )


def html_paragraphs(paragraphs: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


@pytest.fixture(scope="module")
def server() -> Iterator[Site]:
    with serve() as site:
        yield site


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """storylens honours the proxy variables; the loopback server must be reached directly."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("all_proxy", raising=False)


@pytest.fixture
def site(server: Site) -> Site:
    server.routes.clear()
    server.log.clear()
    server.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    return server


def fetch_settings(**values: Any) -> Settings:
    return load_settings(overrides={**FAST, **values}, environ={}, config_file=None)


def run(store: Store, inputs: list[str], **values: Any) -> IngestReport:
    return ingest(store, inputs, fetch_settings(**values))


def stored(store: Store) -> list[dict[str, Any]]:
    rows = store.conn.execute(
        "SELECT url, title, origin, format, outlet, authors, published, paragraphs, notes"
        " FROM articles ORDER BY title"
    )
    return [dict(r) for r in rows]


def problems(store: Store) -> dict[str, str]:
    return {r[0]: r[1] for r in store.conn.execute("SELECT origin, reason FROM problems")}


def test_is_url() -> None:
    assert is_url("https://estuary-herald.example/news/tide")
    assert is_url("HTTP://127.0.0.1:8000/feed.xml")
    assert not is_url("examples/corpus")
    assert not is_url("https://")
    assert not is_url("ftp://example.org/feed.xml")
    # find_sources alone (no store, no fetcher) names a URL a problem rather than a missing file
    [found] = list(find_sources(["https://estuary-herald.example/feed.xml"]))
    assert isinstance(found, Problem) and found.reason.startswith("a URL: fetched only by")


def test_a_page_is_stored_with_its_url_a_clear_user_agent_and_a_record(
    site: Site, store: Store
) -> None:
    site.page("/news/barrier-holds", page("Barrier holds as Kelvedon Marsh braces", BARRIER))
    report = run(store, [site.url("/news/barrier-holds")])
    assert (report.counts.added, report.counts.problems) == (1, 0)
    [article] = stored(store)
    assert article["title"] == "Barrier holds as Kelvedon Marsh braces"
    assert article["origin"] == site.url("/news/barrier-holds")
    assert article["url"] == site.url("/news/barrier-holds").replace("http://", "https://")
    assert "Marion Achterberg" in article["paragraphs"]
    assert "Home" not in article["paragraphs"]  # the page's navigation is not the report
    [request] = site.hits("/news/barrier-holds")
    assert request.headers["User-Agent"].startswith("storylens/0.")
    assert "(+http" in request.headers["User-Agent"]
    assert "gzip" in request.headers["Accept-Encoding"]
    fetched = {r["url"]: r for r in list_fetches(store)}
    record = fetched[site.url("/news/barrier-holds")]
    assert record["run_id"] == report.run_id
    assert (record["status"], record["outcome"], record["kind"]) == (200, "fetched", "page")
    assert record["bytes"] == len(page("Barrier holds as Kelvedon Marsh braces", BARRIER).encode())
    assert fetched[site.url("/robots.txt")]["kind"] == "robots"


def test_the_user_agent_is_a_setting(site: Site, store: Store) -> None:
    site.page("/news/barrier-holds", page("Barrier holds", BARRIER))
    run(store, [site.url("/news/barrier-holds")], **{"fetch.user_agent": "herald-archive/2.1"})
    assert site.hits("/news/barrier-holds")[0].headers["User-Agent"] == "herald-archive/2.1"


def feed_items(site: Site) -> list[dict[str, str]]:
    return [
        {
            "title": "Barrier holds as Kelvedon Marsh braces for second tide",
            "path": "/news/barrier-holds",
            "date": "Tue, 14 Jan 2025 07:30:00 GMT",
            "author": "Ruth Okafor",
            "summary": "The barrier held through the night.",
            "content": html_paragraphs(BARRIER),
        },
        {
            "title": "Ferry suspended after tide lifts landing stage",
            "path": "/news/ferry-suspended",
            "date": "Tue, 14 Jan 2025 09:05:00 GMT",
            "summary": "No sailings until Thursday.",
            "content": html_paragraphs(FERRY),
        },
    ]


def test_an_unchanged_feed_costs_one_304(site: Site, store: Store) -> None:
    site.page("/feed.xml", rss(site, feed_items(site)), "application/rss+xml", {"ETag": '"tide-1"'})
    first = run(store, [site.url("/feed.xml")])
    assert (first.counts.added, first.counts.problems) == (2, 0)
    articles = stored(store)
    assert {a["format"] for a in articles} == {"rss"}
    assert {a["outlet"] for a in articles} == {"Estuary Herald"}
    barrier = next(a for a in articles if a["title"].startswith("Barrier"))
    assert json.loads(barrier["authors"]) == ["Ruth Okafor"]
    assert barrier["published"] == "2025-01-14T07:30:00+00:00"
    assert barrier["origin"] == site.url("/news/barrier-holds")
    # full content in the feed (the ferry's is a short brief, 116 words): no page fetched
    assert [p for p in site.paths() if p.startswith("/news/")] == []

    before = len(site.log)
    second = run(store, [site.url("/feed.xml")])
    assert (second.counts.added, second.counts.unchanged, second.counts.problems) == (0, 0, 0)
    assert site.paths()[before:] == ["/feed.xml"]  # one request: robots.txt is remembered
    assert site.hits("/feed.xml")[1].headers["If-None-Match"] == '"tide-1"'
    [feed_row] = list_fetches(store)
    assert (feed_row["kind"], feed_row["status"], feed_row["outcome"]) == (
        "feed",
        304,
        "not_modified",
    )

    # one fetcher polling twice (as `watch` does): two requests, both a 304
    before = len(site.log)
    with Fetcher(store, fetch_settings()) as fetcher:
        assert list(fetcher.sources(site.url("/feed.xml"))) == []
        assert list(fetcher.sources(site.url("/feed.xml"))) == []
    assert site.paths()[before:] == ["/feed.xml", "/feed.xml"]

    # robots.txt is trusted for a day, then asked again
    with store.transaction() as conn:
        conn.execute("UPDATE fetch_cache SET updated_at='2025-01-13T07:00:00+00:00'")
    before = len(site.log)
    run(store, [site.url("/feed.xml")])
    assert site.paths()[before:] == ["/robots.txt", "/feed.xml"]


def test_last_modified_is_sent_back_and_a_changed_feed_brings_only_new_items(
    site: Site, store: Store
) -> None:
    stamp = "Tue, 14 Jan 2025 09:10:00 GMT"
    items = feed_items(site)
    site.page("/feed.xml", rss(site, items), "application/rss+xml", {"Last-Modified": stamp})
    assert run(store, [site.url("/feed.xml")]).counts.added == 2
    later = "Tue, 14 Jan 2025 11:00:00 GMT"
    schools = {
        "title": "Four schools shut as roads flood",
        "path": "/news/schools-shut",
        "date": "Tue, 14 Jan 2025 10:40:00 GMT",
        "summary": "Roads under water.",
        "content": html_paragraphs(SCHOOLS),
    }
    site.page(
        "/feed.xml", rss(site, [schools, *items]), "application/rss+xml", {"Last-Modified": later}
    )
    report = run(store, [site.url("/feed.xml")])
    assert site.hits("/feed.xml")[1].headers["If-Modified-Since"] == stamp
    assert (report.counts.added, report.counts.unchanged) == (1, 0)  # the two known: skipped
    assert len(stored(store)) == 3
    [feed_row] = [r for r in list_fetches(store) if r["kind"] == "feed"]
    assert feed_row["detail"] == "3 items: 1 new, 2 already stored"


def test_a_feed_of_summaries_has_each_link_fetched_for_the_full_text(
    site: Site, store: Store
) -> None:
    items = [
        {**item, "summary": item["summary"] + " Read more on the site."}
        for item in feed_items(site)
    ]
    for item in items:
        del item["content"]
    items[1]["author"] = "Dev Pillai"
    site.page("/summaries.xml", rss(site, items), "application/rss+xml")
    site.page("/news/barrier-holds", page(items[0]["title"], BARRIER))
    site.page("/news/ferry-suspended", page(items[1]["title"], FERRY))
    report = run(store, [site.url("/summaries.xml")])
    assert (report.counts.added, report.counts.problems) == (2, 0)
    by_title = {a["title"]: a for a in stored(store)}
    ferry = by_title["Ferry suspended after tide lifts landing stage"]
    assert "replacement bus will run every forty minutes" in ferry["paragraphs"]
    body = [text for text, kind in json.loads(ferry["paragraphs"]) if kind == "body"]
    assert body == FERRY
    assert ferry["format"] == "html"
    # what the page lacks, the feed gives: the author and the date
    assert json.loads(ferry["authors"]) == ["Dev Pillai"]
    assert ferry["published"] == "2025-01-14T09:05:00+00:00"
    assert any("full text fetched from the link" in n for n in json.loads(ferry["notes"]))
    assert site.paths().count("/news/ferry-suspended") == 1
    kinds = sorted(r["kind"] for r in list_fetches(store))
    assert kinds == ["feed", "item", "item", "robots"]

    # polled again: the feed answers (no validators), the stored items are not fetched again
    again = run(store, [site.url("/summaries.xml")])
    assert again.counts.added == 0
    assert site.paths().count("/news/ferry-suspended") == 1


def test_a_summary_whose_page_fails_is_stored_with_a_note(site: Site, store: Store) -> None:
    [item] = [dict(feed_items(site)[1], path="/private/ferry")]
    del item["content"]
    site.page("/summaries.xml", rss(site, [item]), "application/rss+xml")
    report = run(store, [site.url("/summaries.xml")])
    assert (report.counts.added, report.counts.problems) == (1, 0)
    [article] = stored(store)
    assert json.loads(article["paragraphs"])[0][0] == "No sailings until Thursday."
    notes = json.loads(article["notes"])
    assert any("full text not fetched" in n and "robots.txt" in n for n in notes), notes
    assert "/private/ferry" not in site.paths()


def test_atom_and_json_feeds(site: Site, store: Store) -> None:
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>County Gazette</title><id>urn:gazette</id><updated>2025-01-14T10:00:00Z</updated>"
        f'<entry><title>Four schools shut as roads flood</title><link href="{site.url("/s")}"/>'
        "<id>urn:gazette:1</id><updated>2025-01-14T10:40:00Z</updated>"
        "<author><name>Amy Strand</name></author>"
        f'<content type="html"><![CDATA[{html_paragraphs(SCHOOLS)}]]></content></entry></feed>'
    )
    site.page("/atom.xml", atom, "application/atom+xml")
    json_feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Marsh Radio",
        "items": [
            {
                "id": "ferry-1",
                "url": site.url("/radio/ferry"),
                "title": "Ferry off until Thursday",
                "content_html": html_paragraphs(FERRY),
                "date_published": "2025-01-14T09:30:00Z",
                "authors": [{"name": "Kit Morrow"}],
            }
        ],
    }
    site.page("/feed.json", json.dumps(json_feed), "application/feed+json")
    report = run(store, [site.url("/atom.xml"), site.url("/feed.json")])
    assert (report.counts.added, report.counts.problems) == (2, 0)
    by_title = {a["title"]: a for a in stored(store)}
    assert by_title["Four schools shut as roads flood"]["format"] == "atom"
    assert by_title["Four schools shut as roads flood"]["outlet"] == "County Gazette"
    radio = by_title["Ferry off until Thursday"]
    assert (radio["format"], radio["outlet"]) == ("jsonfeed", "Marsh Radio")
    assert json.loads(radio["authors"]) == ["Kit Morrow"]


def test_redirects_are_followed_bounded_and_loops_refused(site: Site, store: Store) -> None:
    site.redirect("/r/1", "/r/2")
    site.redirect("/r/2", site.url("/news/barrier-holds"), 302)
    site.page("/news/barrier-holds", page("Barrier holds", BARRIER))
    for n in range(7):
        site.redirect(f"/chain/{n}", f"/chain/{n + 1}", 307)
    site.redirect("/loop/a", "/loop/b")
    site.redirect("/loop/b", "/loop/a")
    report = run(store, [site.url("/r/1"), site.url("/chain/0"), site.url("/loop/a")])
    assert report.counts.added == 1
    [article] = stored(store)
    assert article["url"].endswith("/news/barrier-holds")
    assert article["origin"] == site.url("/r/1")
    found = problems(store)
    assert found[site.url("/chain/0")].startswith("too many redirects (over 5)")
    assert found[site.url("/loop/a")].startswith("redirect loop")
    assert site.paths().count("/chain/6") == 0  # stopped after five
    assert site.paths().count("/loop/a") == 1
    record = next(r for r in list_fetches(store) if r["url"] == site.url("/r/1"))
    assert record["redirects"] == 2
    assert record["final_url"] == site.url("/news/barrier-holds")


def test_503_with_retry_after_then_200(site: Site, store: Store) -> None:
    busy = lambda h: h.answer(503, b"busy", {"Retry-After": "1"})  # noqa: E731
    ok = lambda h: h.answer(200, page("Barrier holds", BARRIER).encode())  # noqa: E731
    site.sequence("/news/barrier-holds", busy, ok)
    report = run(store, [site.url("/news/barrier-holds")])
    assert (report.counts.added, report.counts.problems) == (1, 0)
    first, second = site.hits("/news/barrier-holds")
    assert second.at - first.at >= 0.95  # Retry-After: 1 waited, not the 0.05 s backoff
    record = next(r for r in list_fetches(store) if r["kind"] == "page")
    assert (record["status"], record["retries"]) == (200, 1)


def test_429_with_an_http_date_then_200_and_a_wait_over_the_cap(site: Site, store: Store) -> None:
    def limited(h: Handler) -> None:
        h.answer(429, b"slow down", {"Retry-After": formatdate(time.time() + 2, usegmt=True)})

    ok = lambda h: h.answer(200, page("Ferry suspended", FERRY).encode())  # noqa: E731
    site.sequence("/news/ferry", limited, ok)
    site.routes["/news/later"] = lambda h: h.answer(429, b"", {"Retry-After": "3600"})
    report = run(store, [site.url("/news/ferry"), site.url("/news/later")])
    assert report.counts.added == 1
    first, second = site.hits("/news/ferry")
    assert second.at - first.at >= 0.9
    reason = problems(store)[site.url("/news/later")]
    assert "retry after 3600 s" in reason
    assert len(site.hits("/news/later")) == 1  # not retried against the server's wish


def test_parse_retry_after() -> None:
    now = 1_736_841_600.0  # Tue, 14 Jan 2025 08:00:00 GMT
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Tue, 14 Jan 2025 08:01:30 GMT", now=now) == 90.0
    assert parse_retry_after("Tue, 14 Jan 2025 07:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_5xx_is_retried_with_backoff_then_a_problem(site: Site, store: Store) -> None:
    site.routes["/news/broken"] = lambda h: h.answer(500, b"oops")
    report = run(store, [site.url("/news/broken")], **{"fetch.backoff": 0.2})
    assert report.counts.problems == 1
    assert problems(store)[site.url("/news/broken")] == "HTTP 500 Internal Server Error" + (
        " (after 2 retries)"
    )
    hits = site.hits("/news/broken")
    assert len(hits) == 3
    assert hits[1].at - hits[0].at >= 0.2  # fetch.backoff
    assert hits[2].at - hits[1].at >= 0.4  # then twice as long


def test_bodies_over_the_cap_are_stopped(site: Site, store: Store) -> None:
    big = page("Barrier holds", BARRIER * 300)  # about 270 kB

    def no_length(h: Handler) -> None:  # HTTP/1.0: the body ends when the connection closes
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.end_headers()
        h.wfile.write(big.encode())

    site.routes["/big/streamed"] = no_length
    site.page("/big/declared", big)
    site.page(
        "/big/bomb",
        gzipped(big + " " * 5_000_000),
        headers={"Content-Encoding": "gzip"},
    )
    site.page("/small", page("Ferry suspended", FERRY))
    urls = [site.url(p) for p in ("/big/streamed", "/big/declared", "/big/bomb", "/small")]
    report = run(store, urls, **{"fetch.max_mb": 0.1})
    assert report.counts.added == 1
    found = problems(store)
    assert "over the limit of 0.1 MB" in found[site.url("/big/declared")]
    assert "declares 0.3 MB" in found[site.url("/big/declared")]
    assert "is over 0.1" in found[site.url("/big/streamed")]
    assert "is over 0.1" in found[site.url("/big/bomb")]  # 5 MB after gzip: stopped early


def test_robots_txt_is_respected_unless_ignored(site: Site, tmp_path: Path) -> None:
    site.page("/private/draft", page("Draft: barrier", BARRIER))
    site.redirect("/go/draft", "/private/draft")
    urls = [site.url("/private/draft"), site.url("/go/draft")]
    with Store(tmp_path / "a.db") as store:
        report = run(store, urls)
        assert report.counts.added == 0
        found = problems(store)
        assert found[site.url("/private/draft")] == (
            f"robots.txt of {site.base.removeprefix('http://')} disallows /private/draft for"
            " storylens"
        )
        assert "disallows /private/draft" in found[site.url("/go/draft")]  # checked per hop
        assert {r["outcome"] for r in list_fetches(store) if r["kind"] == "page"} == {"refused"}
    assert "/private/draft" not in site.paths()
    assert site.paths().count("/robots.txt") == 1  # cached per host for the run
    with Store(tmp_path / "b.db") as store:
        report = ingest(store, urls[:1], fetch_settings(), ignore_robots=True)
        assert report.counts.added == 1
    assert site.paths().count("/robots.txt") == 1


def test_a_gzipped_page_and_charsets_from_headers_and_meta(site: Site, store: Store) -> None:
    site.page(
        "/news/gzip", gzipped(page("Barrier holds", BARRIER)), headers={"Content-Encoding": "gzip"}
    )
    cafe = ["The café on Fennick Creek — “Marsh Tea Rooms” — served 200 breakfasts.", *FERRY]
    latin = page("Tea rooms open", cafe, charset="iso-8859-1").encode("cp1252")
    site.page("/news/latin", latin, "text/html; charset=iso-8859-1")
    # the header lies (UTF-8), the page's meta tells the truth (windows-1252)
    meta = page("Tea rooms, meta", cafe, charset="windows-1252").encode("cp1252")
    site.page("/news/meta", meta, "text/html; charset=utf-8")
    # labelled ISO-8859-1 but really UTF-8: read as UTF-8, not as mojibake
    mislabelled = page("Tea rooms, mislabelled", cafe).encode("utf-8")
    site.page("/news/mislabelled", mislabelled, "text/html; charset=ISO-8859-1")
    paths = ["/news/gzip", "/news/latin", "/news/meta", "/news/mislabelled"]
    report = run(store, [site.url(p) for p in paths])
    assert (report.counts.added, report.counts.problems) == (4, 0), report.problems
    by_title = {a["title"]: a for a in stored(store)}
    assert "Marion Achterberg" in by_title["Barrier holds"]["paragraphs"]
    for title in ("Tea rooms open", "Tea rooms, meta", "Tea rooms, mislabelled"):
        text = json.loads(by_title[title]["paragraphs"])[1][0]
        assert text.startswith("The café on Fennick Creek — “Marsh Tea Rooms”"), (title, text)
    notes = {t: " ".join(json.loads(a["notes"])) for t, a in by_title.items()}
    assert "declared by the Content-Type header" in notes["Tea rooms open"]
    assert "declared by the document" in notes["Tea rooms, meta"]
    assert "labelled iso-8859-1" in notes["Tea rooms, mislabelled"]
    # a feed in ISO-8859-1, said only by its XML declaration; its links relative to it
    latin_feed = (
        rss(site, [{**feed_items(site)[0], "title": "Café barrier", "path": "/news/cafe"}])
        .replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
        .replace(site.url("/news/cafe"), "/news/cafe")
        .encode("cp1252")
    )
    site.page("/latin.xml", latin_feed, "application/rss+xml")
    assert run(store, [site.url("/latin.xml")]).counts.added == 1
    cafe_row = next(a for a in stored(store) if a["title"] == "Café barrier")
    assert cafe_row["url"] == site.url("/news/cafe").replace("http://", "https://")
    gzip_row = next(r for r in list_fetches(store, report.run_id) if r["url"].endswith("/gzip"))
    assert gzip_row["bytes"] == len(page("Barrier holds", BARRIER).encode())  # decoded size


def test_a_stalling_server_times_out_and_a_slow_drip_hits_the_deadline(
    site: Site, store: Store
) -> None:
    def stall(h: Handler) -> None:
        time.sleep(5.0)
        h.answer(200, page("Too late", BARRIER).encode())

    def drip(h: Handler) -> None:
        body = page("Dripping", BARRIER).encode()
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        for i in range(0, len(body), 100):
            h.wfile.write(body[i : i + 100])
            h.wfile.flush()
            time.sleep(0.1)

    site.routes["/slow/stall"] = stall
    site.routes["/slow/drip"] = drip
    started = time.monotonic()
    run(
        store,
        [site.url("/slow/stall"), site.url("/slow/drip")],
        **{"fetch.read_timeout": 0.3, "fetch.max_seconds": 0.5},
    )
    assert time.monotonic() - started < 4.0  # neither the stall nor the whole drip waited
    found = problems(store)
    assert found[site.url("/slow/stall")].startswith("timed out waiting for 127.0.0.1")
    assert found[site.url("/slow/drip")].startswith("the answer took over 0.5 s")
    assert len(site.hits("/slow/stall")) == 1  # a read timeout is not retried


def test_failures_are_problems_naming_the_url(site: Site, store: Store, tmp_path: Path) -> None:
    site.page("/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
    site.page("/notes.txt", "Just some notes, not a report.", "text/plain")
    site.page("/gone", "<html><body>gone</body></html>", status=410)
    closed = f"http://127.0.0.1:{_closed_port()}/feed.xml"
    tls = site.url("/news/barrier-holds").replace("http://", "https://")
    report_file = tmp_path / "report.txt"
    report_file.write_text("date 2025-01-14\n" + "\n\n".join(SCHOOLS), encoding="utf-8")
    inputs = [
        site.url("/missing"), site.url("/logo.png"), site.url("/notes.txt"), site.url("/gone"),
        closed, tls, str(report_file),
    ]  # fmt: skip
    report = run(store, inputs)
    assert (report.counts.added, report.counts.problems) == (1, 6)  # the file is read
    found = problems(store)
    assert found[site.url("/missing")] == "HTTP 404 Not Found"
    assert found[site.url("/logo.png")] == (
        "not a page or a feed: "
        f"{site.base.removeprefix('http://')} sent image/png, which storylens does not read"
    )
    assert found[site.url("/notes.txt")].startswith("not a page or a feed")
    assert found[site.url("/gone")] == "HTTP 410 Gone"
    assert found[closed].startswith("cannot connect to 127.0.0.1")
    assert found[tls].startswith("TLS error talking to 127.0.0.1")
    records = {r["url"]: r for r in list_fetches(store)}
    # a refused connection is retried (here on robots.txt, asked first; the page then fails
    # with the same reason rather than "robots.txt could not be read")
    assert records[closed.replace("/feed.xml", "/robots.txt")]["retries"] == 2
    assert records[closed]["detail"] == found[closed]
    assert records[tls]["retries"] == 0
    assert report.exit_code == 3


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_validators_are_kept_only_once_the_items_are_stored(site: Site, store: Store) -> None:
    site.page("/feed.xml", rss(site, feed_items(site)), "application/rss+xml", {"ETag": '"tide-1"'})
    with Fetcher(store, fetch_settings()) as fetcher:
        found = list(fetcher.sources(site.url("/feed.xml")))
        assert all(isinstance(f, Source) for f in found) and len(found) == 2
        # the run died here: nothing saved, so the next poll must not be a 304
    report = run(store, [site.url("/feed.xml")])
    assert report.counts.added == 2
    assert "If-None-Match" not in site.hits("/feed.xml")[1].headers


def test_cli_ingests_urls_and_lists_fetches(site: Site, tmp_path: Path) -> None:
    site.page("/news/barrier-holds", page("Barrier holds", BARRIER))
    site.page("/private/x", page("Private", FERRY))
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    result = runner.invoke(
        app, ["ingest", site.url("/news/barrier-holds"), site.url("/private/x"), "--db", db]
    )
    assert result.exit_code == 3, result.output
    assert "2 URLs fetched (0 not modified)" in result.stdout
    assert "robots.txt" in result.stdout
    result = runner.invoke(app, ["ingest", site.url("/private/x"), "--db", db, "--ignore-robots"])
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(app, ["fetches", "--db", db, "--json"]).stdout)
    assert [(r["url"], r["outcome"]) for r in listed] == [(site.url("/private/x"), "fetched")]
    first = json.loads(runner.invoke(app, ["fetches", "--db", db, "--run", "1", "--json"]).stdout)
    assert {r["outcome"] for r in first} == {"fetched", "refused"}
    table = runner.invoke(app, ["fetches", "--db", db, "--run", "1"]).stdout
    assert "refused" in table and "robots" in table


def test_a_dns_failure_is_named_as_one() -> None:
    """httpx raises ConnectError from the resolver's gaierror; the resolver is asked here with
    AI_NUMERICHOST, so it fails at once without a query leaving the machine."""
    import socket

    import httpx

    from storylens.ingest.client import FetchOptions, describe

    try:
        try:
            socket.getaddrinfo("estuary-herald.invalid", 80, flags=socket.AI_NUMERICHOST)
        except socket.gaierror as exc:
            raise httpx.ConnectError(str(exc)) from exc
    except httpx.ConnectError as exc:
        error = describe(exc, "https://estuary-herald.invalid/feed.xml", FetchOptions())
    assert error.message == "host estuary-herald.invalid not found (DNS lookup failed)"


def test_a_crawl_delay_spaces_the_requests_to_a_host(site: Site, store: Store) -> None:
    site.page("/robots.txt", "User-agent: storylens\nCrawl-delay: 1\n", "text/plain")
    site.page("/news/barrier-holds", page("Barrier holds", BARRIER))
    site.page("/news/ferry", page("Ferry suspended", FERRY))
    report = run(store, [site.url("/news/barrier-holds"), site.url("/news/ferry")])
    assert report.counts.added == 2
    [first], [second] = site.hits("/news/barrier-holds"), site.hits("/news/ferry")
    assert second.at - first.at >= 0.95


def test_a_teaser_is_completed_and_a_long_description_is_the_text(site: Site, store: Store) -> None:
    items = [
        {
            "title": "Four schools shut as roads flood",
            "path": "/news/schools-shut",
            "date": "Tue, 14 Jan 2025 10:40:00 GMT",
            "summary": "Roads under water.",
            "content": "<p>Four schools stayed closed on Tuesday. Continue reading…</p>",
        },
        {
            "title": "Barrier holds as Kelvedon Marsh braces for second tide",
            "path": "/news/barrier-holds",
            "date": "Tue, 14 Jan 2025 07:30:00 GMT",
            "summary": "<![CDATA[" + html_paragraphs(BARRIER) + "]]>",  # 170 words, no content
        },
    ]
    site.page("/feed.xml", rss(site, items), "application/rss+xml")
    site.page("/news/schools-shut", page("Four schools shut as roads flood", SCHOOLS))
    report = run(store, [site.url("/feed.xml")])
    assert (report.counts.added, report.counts.problems) == (2, 0)
    assert site.paths().count("/news/schools-shut") == 1
    assert "/news/barrier-holds" not in site.paths()
    by_title = {a["title"]: a for a in stored(store)}
    assert "St Osyth" in by_title["Four schools shut as roads flood"]["paragraphs"]
    barrier = by_title["Barrier holds as Kelvedon Marsh braces for second tide"]
    assert "Marion Achterberg" in barrier["paragraphs"]
    assert barrier["format"] == "rss"


def test_an_interrupted_run_keeps_its_fetch_records_but_not_the_validators(
    site: Site, store: Store
) -> None:
    site.page("/feed.xml", rss(site, feed_items(site)), "application/rss+xml", {"ETag": '"tide-1"'})

    def ctrl_c(done: int, total: int | None, counts: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest(store, [site.url("/feed.xml")], fetch_settings(), progress=ctrl_c)
    status = store.conn.execute("SELECT status FROM runs").fetchone()[0]
    assert status == "interrupted"
    assert [r["outcome"] for r in list_fetches(store) if r["kind"] == "feed"] == ["fetched"]
    etags = store.conn.execute("SELECT etag FROM fetch_cache WHERE etag IS NOT NULL")
    assert etags.fetchall() == []
    report = run(store, [site.url("/feed.xml")])  # fetched whole again: nothing lost
    assert report.counts.added == 2
    assert "If-None-Match" not in site.hits("/feed.xml")[1].headers
