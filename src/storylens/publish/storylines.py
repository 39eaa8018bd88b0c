"""The static site's storyline pages: ``storylines/index.html`` (storylines linking two or
more events, most recently active first) and ``storylines/ID.html`` (its events in order, each
linking to its story page)."""

from __future__ import annotations

from typing import Any, Protocol

from storylens import queries
from storylens.store import Store


class Pages(Protocol):
    def page(self, rel: str, template: str, **context: Any) -> None: ...


def write_storylines(store: Store, w: Pages, story_ids: set[str], min_events: int = 2) -> int:
    """Write the storyline pages; events whose story has no page (below the site's
    ``min_size``) are listed without a link. Returns the number of storylines written."""
    lines, _ = queries.storylines_page(store, limit=1_000_000_000, min_events=min_events)
    for line in lines:
        detail = queries.storyline_detail(store, line["id"])
        w.page(f"storylines/{line['id']}.html", "site_storyline.html", line=detail,
               pages=story_ids)  # fmt: skip
    w.page("storylines/index.html", "site_storylines.html", lines=lines)
    return len(lines)
