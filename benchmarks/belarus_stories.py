"""Story coherence on real news: the Belarus coverage of finescoop (31 Aug – 29 Sep 2020).

Ingests the corpus, builds the stories, and prints every story holding a report whose title
names Belarus, Lukashenko, Minsk or an opposition leader: how many such reports it has, what
else is in it, and its span; then the story of the spoof-Nobel report, which mentions Nobel
like the Alexievich coverage but must stay out of it.

    python benchmarks/belarus_stories.py [--corpus …/posts.tar.gz]
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
            "SELECT m.story_id, a.title, a.published FROM story_members m"
            " JOIN articles a ON a.id = m.article_id ORDER BY a.published"
        ).fetchall()
    members: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for story_id, title, published in rows:
        members[story_id].append((title, published or ""))
    touched = {s for s, items in members.items() if any(about_belarus(t) for t, _ in items)}
    print(f"{sum(about_belarus(t) for _, t, _ in rows)} reports name Belarus in their title,")
    print(f"in {len(touched)} stories:")
    for story_id in sorted(touched, key=lambda s: -len(members[s])):
        items = members[story_id]
        named = [t for t, _ in items if about_belarus(t)]
        print(
            f"- {story_id}: {len(named)} of {len(items)} reports name Belarus,"
            f" {items[0][1][:10]} → {items[-1][1][:10]}: {named[0][:70]}"
        )
        for title, _ in items:
            if not about_belarus(title):
                print(f"    also: {title[:90]}")
    spoof = [s for s, items in members.items() if any(t == SPOOF for t, _ in items)]
    for story_id in spoof:
        print(f"spoof Nobel report: story {story_id} with {len(members[story_id])} report(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
