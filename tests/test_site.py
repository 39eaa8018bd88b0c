"""The static site: every link relative and resolving to a file, feeds that parse, text escaped."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from storylens.errors import StorylensError
from storylens.publish.site import build_site, slug
from storylens.store import Store

from .conftest import SCRIPT_TITLE


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)


@pytest.fixture(scope="module")
def site(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "out"
    with Store(demo_db, create=False) as store:
        summary = build_site(store, out)
    assert summary.stories >= 12 and summary.outlets >= 6  # 11 example stories, the attacks
    return out


def test_every_link_is_relative_and_resolves(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    assert (site / "index.html") in pages and (site / "outlets" / "index.html") in pages
    assert len(list((site / "stories").glob("*.html"))) >= 12
    checked = 0
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        assert "script" not in parser.tags, page  # the site runs no script at all
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme == "data":
                continue
            assert not parts.scheme and not parts.netloc and not link.startswith("/"), (page, link)
            if parts.path:
                target = (page.parent / parts.path).resolve()
                assert target.is_file(), (page, link)
                checked += 1
            if parts.fragment and parts.fragment.startswith("a-"):
                target = (page.parent / parts.path).resolve() if parts.path else page
                assert f'id="{parts.fragment}"' in target.read_text(encoding="utf-8")
    assert checked > 100


def test_feeds_parse(site: Path) -> None:
    overall = feedparser.parse((site / "feed.xml").read_bytes())
    assert not overall.bozo, overall.get("bozo_exception")
    assert len(overall.entries) >= 12
    first = overall.entries[0]
    assert first.link.startswith("stories/") and (site / first.link).is_file()
    assert first.id.startswith("urn:storylens:story:")
    feeds = list((site / "stories").glob("*.xml"))
    assert len(feeds) == len(list((site / "stories").glob("*.html")))
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert feed.entries and all(e.link.startswith(path.stem + ".html#a-") for e in feed.entries)


def test_text_is_escaped(site: Path) -> None:
    pages = [p.read_text(encoding="utf-8") for p in (site / "stories").glob("*.html")]
    attacked = [p for p in pages if "window.__pwned=1" in p]
    assert attacked
    for html in attacked:
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
        assert "<script" not in html and "<img" not in html
    assert "Evil &lt;b&gt;Gazette&lt;/b&gt;" in (site / "outlets" / "index.html").read_text()
    # the attack's title survives as text in its story's feed
    titles = [
        e.title for f in (site / "stories").glob("*.xml") for e in feedparser.parse(f).entries
    ]
    assert SCRIPT_TITLE.split(" on Monday")[0][:60] in " ".join(titles)


def test_rebuild_in_place_and_refuse_a_foreign_folder(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    with Store(demo_db, create=False) as store:
        build_site(store, out, min_size=3)
        small = len(list((out / "stories").glob("*.html")))
        build_site(store, out)  # rebuilt in place, no stale pages left behind or missing
        assert len(list((out / "stories").glob("*.html"))) > small
        foreign = tmp_path / "photos"
        foreign.mkdir()
        (foreign / "holiday.jpg").write_bytes(b"\xff\xd8")
        with pytest.raises(StorylensError, match="not empty"):
            build_site(store, foreign)
    assert slug("Evil <b>Gazette</b>") != slug("Evil Gazette")


def test_cli_site_and_serve_errors(demo_db: Path, tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "storylens"]
    done = subprocess.run(
        [*cli, "site", str(tmp_path / "out"), "--db", str(demo_db), "--min-size", "2"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "stories" in done.stdout and "index.html" in done.stdout
    missing = subprocess.run(
        [*cli, "serve", "--db", str(tmp_path / "absent.db")], capture_output=True, text=True
    )
    assert missing.returncode == 1
    assert "Error:" in missing.stderr and "Hint:" in missing.stderr


class Anchors(Links):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.classes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super().handle_starttag(tag, attrs)
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name == "class" and value:
                self.classes.append(value)


def test_story_pages_carry_the_comparison(site: Path) -> None:
    """The biggest story's page: summary, facts × outlets coloured by status, timeline; every
    sentence link is an anchor of a paragraph on the same page."""
    pages = sorted((site / "stories").glob("*.html"), key=lambda p: -p.stat().st_size)
    html = pages[0].read_text(encoding="utf-8")
    assert "<h2>Summary</h2>" in html and "<h2>Timeline</h2>" in html
    parser = Anchors()
    parser.feed(html)
    assert any("cell st-agree" in c for c in parser.classes)
    # the statuses of the example corpus's events: a conflict (the rally's injured officers),
    # an update (the ships queued offshore), compatible figures
    every = " ".join(p.read_text(encoding="utf-8") for p in pages)
    for status in ("conflict", "update", "compatible"):
        assert f"cell st-{status}" in every, status
    fragments = [link[1:] for link in parser.links if link.startswith("#")]
    assert sum(f.startswith("p-") for f in fragments) >= 20
    assert all(f in parser.ids for f in fragments), set(fragments) - parser.ids
