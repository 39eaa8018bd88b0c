"""Every reader on small real files: dateline, front matter, Markdown, HTML, feeds, JSON(L), CSV,
format detection, encodings and the inputs that must become problems instead of exceptions."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from storylens.clean import CleanOptions, clean_item
from storylens.ingest import find_sources, read_source
from storylens.ingest.sources import Source
from storylens.models import Problem, RawItem

LIMIT = 50_000_000  # the default ingest.max_file_mb, in bytes
LONDON = CleanOptions(zone=ZoneInfo("Europe/London"))


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def read(path: Path, max_bytes: int | None = LIMIT) -> list[RawItem | Problem]:
    """Find the file the way the CLI does, then read it."""
    [source] = list(find_sources([str(path)]))
    assert isinstance(source, Source)
    return list(read_source(source, max_bytes))


def read_one(path: Path, max_bytes: int | None = LIMIT) -> RawItem:
    [item] = read(path, max_bytes)
    assert isinstance(item, RawItem), item
    return item


def read_problem(path: Path, max_bytes: int | None = LIMIT) -> Problem:
    [problem] = read(path, max_bytes)
    assert isinstance(problem, Problem), problem
    return problem


def texts(item: RawItem) -> list[str]:
    return [p.text for p in item.paragraphs]


# --- dateline ----------------------------------------------------------------------------------

LEAD = (
    "As demand for Belarus President Alexander Lukashenko’s resignation intensifies, the "
    "authoritarian leader is set to hold talks with Vladimir Putin on September 14."
)
SECOND = (
    "Putin had immediately congratulated the incumbent leader and expressed hope for "
    "“mutually beneficial Russian-Belarusian relations” in all areas."
)


def test_dateline_inline_after_leading_space(tmp_path: Path) -> None:
    # the seed 000 shape: leading space, the first paragraph continues on the dateline,
    # a wire credit at the end and no final newline
    path = write(tmp_path, "000.txt", f" date 2020-09-14 {LEAD}\n\n{SECOND}\n\n(With AP inputs)")
    item = read_one(path)
    assert item.format == "dateline"
    assert item.title is None
    assert item.published == "2020-09-14"
    assert item.published_format == "%Y-%m-%d"
    assert texts(item) == [LEAD, SECOND, "(With AP inputs)"]
    assert item.notes == ["first paragraph continued on the dateline"]


def test_dateline_on_its_own_line(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", f"date 2020-09-14\n\n{LEAD}\n\n{SECOND}\n")
    item = read_one(path)
    assert item.format == "dateline"
    assert item.published == "2020-09-14"
    assert texts(item) == [LEAD, SECOND]
    assert item.notes == []


def test_dateline_date_and_lines_of_one_paragraph_joined(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "DATE 2020-09-14  \nfirst line\ncontinues here.\n\nNext one.\n")
    item = read_one(path)
    assert item.published == "2020-09-14"
    assert texts(item) == ["first line continues here.", "Next one."]


def test_dateline_with_a_date_that_is_not_iso_is_a_problem(tmp_path: Path) -> None:
    problem = read_problem(write(tmp_path, "a.txt", "date 14/09/2020 Minsk was calm.\n"))
    assert problem.reason == "the dateline date '14/09/2020' is not YYYY-MM-DD"


def test_dateline_without_text_is_a_problem(tmp_path: Path) -> None:
    problem = read_problem(write(tmp_path, "a.txt", "date 2020-09-14\n\n\n"))
    assert problem.reason == "no report text after the dateline"


# --- front matter and Markdown -----------------------------------------------------------------

SEED_003 = (
    "---\n"
    "extends: _layouts.post\n"
    "section: content\n"
    "image: https://i.dailymail.co.uk/1s/2020/09/14/09/33152282-0-image-a-24.jpg \n"
    "title: Belarus leader looks to Putin to help him cling on to power \n"
    "description: Lukashenko will travel to Russias Black Sea resort of Sochi. \n"
    "date: 2020-09-14-10-20-36 \n"
    "categories: [latest, world] \n"
    "featured: true \n"
    "--- \n"
    "President Alexander Lukashenko of Belarus will seek the backing of Russia's Vladimir "
    "Putin at a crucial meeting on Monday.\n"
    "\n"
    "Economic and military support from Moscow could help tip the balance in his favour.\n"
)


def test_front_matter_with_trailing_spaces_and_jigsaw_date(tmp_path: Path) -> None:
    item = read_one(write(tmp_path, "003.md", SEED_003))
    assert item.format == "frontmatter"
    assert item.title == "Belarus leader looks to Putin to help him cling on to power"
    assert item.description == "Lukashenko will travel to Russias Black Sea resort of Sochi."
    assert item.image == "https://i.dailymail.co.uk/1s/2020/09/14/09/33152282-0-image-a-24.jpg"
    assert item.published == "2020-09-14-10-20-36"
    assert item.published_format == "%Y-%m-%d-%H-%M-%S"
    assert item.categories == ["latest", "world"]
    # keys with no article field stay in extra, with their YAML types
    assert item.extra == {"extends": "_layouts.post", "section": "content", "featured": True}
    assert texts(item) == [
        "President Alexander Lukashenko of Belarus will seek the backing of Russia's Vladimir "
        "Putin at a crucial meeting on Monday.",
        "Economic and military support from Moscow could help tip the balance in his favour.",
    ]

    article = clean_item(item, LONDON)
    # site-local time: 10:20:36 in London in September (BST) is 09:20:36 UTC
    assert article.published == datetime(2020, 9, 14, 9, 20, 36, tzinfo=UTC)
    assert article.featured is True
    assert "featured" not in article.extra
    assert article.outlet == "Daily Mail"  # from the image host
    assert article.categories == ["latest", "world"]


def test_front_matter_yaml_datetime_becomes_iso(tmp_path: Path) -> None:
    text = "---\ntitle: T\ndate: 2020-09-14 10:20:36\n---\nThe body.\n"
    item = read_one(write(tmp_path, "a.md", text))
    assert item.published == "2020-09-14 10:20:36"  # kept as text; clean reads it
    assert item.published_format is None


def test_front_matter_content_key_is_kept_not_used_as_body(tmp_path: Path) -> None:
    text = "---\ntitle: T\ncontent: teaser only\n---\nThe real body.\n"
    item = read_one(write(tmp_path, "a.md", text))
    assert texts(item) == ["The real body."]
    assert item.extra == {"text": "teaser only"}


def test_markdown_body_becomes_plain_paragraphs(tmp_path: Path) -> None:
    body = (
        "# Putin meets Lukashenko\n"
        "\n"
        "The leaders met in **Sochi** on *Monday*, [Reuters](https://reuters.com/x) said.\n"
        "\n"
        "![Putin and Lukashenko shake hands](https://img.example/1.jpg)\n"
        "\n"
        "Protesters filled the square ![a photo](https://img.example/2.jpg) again.\n"
        "\n"
        "> We will not leave,\n"
        "> one protester said.\n"
        "\n"
        "## What happens next\n"
        "\n"
        "Talks go on with `code` and __more__ words.\n"
    )
    item = read_one(write(tmp_path, "a.md", f"---\ntitle: Sochi talks\n---\n{body}"))
    assert [(p.text, p.kind) for p in item.paragraphs] == [
        ("Putin meets Lukashenko", "heading"),
        ("The leaders met in Sochi on Monday, Reuters said.", "body"),
        ("Protesters filled the square again.", "body"),
        ("We will not leave, one protester said.", "body"),
        ("What happens next", "heading"),
        ("Talks go on with code and more words.", "body"),
    ]


def test_markdown_without_front_matter_takes_heading_as_title(tmp_path: Path) -> None:
    text = "# Putin meets Lukashenko in Sochi\n\nThe leaders met on Monday.\n\nLast words.\n"
    item = read_one(write(tmp_path, "a.md", text))
    assert item.format == "markdown"
    assert item.title == "Putin meets Lukashenko in Sochi"
    assert texts(item) == ["The leaders met on Monday.", "Last words."]
    assert item.notes == ["no date found in a plain-text file"]


def test_plain_text_headline_line(tmp_path: Path) -> None:
    text = "Putin meets Lukashenko in Sochi\n\nThe leaders met on Monday.\n\nMore text."
    item = read_one(write(tmp_path, "a.txt", text))
    assert item.format == "text"
    assert item.title == "Putin meets Lukashenko in Sochi"
    assert texts(item) == ["The leaders met on Monday.", "More text."]


def test_front_matter_never_closed_is_a_problem(tmp_path: Path) -> None:
    problem = read_problem(write(tmp_path, "a.md", "---\ntitle: T\n\nBody text.\n"))
    assert problem.reason == "front matter is never closed (no second '---' line)"


def test_front_matter_broken_yaml_is_a_problem_naming_the_line(tmp_path: Path) -> None:
    text = "---\ntitle: T\ncategories: [latest, world\n---\nBody text.\n"
    problem = read_problem(write(tmp_path, "a.md", text))
    assert problem.reason.startswith("malformed YAML front matter at line ")


def test_front_matter_that_is_a_list_is_a_problem(tmp_path: Path) -> None:
    problem = read_problem(write(tmp_path, "a.md", "---\n- a\n- b\n---\nBody text.\n"))
    assert problem.reason == "front matter is not a set of 'key: value' lines"


def test_front_matter_impossible_yaml_date_is_a_problem(tmp_path: Path) -> None:
    # YAML dates stay text in the reader; the clean stage refuses the impossible one
    from zoneinfo import ZoneInfo

    from storylens.clean import CleanOptions, clean_item
    from storylens.errors import InputError

    text = "---\ntitle: T\ndate: 2020-02-30\n---\nBody text of the report.\n"
    [item] = list(
        read_source(Source(str(tmp_path / "a.md"), tmp_path / "a.md", text.encode()), None)
    )
    assert isinstance(item, RawItem) and item.published == "2020-02-30"
    with pytest.raises(InputError, match="unparseable date '2020-02-30'"):
        clean_item(item, CleanOptions(zone=ZoneInfo("UTC")))


# --- HTML --------------------------------------------------------------------------------------

PARAGRAPHS = [
    "President Alexander Lukashenko of Belarus will seek the backing of Russia's Vladimir Putin "
    "at a crucial meeting on Monday after a fifth consecutive weekend of huge protests "
    "demanding that he step down.",
    "Lukashenko, facing the gravest crisis of his 26 years in power, will travel to Russia's "
    "Black Sea resort of Sochi with his fate in Putin's hands, officials in Minsk confirmed.",
    "Economic and military support from Moscow could help tip the balance in his favour as his "
    "security forces crack down hard on the opposition across the country.",
    "The Belarusian opposition accuses Lukashenko of rigging last month's presidential "
    "election, which he says he won fairly with 80% of the vote. Since then, thousands of "
    "people have been arrested.",
    "At least 100,000 protesters took to the streets of the capital Minsk on Sunday, taunting "
    "Lukashenko with chants and slogans. Police said they detained over 400 people during the "
    "day.",
    "Putin's actions so far suggest he has no desire to see the leader of a neighbouring "
    "ex-Soviet country toppled by pressure from the streets, even if Lukashenko has often "
    "proved a prickly ally.",
    "The Kremlin has long pushed for closer political and economic integration with Minsk, "
    "including a joint currency, but Lukashenko has resisted the pressure from his more "
    "powerful neighbour.",
]
TITLE = "Belarus leader looks to Putin to help him cling on to power"


def html_page(head_extra: str = "", published: str = "2020-09-14T10:20:36+01:00") -> str:
    body = "\n".join(f"    <p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{TITLE} | Example News</title>
  <meta property="og:title" content="{TITLE}">
  <meta property="og:site_name" content="Example News">
  <meta property="og:url" content="https://www.example-news.com/world/belarus-putin">
  <meta name="author" content="Jane Smith">
  <meta property="article:published_time" content="{published}">
  <meta name="description" content="Lukashenko will travel to Sochi.">
  {head_extra}
</head>
<body>
  <header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
  </header>
  <main>
  <article>
    <h1>{TITLE}</h1>
{body}
  </article>
  </main>
  <footer><p>Copyright 2020 Example News. All rights reserved.</p></footer>
</body>
</html>
"""


def test_html_page_text_and_metadata(tmp_path: Path) -> None:
    item = read_one(write(tmp_path, "page.html", html_page()))
    assert item.format == "html"
    assert item.title == TITLE
    assert item.outlet == "Example News"
    assert item.authors == ["Jane Smith"]
    assert item.url == "https://www.example-news.com/world/belarus-putin"
    assert item.description == "Lukashenko will travel to Sochi."
    assert item.published == "2020-09-14T10:20:36+0100"
    assert [p.text for p in item.paragraphs if p.kind == "body"] == PARAGRAPHS
    assert "Copyright 2020 Example News. All rights reserved." not in texts(item)

    article = clean_item(item, LONDON)
    assert article.published == datetime(2020, 9, 14, 9, 20, 36, tzinfo=UTC)
    assert article.url == "https://example-news.com/world/belarus-putin"
    assert article.outlet == "Example News"
    assert article.language == "en"  # guessed from the stopwords


def test_html_date_only_is_not_padded_with_midnight(tmp_path: Path) -> None:
    item = read_one(write(tmp_path, "page.html", html_page(published="2020-09-14")))
    assert item.published == "2020-09-14"
    assert clean_item(item, LONDON).published_precision == "day"


def test_html_page_without_article_text_is_a_problem(tmp_path: Path) -> None:
    page = "<html><body><nav><a href='/'>Home</a></nav></body></html>"
    problem = read_problem(write(tmp_path, "empty.html", page))
    assert problem.reason == "no article text found in the page"


# --- feeds -------------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Example Wire</title><link>https://example.com/</link>
  <description>News</description><language>en</language>
  <item>
    <title>Lukashenko flies to Sochi</title>
    <link>https://example.com/a?utm_source=rss</link>
    <guid>https://example.com/a</guid>
    <pubDate>Mon, 14 Sep 2020 10:20:36 GMT</pubDate>
    <author>jane@example.com (Jane Smith)</author>
    <category>World</category>
    <description>Short summary one.</description>
    <content:encoded><![CDATA[<p>First paragraph of story one.</p>
      <figure><img src="x.jpg"><figcaption>A caption</figcaption></figure>
      <h2>A subhead</h2><script>track()</script><p>Second paragraph of story one.</p>]]>
    </content:encoded>
  </item>
  <item>
    <title>Protests go on</title>
    <link>https://example.com/b</link>
    <pubDate>Tue, 15 Sep 2020 08:00:00 +0200</pubDate>
    <description>Only a summary for story two.</description>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom News</title><id>urn:feed</id><updated>2020-09-14T10:00:00Z</updated>
  <entry>
    <title>Atom story</title>
    <link href="https://atom.example.org/s1"/>
    <id>urn:s1</id>
    <updated>2020-09-14T10:00:00Z</updated>
    <published>2020-09-14T09:00:00+02:00</published>
    <author><name>Ann Author</name></author>
    <content type="html">&lt;p&gt;Atom paragraph one.&lt;/p&gt;
      &lt;p&gt;Atom paragraph two.&lt;/p&gt;</content>
  </entry>
</feed>
"""


def test_rss_one_item_per_article_with_full_content(tmp_path: Path) -> None:
    first, second = read(write(tmp_path, "feed.xml", RSS))
    assert isinstance(first, RawItem) and isinstance(second, RawItem)
    assert (first.item, second.item) == (0, 1)
    assert first.where.endswith("feed.xml#0")
    assert first.format == "rss"
    assert first.title == "Lukashenko flies to Sochi"
    assert first.outlet == "Example Wire"
    assert first.language == "en"
    assert first.authors == ["Jane Smith"]
    assert first.categories == ["World"]
    assert first.published == "Mon, 14 Sep 2020 10:20:36 GMT"
    assert first.description == "Short summary one."  # the summary, since content is there
    assert first.extra["guid"] == "https://example.com/a"
    assert [(p.text, p.kind) for p in first.paragraphs] == [
        ("First paragraph of story one.", "body"),
        ("A caption", "caption"),
        ("A subhead", "heading"),
        ("Second paragraph of story one.", "body"),
    ]
    assert first.notes == []

    assert texts(second) == ["Only a summary for story two."]
    assert second.notes == ["feed item has only a summary, not the full text"]

    article = clean_item(first, LONDON)
    assert article.url == "https://example.com/a"
    assert article.published == datetime(2020, 9, 14, 10, 20, 36, tzinfo=UTC)
    assert article.origin.endswith("feed.xml#0")
    assert article.body == (
        "First paragraph of story one.\n\nA subhead\n\nSecond paragraph of story one."
    )
    assert clean_item(second, LONDON).published == datetime(2020, 9, 15, 6, 0, tzinfo=UTC)


def test_atom_feed(tmp_path: Path) -> None:
    item = read_one(write(tmp_path, "feed.atom", ATOM))
    assert item.format == "atom"
    assert item.item == 0
    assert item.title == "Atom story"
    assert item.url == "https://atom.example.org/s1"
    assert item.outlet == "Atom News"
    assert item.authors == ["Ann Author"]
    assert item.published == "2020-09-14T09:00:00+02:00"
    assert texts(item) == ["Atom paragraph one.", "Atom paragraph two."]
    assert clean_item(item, LONDON).published == datetime(2020, 9, 14, 7, 0, tzinfo=UTC)


def test_feed_item_without_text_is_a_problem_among_good_items(tmp_path: Path) -> None:
    feed = RSS.replace(
        "<description>Only a summary for story two.</description>", "<description></description>"
    )
    first, second = read(write(tmp_path, "feed.rss", feed))
    assert isinstance(first, RawItem)
    assert isinstance(second, Problem)
    assert second.item == 1
    assert second.reason == "feed item has no text (no content and no summary)"


# --- JSON Lines, JSON, CSV ---------------------------------------------------------------------


def test_jsonl_field_aliases_and_a_bad_line(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "title": "One",
                "text": "Text one.",
                "date": "2020-09-14",
                "source": {"id": "bbc-news", "name": "BBC News"},
            }
        ),
        '{"title": "Broken", "text": ',
        json.dumps(
            {
                "headline": "Two",
                "body": "Body two.\n\nSecond paragraph.",
                "published": "2020-09-14T10:00:00Z",
                "url": "https://www.bbc.co.uk/news/x",
            }
        ),
        "",
        json.dumps({"title": "Three", "maintext": "Main three.", "author": "A B; C D", "n": 5}),
    ]
    found = read(write(tmp_path, "export.jsonl", "\n".join(lines) + "\n"))
    assert [type(f).__name__ for f in found] == ["RawItem", "Problem", "RawItem", "RawItem"]
    one, bad, two, three = found
    assert isinstance(one, RawItem) and isinstance(two, RawItem) and isinstance(three, RawItem)
    assert isinstance(bad, Problem)

    assert (one.title, texts(one), one.published, one.outlet) == (
        "One",
        ["Text one."],
        "2020-09-14",
        "BBC News",
    )
    assert bad.item == 1
    assert bad.reason == "line 2 is not valid JSON: Expecting value (column 29)"
    assert two.item == 2
    assert (two.title, texts(two), two.published, two.url) == (
        "Two",
        ["Body two.", "Second paragraph."],
        "2020-09-14T10:00:00Z",
        "https://www.bbc.co.uk/news/x",
    )
    assert three.item == 3  # blank lines do not count
    assert (three.title, texts(three), three.authors) == ("Three", ["Main three."], ["A B", "C D"])
    assert three.extra == {"n": 5}


def test_jsonl_objects_without_text_and_non_objects_are_problems(tmp_path: Path) -> None:
    lines = [json.dumps({"title": "No text"}), "[1, 2]", json.dumps({"text": "Fine."})]
    no_text, a_list, fine = read(write(tmp_path, "e.jsonl", "\n".join(lines)))
    assert isinstance(no_text, Problem) and isinstance(a_list, Problem)
    assert no_text.reason.startswith("line 1: no report text (looked for a field named one of:")
    assert a_list.reason == "line 2 is a JSON list, not an object"
    assert isinstance(fine, RawItem) and texts(fine) == ["Fine."]


def test_json_array(tmp_path: Path) -> None:
    records = [
        {"title": "J1", "content": "<p>Para one.</p><p>Para two.</p>", "lang": "en"},
        {"title": "J2", "article": "Article two.", "category": "world, politics"},
        "not an object",
    ]
    first, second, third = read(write(tmp_path, "a.json", json.dumps(records, indent=2)))
    assert isinstance(first, RawItem) and isinstance(second, RawItem)
    assert first.format == "json"
    assert (first.item, first.title, texts(first), first.language) == (
        0,
        "J1",
        ["Para one.", "Para two."],
        "en",
    )
    assert (second.item, texts(second), second.categories) == (
        1,
        ["Article two."],
        ["world", "politics"],
    )
    assert isinstance(third, Problem)
    assert (third.item, third.reason) == (2, "item is a JSON str, not an object")


def test_json_object_with_articles_list(tmp_path: Path) -> None:
    response = {
        "status": "ok",
        "articles": [
            {
                "source": {"id": None, "name": "Reuters"},
                "author": "Jane Doe",
                "title": "Talks in Sochi",
                "url": "https://www.reuters.com/x",
                "publishedAt": "2020-09-14T10:00:00Z",
                "content": "Putin met Lukashenko.",
            }
        ],
    }
    item = read_one(write(tmp_path, "news.json", json.dumps(response, indent=2)))
    assert (item.title, item.outlet, item.authors) == ("Talks in Sochi", "Reuters", ["Jane Doe"])
    assert texts(item) == ["Putin met Lukashenko."]
    assert item.extra["publishedAt"] == "2020-09-14T10:00:00Z"  # not an alias: kept


def test_one_line_json_response_reads_its_articles(tmp_path: Path) -> None:
    response = {"status": "ok", "articles": [{"title": "T", "content": "Putin met Lukashenko."}]}
    item = read_one(write(tmp_path, "news.json", json.dumps(response)))
    assert texts(item) == ["Putin met Lukashenko."]


def test_json_with_a_huge_integer_is_a_problem(tmp_path: Path) -> None:
    line = '{"text": "Body.", "views": ' + "1" * 5000 + "}\n"
    [found] = read(write(tmp_path, "e.jsonl", line))
    assert isinstance(found, Problem)


def test_json_object_with_an_empty_articles_list_is_a_problem(tmp_path: Path) -> None:
    problem = read_problem(write(tmp_path, "news.json", '{\n"status": "ok",\n"articles": []}'))
    assert problem.reason == "empty JSON list under 'articles': no reports"


def test_json_scalar_and_deep_nesting_are_problems(tmp_path: Path) -> None:
    assert read_problem(write(tmp_path, "n.json", "[]")).reason == "empty JSON list: no reports"
    deep = read_problem(write(tmp_path, "d.json", "[" * 100_000))
    assert deep.reason == "input is nested too deeply to read"


def test_csv_with_quoted_multiline_body(tmp_path: Path) -> None:
    text = (
        "title,text,date,url\n"
        '"Talks, in Sochi","Putin met Lukashenko.\n\nThey spoke for hours, aides said.",'
        "2020-09-14,https://example.com/a\n"
        "Second,Plain body.,2020-09-15,https://example.com/b\n"
    )
    first, second = read(write(tmp_path, "export.csv", text))
    assert isinstance(first, RawItem) and isinstance(second, RawItem)
    assert first.format == "csv"
    assert (first.item, first.title, first.published, first.url) == (
        0,
        "Talks, in Sochi",
        "2020-09-14",
        "https://example.com/a",
    )
    assert texts(first) == ["Putin met Lukashenko.", "They spoke for hours, aides said."]
    assert (second.item, second.title, texts(second)) == (1, "Second", ["Plain body."])


def test_csv_row_with_extra_cells_is_a_problem_others_read(tmp_path: Path) -> None:
    text = "title,text\nA,Body a.\nB,Body b.,stray cell\nC,Body c.\n"
    a, b, c = read(write(tmp_path, "r.csv", text))
    assert isinstance(b, Problem)
    assert (b.item, b.reason) == (1, "row 2 has more cells than the header")
    assert isinstance(a, RawItem) and isinstance(c, RawItem)
    assert (texts(a), texts(c), c.item) == (["Body a."], ["Body c."], 2)


def test_csv_semicolon_dialect_and_header_only(tmp_path: Path) -> None:
    text = "title;text;date\nA;Body a.;2020-09-14\nB;Body b.;2020-09-15\n"
    a, b = read(write(tmp_path, "semi.csv", text))
    assert isinstance(a, RawItem) and isinstance(b, RawItem)
    assert (a.title, texts(a), b.published) == ("A", ["Body a."], "2020-09-15")
    header_only = read_problem(write(tmp_path, "h.csv", "title,text\n"))
    assert header_only.reason == "CSV has a header but no rows"


# --- detection by content ----------------------------------------------------------------------


def test_html_file_holding_rss_is_read_as_a_feed(tmp_path: Path) -> None:
    found = read(write(tmp_path, "feed.html", RSS))
    assert len(found) == 2
    first = found[0]
    assert isinstance(first, RawItem)
    assert first.format == "rss"
    assert first.title == "Lukashenko flies to Sochi"
    assert first.notes == ["read as feed: the content is feed, although the name ends .html"]


def test_xml_file_holding_html_is_read_as_html(tmp_path: Path) -> None:
    item = read_one(write(tmp_path, "page.xml", html_page()))
    assert item.format == "html"
    assert item.title == TITLE
    assert item.notes == ["read as html: the content is html, although the name ends .xml"]


def test_txt_file_holding_jsonl_is_read_as_jsonl(tmp_path: Path) -> None:
    item = read_one(write(tmp_path, "dump.txt", json.dumps({"text": "Body."}) + "\n"))
    assert item.format == "jsonl"
    assert texts(item) == ["Body."]
    assert item.notes == []  # .txt is only a weak hint: no note


def test_front_matter_in_a_txt_file(tmp_path: Path) -> None:
    item = read_one(write(tmp_path, "post.txt", SEED_003))
    assert item.format == "frontmatter"
    assert item.title == TITLE


# --- encodings ---------------------------------------------------------------------------------


def test_cp1252_bytes_are_decoded_with_a_note(tmp_path: Path) -> None:
    text = (
        "Lukashenko’s visit to Sochi — where he met Putin — was described as “crucial” "
        "by officials at the café.\n\nThe opposition said it would continue protests.\n"
    )
    item = read_one(write(tmp_path, "cp.txt", text.encode("cp1252")))
    assert texts(item) == [
        "Lukashenko’s visit to Sochi — where he met Putin — was described as “crucial” "
        "by officials at the café.",
        "The opposition said it would continue protests.",
    ]
    assert item.notes[0].startswith("decoded as ")
    assert item.notes[0].endswith(" (not valid UTF-8)")


def test_cp1252_accents_survive(tmp_path: Path) -> None:
    text = "Zoë’s café in Minsk served crème brûlée to “naïve” visitors.\n\nThey came back.\n"
    item = read_one(write(tmp_path, "cp.txt", text.encode("cp1252")))
    assert texts(item)[0] == "Zoë’s café in Minsk served crème brûlée to “naïve” visitors."
    assert item.notes[0] == "decoded as cp1252 (not valid UTF-8)"


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    item = read_one(write(tmp_path, "bom.md", "\ufeff---\ntitle: T\n---\nBody text.\n"))
    assert (item.format, item.title, texts(item), item.notes) == (
        "frontmatter",
        "T",
        ["Body text."],
        [],
    )


# --- inputs that become problems ---------------------------------------------------------------


def test_binary_file_is_a_problem(tmp_path: Path) -> None:
    problem = read_problem(write(tmp_path, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert problem.reason == "binary file, not text"
    assert problem.detail == "storylens reads text, HTML, feeds, JSON, CSV."


def test_utf16_with_bom_is_text_not_binary(tmp_path: Path) -> None:
    item = read_one(write(tmp_path, "u16.txt", "Hello from Minsk.\n".encode("utf-16")))
    assert texts(item) == ["Hello from Minsk."]


@pytest.mark.parametrize("content", [b"", b"  \n\n\t \r\n"])
def test_empty_file_is_a_problem(tmp_path: Path, content: bytes) -> None:
    assert read_problem(write(tmp_path, "empty.txt", content)).reason == "empty file"


def test_symlink_loop_and_broken_link_in_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    write(folder, "a.txt", "Minsk was calm.\n\nNothing else happened.\n")
    os.symlink(folder, folder / "self")  # the folder inside itself
    os.symlink(tmp_path / "missing.txt", folder / "gone.txt")

    found = list(find_sources([str(folder)]))
    sources = [f for f in found if isinstance(f, Source)]
    problems = {Path(p.origin).name: p.reason for p in found if isinstance(p, Problem)}
    assert [s.origin for s in sources] == [str(folder / "a.txt")]
    assert problems == {
        "gone.txt": "broken symbolic link",
        "self": "symbolic link loop: this folder was already read",
    }
    [item] = read_source(sources[0], LIMIT)
    assert isinstance(item, RawItem)


def test_broken_symlink_named_directly(tmp_path: Path) -> None:
    link = tmp_path / "gone.txt"
    os.symlink(tmp_path / "missing.txt", link)
    [problem] = list(find_sources([str(link)]))
    assert isinstance(problem, Problem)
    assert problem.reason == "broken symbolic link"
    assert problem.detail == f"points to {tmp_path / 'missing.txt'}"


def test_missing_file_and_empty_glob(tmp_path: Path) -> None:
    missing, pattern = find_sources([str(tmp_path / "nope.txt"), str(tmp_path / "*.md")])
    assert isinstance(missing, Problem) and isinstance(pattern, Problem)
    assert missing.reason == "no such file or folder"
    assert pattern.reason == "no file matches this pattern"


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    page = "<html><body><p>" + "word " * 250_000 + "</p></body></html>"  # 1.25 MB
    problem = read_problem(write(tmp_path, "big.html", page), max_bytes=1_000_000)
    assert problem.reason == "file is 1.3 MB, over the limit of 1 MB"
    assert problem.detail == "Raise ingest.max_file_mb if this really is one report."


def test_large_exports_are_not_held_to_the_limit(tmp_path: Path) -> None:
    line = json.dumps({"text": "Body text of one report. " * 20}) + "\n"
    path = write(tmp_path, "export.jsonl", line * 300)  # about 150 kB
    found = read(path, max_bytes=10_000)
    assert len(found) == 300
    assert all(isinstance(f, RawItem) for f in found)


def test_size_limit_under_one_megabyte_is_named(tmp_path: Path) -> None:
    page = "<html><body><p>" + "word " * 150_000 + "</p></body></html>"  # 0.75 MB
    problem = read_problem(write(tmp_path, "big.html", page), max_bytes=500_000)
    assert "0.5 MB" in problem.reason
