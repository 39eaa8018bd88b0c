"""The static site: every story with its reports side by side, outlet pages, Atom feeds.

Every link is relative, so the folder works opened from disk, served from any path of any
host, or copied elsewhere. Text is escaped by Jinja2's autoescaping; the pages hold no script.

    OUT/index.html, page-2.html …     stories, most recently active first
    OUT/feed.xml                      Atom: the latest stories
    OUT/stories/ID.html, ID.xml       one story (summary, facts × outlets, timeline, reports),
                                      and its Atom feed of reports
    OUT/outlets/index.html, SLUG.html outlets and their stories
    OUT/storylines/index.html, ID.html storylines (events linked over time) and their events
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storylens import queries
from storylens.errors import StorylensError
from storylens.models import short_hash
from storylens.publish.analysis import SiteLinker, story_view
from storylens.publish.charts import activity_svg
from storylens.publish.coverage import coverage_html, write_blindspots
from storylens.publish.feeds import Entry, atom_feed
from storylens.publish.storylines import write_storylines
from storylens.store import Store

HERE = Path(__file__).parent
MARKER = ".storylens-site"
PER_PAGE = 100
FEED_STORIES = 50


@dataclass(slots=True)
class SiteSummary:
    stories: int
    outlets: int
    files: int


def slug(name: str) -> str:
    """A file name for an outlet: lower-case ASCII words joined by '-', plus a short hash so
    that two names never share one."""
    words = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]
    return f"{words or 'outlet'}-{short_hash(name, 6)}"


def _prepare(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise StorylensError(f"{out} is a file, not a folder", hint="Name a folder for the site.")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise StorylensError(
            f"{out} is not empty and holds no storylens site",
            hint="Name a new or empty folder (a folder storylens wrote is rebuilt in place).",
        )
    for sub in ("stories", "outlets", "storylines"):
        shutil.rmtree(out / sub, ignore_errors=True)
    for old in out.glob("page-*.html"):
        old.unlink()
    (out / "stories").mkdir(parents=True, exist_ok=True)
    (out / "outlets").mkdir(exist_ok=True)
    (out / "storylines").mkdir(exist_ok=True)
    (out / MARKER).write_text("written by storylens site; rebuilt in place\n", encoding="utf-8")


class _Writer:
    """Writes pages (each given its relative way back to the site's root) and feeds."""

    def __init__(self, out: Path) -> None:
        from storylens.publish.templating import environment

        self.out, self.files = out, 0
        self.env = environment("storylens.publish")
        self.env.filters["day"] = lambda iso: iso[:10] if iso else "undated"
        self.env.filters["when"] = lambda iso: (
            iso[:16].replace("T", " ") + " UTC"
            if iso and len(iso) > 10 and iso[11:19] != "00:00:00"
            else (iso[:10] if iso else "undated")
        )

    def page(self, rel: str, template: str, **context: Any) -> None:
        root = "../" * rel.count("/")
        html = self.env.get_template(template).render(root=root, **context)
        self.raw(rel, html.encode("utf-8"))

    def raw(self, rel: str, data: bytes) -> None:
        (self.out / rel).write_bytes(data)
        self.files += 1


def _chart(counts: list[tuple[str, int]], width: int, height: int) -> Any:
    from markupsafe import Markup

    return Markup(activity_svg(counts, width=width, height=height))


def build_site(store: Store, out: Path, *, min_size: int = 1) -> SiteSummary:
    """Write the site into ``out`` (created; a previous storylens site there is replaced)."""
    _prepare(out)
    w = _Writer(out)
    w.raw("style.css", (HERE / "static" / "site.css").read_bytes())
    outlets = queries.list_outlets(store)
    slugs = {o["name"]: slug(o["name"]) for o in outlets}
    stories, total = queries.stories_page(store, limit=1_000_000_000, min_size=min_size)
    days = queries.story_activity(store, [s["id"] for s in stories])
    for s in stories:
        s["chart"] = _chart(days[s["id"]], 120, 24)

    pages = max(1, -(-total // PER_PAGE))
    for n in range(1, pages + 1):
        chunk = stories[(n - 1) * PER_PAGE : n * PER_PAGE]
        name = "index.html" if n == 1 else f"page-{n}.html"
        prev = None if n == 1 else ("index.html" if n == 2 else f"page-{n - 1}.html")
        w.page(name, "site_index.html", stories=chunk, slugs=slugs, page=n, pages=pages,
               prev=prev, next=f"page-{n + 1}.html" if n < pages else None)  # fmt: skip

    for s in stories:
        _story(store, w, s["id"], slugs, days[s["id"]])

    for o in outlets:
        own = [s for s in stories if o["name"] in s["outlets"]]
        w.page(f"outlets/{slugs[o['name']]}.html", "site_outlet.html", outlet=o, stories=own,
               slugs=slugs, chart=_chart(queries.activity(store, o["name"]), 640, 48))  # fmt: skip
    w.page("outlets/index.html", "site_outlets.html", outlets=outlets, slugs=slugs)
    write_storylines(store, w, {s["id"] for s in stories})
    write_blindspots(store, w, {s["id"] for s in stories})

    latest = sorted(stories, key=lambda s: s["last_seen"] or "", reverse=True)[:FEED_STORIES]
    entries = [
        Entry(id=f"urn:storylens:story:{s['id']}", title=s["title"],
              link=f"stories/{s['id']}.html", updated=s["last_seen"],
              summary=f"{s['size']} reports from {', '.join(s['outlets']) or 'unknown outlets'}")
        for s in latest
    ]  # fmt: skip
    feed = atom_feed(feed_id="urn:storylens:stories", title="storylens: latest stories",
                     self_link="feed.xml", alternate="index.html", entries=entries)  # fmt: skip
    w.raw("feed.xml", feed)
    return SiteSummary(stories=len(stories), outlets=len(outlets), files=w.files)


def _story(
    store: Store, w: _Writer, story_id: str, slugs: dict[str, str], days: list[tuple[str, int]]
) -> None:
    """One story's page (every report's text, grouped by outlet) and its Atom feed."""
    from markupsafe import Markup

    from storylens.queries.coverage import coverage, headlines

    detail = queries.story_detail(store, story_id)
    copies = queries.story_copies(store, story_id)
    articles = {r["id"]: queries.find_article(store, r["id"]) for r in detail["reports"]}
    view = story_view(queries.story_analysis(store, story_id), story_id, [], None, SiteLinker())
    w.page(f"stories/{story_id}.html", "site_story.html", story=detail, slugs=slugs,
           articles=articles, copies=copies, copy_of={c["copy"]["id"]: c for c in copies},
           chart=_chart(days, 320, 40), view=view, headlines=headlines(store, detail),
           coverage=Markup(coverage_html(coverage(store, [story_id]))))  # fmt: skip
    entries = [
        Entry(id=f"urn:storylens:article:{a.id}", title=a.title, link=f"{story_id}.html#a-{a.id}",
              updated=a.published.isoformat() if a.published else None,
              summary=next((p.text for p in a.paragraphs if p.kind == "body"), "")[:500],
              author=a.outlet, categories=a.categories)
        for a in articles.values()
    ]  # fmt: skip
    w.raw(f"stories/{story_id}.xml", atom_feed(
        feed_id=f"urn:storylens:story:{story_id}", title=detail["title"],
        self_link=f"{story_id}.xml", alternate=f"{story_id}.html", entries=entries))  # fmt: skip
