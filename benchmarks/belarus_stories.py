"""Story coherence on real news: the Belarus coverage of finescoop (31 Aug – 29 Sep 2020).

Ingests the corpus, builds the stories (events) and storylines, and prints every storyline
holding a report whose title names Belarus, Lukashenko, Minsk or an opposition leader: how
many such reports it has, its events in order (span, size, title) and what else is in it;
then the longest span of any event; then the story of the spoof-Nobel report, which mentions
Nobel like the Alexievich coverage but must stay out of it.

    python benchmarks/belarus_stories.py [--corpus …/posts.tar.gz] [--set KEY=VALUE]
"""

from __future__ import annotations

import sys
from collections import defaultdict

import finescoop

from storylens.pipeline import build_stories, ingest
from storylens.store import Store

NAMES = ("Belarus", "Lukashenko", "Minsk", "Tsikhanouskaya", "Kolesnikova")
SPOOF = "Frozen poo knife among the highlights of spoof Nobel awards"


def about_belarus(title: str) -> bool:
    return any(name in title for name in NAMES)


def main() -> int:
    args = finescoop.parser(__doc__ or "").parse_args()
    settings = finescoop.settings()
    with finescoop.unpacked(args.corpus) as (posts, tmp), Store(tmp / "belarus.db") as store:
        ingest(store, [str(posts)], settings)
        build_stories(store, settings, rebuild=True)
        rows = store.conn.execute(
            "SELECT e.storyline_id, m.story_id, a.title, a.published FROM story_members m"
            " JOIN articles a ON a.id = m.article_id"
            " JOIN storyline_events e ON e.story_id = m.story_id ORDER BY a.published, a.id"
        ).fetchall()
        longest = store.conn.execute(
            "SELECT julianday(last_seen) - julianday(first_seen) AS days, id, size, title"
            " FROM stories ORDER BY days DESC LIMIT 1"
        ).fetchone()
    lines: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for line_id, story_id, title, published in rows:
        lines[line_id][story_id].append((title, published or ""))
    touched = {
        line
        for line, events in lines.items()
        if any(about_belarus(t) for items in events.values() for t, _ in items)
    }
    print(f"{sum(about_belarus(r[2]) for r in rows)} reports name Belarus in their title,")
    print(f"in {len(touched)} storylines:")

    def named(line: str) -> int:
        return sum(about_belarus(t) for items in lines[line].values() for t, _ in items)

    for line_id in sorted(touched, key=lambda s: (-named(s), s)):
        events = lines[line_id]
        reports = [x for items in events.values() for x in items]
        dates = sorted(d for _, d in reports if d)
        print(
            f"- storyline {line_id}: {named(line_id)} of {len(reports)} reports name Belarus,"
            f" {len(events)} events, {dates[0][:10] if dates else '?'}"
            f" → {dates[-1][:10] if dates else '?'}"
        )
        for story_id, items in sorted(events.items(), key=lambda kv: (kv[1][0][1], kv[0])):
            mark = "" if any(about_belarus(t) for t, _ in items) else "  (no title names Belarus)"
            print(
                f"    event {story_id}: {items[0][1][:10]} → {items[-1][1][:10]},"
                f" {len(items)} reports: {items[0][0][:70]}{mark}"
            )
    print(
        f"longest event: {longest[0]:.1f} days ({longest[1]}, {longest[2]} reports: "
        f"{longest[3][:70]})"
    )
    for line_id, events in lines.items():
        for story_id, items in events.items():
            if any(t == SPOOF for t, _ in items):
                print(
                    f"spoof Nobel report: story {story_id} with {len(items)} report(s),"
                    f" storyline {line_id} of {len(events)} event(s)"
                    + (" (a Belarus storyline!)" if line_id in touched else "")
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
