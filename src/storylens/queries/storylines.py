"""Read queries for storylines: events (stories) linked over days to months."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from storylens.errors import NotFoundError
from storylens.store import Store
from storylens.store import storylines as table


def storylines_page(
    store: Store, *, limit: int = 50, offset: int = 0, min_events: int = 1
) -> tuple[list[dict[str, Any]], int]:
    """Storylines with at least ``min_events`` events, most recently active first; and how
    many there are in all."""
    rows, total = table.list_storylines(store.conn, limit, offset, min_events)
    return [asdict(r) for r in rows], total


def list_storylines(
    store: Store, limit: int = 50, offset: int = 0, min_events: int = 1
) -> list[dict[str, Any]]:
    return storylines_page(store, limit=limit, offset=offset, min_events=min_events)[0]


def storyline_detail(store: Store, line_id: str) -> dict[str, Any]:
    """A storyline with its events in time order (each: id, title, span, size, outlets)."""
    line = table.get_storyline(store.conn, line_id)
    if line is None:
        raise NotFoundError(
            f"no storyline with id {line_id!r}",
            hint="List storylines with: storylens storylines",
        )
    return {**asdict(line), "timeline": table.events(store.conn, line.id)}


def storyline_of_story(store: Store, story_id: str) -> dict[str, Any] | None:
    """The storyline a story (event) is part of: id, title, events, span; None if none yet."""
    line = table.storyline_of(store.conn, story_id)
    if line is None:
        return None
    return {"id": line.id, "title": line.title, "events": line.events, "size": line.size,
            "first_seen": line.first_seen, "last_seen": line.last_seen}  # fmt: skip
