"""HTML pages read whole: tails and line breaks, tables, broken titles, the page's own URL, the
headline, bylines and dates; lists and repeated lines kept as text. Pages written here in the
shapes of real ones (nested divs, text after headings, <br> paragraphs, layout tables)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from storylens.clean import CleanOptions, clean_item
from storylens.config import load_settings
from storylens.ingest import find_sources, read_source
from storylens.ingest.sources import Source
from storylens.models import Article, Problem, RawItem
from storylens.pipeline import ingest
from storylens.store import Store

OPTIONS = CleanOptions(zone=ZoneInfo("Europe/London"))
SITE = "https://harbourgazette.example"


def read_page(tmp_path: Path, page: str, name: str = "page.html") -> RawItem:
    path = tmp_path / name
    path.write_text(page, encoding="utf-8")
    [source] = list(find_sources([str(path)]))
    assert isinstance(source, Source)
    [item] = list(read_source(source, None))
    assert isinstance(item, RawItem), item
    return item


def article_of(tmp_path: Path, page: str) -> Article:
    return clean_item(read_page(tmp_path, page), OPTIONS)


def modern(body: str, *, title: str, head: str = "", h1: str | None = None) -> str:
    """A 2020s news page: menus, a header, the story in nested divs, a footer."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Harbour Gazette</title>
<meta property="og:site_name" content="Harbour Gazette">
{head}
</head><body>
<header><a class="logo" href="/">Harbour Gazette</a>
<nav><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/business">Business</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>
<main><div class="container"><div class="row"><article class="story">
<h1>{h1 or title}</h1>
<div class="story-body"><div class="text">
{body}
</div></div></article></div></div></main>
<footer><p>© 2024 Harbour Gazette Ltd. All rights reserved.</p></footer>
</body></html>
"""


STATES = (
    "Lawmakers in three coastal states passed the groundwater bill on Thursday after a"
    " night of debate."
)
FIRST_LAW = "It is the first such law in the region, and it takes effect in January."
AFTER_HEADING = (
    "Farmers will have to report how much water they pump each month, and the states will"
    " publish the figures every quarter on a public website."
)


# --- item 3: tails and line breaks -------------------------------------------------------------


def test_text_after_a_heading_and_line_breaks_are_kept(tmp_path: Path) -> None:
    body = f"""<p>{STATES}</p><p>Flood warnings are in force in all three states<br>It is the
wettest November since records began, the weather service said.</p>
<h2>What changes for farmers</h2>
{AFTER_HEADING}
<p>The bill was opposed by two large dairy groups, who said the reporting would cost them
time and money. <strong>Supporters disagreed.</strong> They said meters cost little and the
data would help everyone plan for dry summers, which have become more frequent.</p>
<p>Officials said the first reports are due in April.<br><br>A review of the law is planned
for its third year, when the figures of two full summers will be known.</p>"""
    a = article_of(tmp_path, modern(body, title="Three states pass groundwater law"))
    texts = [p.text for p in a.paragraphs]
    # <br> is a space, not "statesIt is" …
    assert "Flood warnings are in force in all three states It is the wettest" in a.body
    assert AFTER_HEADING in texts  # the text after the <h2>, a tail in the extracted tree
    # … and after a full sentence it ends the paragraph (<br><br>, as older pages write them)
    assert "Officials said the first reports are due in April." in texts
    assert any(t.startswith("A review of the law") for t in texts)
    assert "Supporters disagreed. They said meters cost little" in a.body


def test_list_in_the_text_and_emoji_endings_are_text_related_links_are_not(tmp_path: Path) -> None:
    features = [
        "Easy setup for all your phones, tablets and laptops at home",
        "Case can be charged with the cable or on a wireless charging mat",
        "Up to ten hours of listening on one charge of the battery",
    ]
    items = "".join(f"<li>{f}</li>" for f in features)
    related = "".join(
        f'<li><a href="/news/{i}">Storm closes the coast road for the {n} time</a></li>'
        for i, n in enumerate(("first", "second", "third"))
    )
    body = f"""<p>{STATES}</p><p>The new earphones, on sale from Friday, promise:</p>
<ul>{items}</ul>
<p>Shops in the harbour said the first delivery sold out in an hour. See you there 🙂</p>
<p>{AFTER_HEADING}</p>
<h3>Read more</h3><ul class="related">{related}</ul>"""
    a = article_of(tmp_path, modern(body, title="Earphones on sale"))
    kinds = {p.text: p.kind for p in a.paragraphs}
    assert [kinds.get(f) for f in features] == ["body"] * 3
    assert (
        kinds["Shops in the harbour said the first delivery sold out in an hour. See you there 🙂"]
        == "body"
    )
    assert "Storm closes the coast road" not in a.body
    assert "Read more" not in a.body  # the label of the related links goes with them


# --- item 6: tables, an unterminated title ------------------------------------------------------

WARDS = [
    (ward, *result.split())
    for ward, result in (
        ("North Quay", "1,204 987 Labour"), ("Harbour East", "1,530 1,611 Green"),
        ("Old Town", "842 1,030 Liberal"), ("Lighthouse", "1,377 602 Labour"),
        ("Saltmere Park", "955 1,210 Green"), ("Ferry Road", "1,118 1,093 Labour"),
        ("Castle Hill", "700 1,452 Independent"), ("Marsh End", "1,026 1,017 Labour"),
        ("West Dunes", "1,311 1,290 Labour"), ("Station", "999 1,088 Green"),
        ("Church Street", "1,402 876 Labour"), ("Mill Lane", "1,190 1,201 Liberal"),
        ("Bridge", "815 640 Labour"), ("Harbour West", "1,266 1,302 Green"),
        ("Cliff Top", "733 1,121 Independent"), ("Kings Dock", "1,045 1,099 Green"),
    )
]  # fmt: skip


def test_article_in_a_table_is_read_with_the_table(tmp_path: Path) -> None:
    rows = "\n".join(
        f"<tr><td>{w}</td><td>{a}</td><td>{b}</td><td>{r}</td></tr>" for w, a, b, r in WARDS
    )
    body = f"""<p>Labour kept control of Saltmere council by two seats, the count showed.</p>
<table class="results"><tr><th>Ward</th><th>Labour votes</th><th>Challenger</th><th>Result</th></tr>
{rows}</table>"""
    title = "Saltmere council election: results ward by ward"
    a = article_of(tmp_path, modern(body, title=title))
    assert "Castle Hill | 700 | 1,452 | Independent" in [p.text for p in a.paragraphs]
    assert "Kings Dock | 1,045 | 1,099 | Green" in a.body  # the last rows: no captions
    assert "read again with the page's tables: the first reading found little" in a.notes


SEA_WALL = [
    "The town council voted on Monday to build a new sea wall along the north beach, ending two"
    " years of argument over how to protect the harbour from winter storms.",
    "The wall will be 600 metres long and will cost about 4.2 million pounds, most of it paid by"
    " a grant from the regional flood fund, the council's engineer told the meeting.",
    "Residents of Quay Street, whose cellars flooded three times last winter, cheered when the"
    ' vote was announced. "We have waited long enough," said Ruth Adeyemi, who runs the bakery.',
    "Work is expected to begin in the autumn and to take eighteen months. The beach will stay"
    " open during the building work, except for the stretch beside the lifeboat station.",
    "The vote was carried by eleven votes to four. Two councillors said the money should have"
    " gone to the ferry terminal. The meeting on 4 March 2003 ran until late in the evening.",
]


def test_older_page_laid_out_in_a_table(tmp_path: Path) -> None:
    """A 2003 page: the menu, the story and the footer in cells of one layout table; <font>
    and <br><br> for paragraphs; the headline in <b>, a byline and a date line; a <title> that
    names only the site and its section."""
    menu = "<br>".join(
        f'<a href="/{s.lower()}">{s}</a>'
        for s in ("News", "Sport", "Letters", "Weather", "Archive")
    )
    story = "<br><br>\n".join(SEA_WALL)
    page = f"""<html><head><title>Harbour Gazette - Local News</title></head>
<body bgcolor="white"><table width="760" border="0">
<tr><td colspan="2"><a href="/"><img src="/logo.gif" alt="Harbour Gazette"></a></td></tr>
<tr><td width="150" valign="top">{menu}</td>
<td valign="top"><font face="Arial" size="4"><b>Council approves new sea wall</b></font><br>
<font size="2">By Ann Moss, Staff Writer<br>04/03/2003</font><br><br>
<font size="2">{story}</font></td></tr>
<tr><td colspan="2"><font size="1">&copy; 2003 Harbour Gazette</font></td></tr></table>
</body></html>"""
    a = article_of(tmp_path, page)
    assert [p.text for p in a.paragraphs if p.kind == "body"] == SEA_WALL
    assert "Archive" not in a.body and "Harbour Gazette" not in a.body
    assert a.title == "Council approves new sea wall"
    assert a.authors == ["Ann Moss"]
    assert a.published is not None and a.published.date().isoformat() == "2003-03-04"


MILL = [
    "RIVERTON -- The paper mill on Route 9 will close in June, its owners said Tuesday, ending"
    " nearly a century of papermaking in the valley and putting about 300 people out of work.",
    "The company blamed falling demand for newsprint and the cost of replacing the mill's two"
    " oldest machines, which date from the 1950s.",
    '"This is a sad day for all of us," said plant manager Linda Ortiz, who has worked at the'
    ' mill for 22 years. "We looked at every option."',
    "The union representing about 240 of the workers said it would ask the company to keep the"
    " mill open until the end of the year.",
]


def test_older_page_with_unclosed_paragraphs_and_a_related_stories_cell(tmp_path: Path) -> None:
    """A 2002 page in upper-case markup: a menu cell, the story cell with unclosed <P> inside
    <FONT>, a byline over two lines, a link line, and a cell of related stories."""
    menu = "<BR>".join(
        f'<A HREF="/{s.lower()}/">{s}</A>'
        for s in ("Local News", "Sports", "Obituaries", "Opinion")
    )
    related = "<BR>\n".join(
        f'<A HREF="/news/{i}.html">{t}</A>'
        for i, t in enumerate(("Mill owners seek tax break", "Union votes on new contract"))
    )
    story = "<P>\n".join(MILL)
    page = f"""<HTML><HEAD><TITLE>The Valley Courier :: News</TITLE></HEAD>
<BODY BGCOLOR="#FFFFFF"><TABLE WIDTH="100%"><TR><TD><A HREF="/"><IMG SRC="/m.gif"
ALT="The Valley Courier"></A></TD></TR></TABLE>
<TABLE WIDTH="780"><TR><TD WIDTH="140" VALIGN="TOP">{menu}</TD>
<TD WIDTH="480" VALIGN="TOP"><FONT SIZE="+1"><B>Mill closing will cost 300 jobs</B></FONT><BR>
<FONT SIZE="-1"><I>By Dale Porter<BR>Courier Staff Writer</I></FONT><P>
<FONT FACE="Verdana" SIZE="2">
{story}
</FONT>
<P><FONT SIZE="1"><A HREF="/print/">Printer-friendly version</A> | <A HREF="/email/">E-mail
this story</A></FONT></TD>
<TD WIDTH="160" VALIGN="TOP"><B>Related stories</B><BR>
{related}</TD></TR></TABLE></BODY></HTML>"""
    a = article_of(tmp_path, page)
    assert [p.text for p in a.paragraphs if p.kind == "body"] == MILL
    assert a.title == "Mill closing will cost 300 jobs" and a.authors == ["Dale Porter"]
    for furniture in ("Obituaries", "Staff Writer", "Printer-friendly", "tax break"):
        assert furniture not in a.body


def test_older_page_with_a_date_line_and_unclosed_paragraphs(tmp_path: Path) -> None:
    storm = [
        "A storm that brought winds of up to 90 miles an hour knocked out power to more than"
        " 20,000 homes along the coast overnight, the electricity company said.",
        "Crews were working to restore supplies but some homes could be without power until"
        " Sunday. Trees blocked several roads, including the coast road to Kilmory.",
        "The coastguard said two fishing boats had been helped back to harbour.",
        "Schools in three towns stayed closed on Friday.",
    ]
    page = f"""<html><head><title>Storm knocks out power - Coastline Daily News</title></head>
<body><div id="header"><a href="/">Coastline Daily News</a></div>
<div id="nav"><a href="/">Home</a> | <a href="/local">Local</a> | <a href="/sport">Sport</a></div>
<div id="content"><h2>Storm knocks out power to thousands</h2>
<p class="date">Posted: Friday, November 12, 2004
<p>{storm[0]}
<p>{storm[1]}
<p>{storm[2]}<br><br>{storm[3]}
</div><div id="footer">&copy; 2004 Coastline Daily News | <a href="/privacy">Privacy</a></div>
</body></html>"""
    a = article_of(tmp_path, page)
    assert [p.text for p in a.paragraphs if p.kind == "body"] == storm
    assert a.published is not None and a.published.date().isoformat() == "2004-11-12"
    assert a.title == "Storm knocks out power to thousands"


def test_unterminated_title_does_not_swallow_the_page(tmp_path: Path) -> None:
    page = modern(f"<p>{STATES}</p><p>{AFTER_HEADING}</p><p>{FIRST_LAW}</p>", title="x")
    page = page.replace("<title>x | Harbour Gazette</title>", "<title>Groundwater law passes")
    a = article_of(tmp_path, page)
    assert [p.text for p in a.paragraphs if p.kind == "body"] == [STATES, AFTER_HEADING, FIRST_LAW]
    assert "the page's <title> was not closed: closed it before the next tag" in a.notes


def test_a_page_of_links_only_is_a_problem(tmp_path: Path) -> None:
    links = "".join(
        f'<li><a href="/news/{i}">Council news item number {i}</a></li>' for i in range(30)
    )
    page = modern(f"<ul>{links}</ul>", title="News")
    path = tmp_path / "section.html"
    path.write_text(page, encoding="utf-8")
    [source] = list(find_sources([str(path)]))
    assert isinstance(source, Source)
    [problem] = list(read_source(source, None))
    assert isinstance(problem, Problem)
    assert problem.reason == "no article text found in the page"
    assert "links" in (problem.detail or "")


# --- item 2: the page's own URL is its identity -------------------------------------------------


def story_page(slug: str, text: str, head: str) -> str:
    return modern(
        f"<p>{text}</p><p>{AFTER_HEADING}</p>",
        title=slug.replace("-", " ").capitalize(),
        head=f'<base href="{SITE}/">{head}',
    )


def test_pages_sharing_a_base_href_are_distinct_articles(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.html").write_text(story_page("sea-wall-vote", STATES, ""), encoding="utf-8")
    (folder / "b.html").write_text(story_page("ferry-cut", FIRST_LAW, ""), encoding="utf-8")
    canonical = '<link rel="canonical" href="/news/ferry-timetable">'  # relative: the base
    (folder / "c.html").write_text(story_page("ferry", FIRST_LAW + " Again.", canonical), "utf-8")
    with Store(tmp_path / "s.db") as store:
        report = ingest(store, [str(folder)], load_settings(environ={}, config_file=None))
        assert (report.counts.added, report.counts.updated) == (3, 0)
        urls = {r[0] for r in store.conn.execute("SELECT url FROM articles")}
    assert urls == {None, "https://harbourgazette.example/news/ferry-timetable"}


def test_canonical_link_in_the_body_and_home_page_canonical(tmp_path: Path) -> None:
    page = story_page("x", STATES, "").replace(
        '<div class="text">', f'<div class="text"><link rel="canonical" href="{SITE}/news/x-1">'
    )
    assert read_page(tmp_path, page).url == f"{SITE}/news/x-1"
    home = f'<link rel="canonical" href="{SITE}/">'
    item = read_page(tmp_path, story_page("x", STATES, home), "home.html")
    assert item.url is None
    other = read_page(tmp_path, story_page("y", FIRST_LAW, home), "home2.html")
    a, b = clean_item(item, OPTIONS), clean_item(other, OPTIONS)
    assert a.url is None and a.id != b.id  # identities from the texts, not from the site
    # a home page given as the URL by any reader names the site, never the article
    record = clean_item(RawItem("r.json", "json", item.paragraphs, url=f"{SITE}/"), OPTIONS)
    assert record.url is None
    assert f"URL '{SITE}/' is the site's home page: not the article's identity" in record.notes


# --- item 7: headline, bylines, dates -----------------------------------------------------------


def test_headline_preferred_to_a_title_naming_the_site_or_section(tmp_path: Path) -> None:
    headline = "Council approves new sea wall for the north beach"
    page = modern(
        f"<p>{STATES}</p><p>{AFTER_HEADING}</p>",
        title="Local News",  # the <title> is "Local News | Harbour Gazette"
        h1="Harbour Gazette",  # a logo in an <h1>, as older templates do
    ).replace("<p>" + STATES, f"<h2>{headline}</h2><p>{STATES}", 1)
    page = page.replace("<title>Local News | Harbour Gazette</title>",
                        f"<title>Harbour Gazette - Local News - {headline}</title>")  # fmt: skip
    assert read_page(tmp_path, page).title == headline
    only_site = modern(f"<p>{STATES}</p><p>{AFTER_HEADING}</p>", title="x", h1=headline)
    only_site = only_site.replace(
        "<title>x | Harbour Gazette</title>", "<title>Harbour Gazette</title>"
    )
    assert read_page(tmp_path, only_site, "b.html").title == headline


def test_agency_authors_become_credits_and_bylines_lose_roles_and_days(tmp_path: Path) -> None:
    page = modern(
        f"<p>{STATES}</p><p>{AFTER_HEADING}</p>",
        title="Three states pass groundwater law",
        head='<meta name="author" content="Associated Press">',
    )
    a = article_of(tmp_path, page)
    assert a.authors == [] and a.credits == ["AP"]
    page = page.replace(
        "Associated Press", "By Ann Moss, Staff Writer; Tom Reyes Monday, March 4, 2019"
    )
    a = article_of(tmp_path, page)
    assert a.authors == ["Ann Moss", "Tom Reyes"]


def test_day_first_date_checked_against_the_dates_written_in_the_page(tmp_path: Path) -> None:
    page = modern(
        f"<p>{STATES}</p><p>The vote on 4 March 2019 ended a long fight.</p><p>{AFTER_HEADING}</p>",
        title="Three states pass groundwater law",
        head='<meta name="date" content="2019-04-03">',
    )
    item = read_page(tmp_path, page)
    assert item.published == "2019-03-04"
    assert any(n.startswith("date 2019-04-03 read the other way (2019-03-04)") for n in item.notes)
    same = page.replace("4 March 2019", "3 April 2019")
    assert read_page(tmp_path, same, "b.html").published == "2019-04-03"
