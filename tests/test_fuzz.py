"""Property-based tests: whatever bytes arrive, reading gives RawItems or Problems, never an
exception, and cleaning gives a usable Article or an InputError, never another exception.

Every document is written under each suffix storylens knows (and none), since the suffix is a
hint that changes how ambiguous content is read. Hypothesis runs derandomized so that a run is
reproducible; the @example lines pin inputs that once broke these properties.
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from storylens.clean import CleanOptions, clean_item
from storylens.clean.dates import parse_published
from storylens.errors import InputError
from storylens.ingest import read_source
from storylens.ingest.sources import Source
from storylens.models import Article, Problem, RawItem

SUFFIXES = (".txt", ".md", ".html", ".xml", ".jsonl", ".json", ".csv", "")
OPTIONS = CleanOptions(zone=ZoneInfo("Europe/London"))
LIMIT = 50_000_000
HASH = re.compile(r"[0-9a-f]{32}")

fuzz = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def check(data: bytes) -> list[Article]:
    """Read ``data`` under every suffix and clean what is found; assert the only outcomes."""
    articles: list[Article] = []
    with tempfile.TemporaryDirectory() as folder:
        for number, suffix in enumerate(SUFFIXES):
            path = Path(folder) / f"input{number}{suffix}"
            path.write_bytes(data)
            found = list(read_source(Source(str(path), path), LIMIT))
            for outcome in found:
                assert isinstance(outcome, RawItem | Problem), type(outcome)
                if isinstance(outcome, Problem):
                    assert isinstance(outcome.reason, str)
                    assert outcome.reason.strip(), outcome
                    continue
                try:
                    article = clean_item(outcome, OPTIONS)
                except InputError as exc:
                    assert exc.message.strip()
                    continue
                assert isinstance(article, Article)
                assert article.title.strip(), (suffix, outcome)
                assert article.body.strip(), (suffix, outcome)
                assert HASH.fullmatch(article.content_hash), article.content_hash
                articles.append(article)
    return articles


def check_text(text: str) -> list[Article]:
    return check(text.encode("utf-8", "surrogatepass"))


# --- fragments ---------------------------------------------------------------------------------

WORDS = st.sampled_from(
    (
        "Lukashenko Putin Minsk Sochi protest the of and police said Monday 100,000 Belarus’s "
        "“crucial” — (Reuters) AP Advertisement pictured above elarusian café naïve 2020 ... ! ?"
    ).split()
)
SENTENCE = (
    st.lists(WORDS, min_size=1, max_size=14).map(" ".join).map(lambda s: s[0].upper() + s[1:] + ".")
)
JUNK = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=30,
)
PARAGRAPH = st.one_of(
    st.lists(SENTENCE, min_size=1, max_size=4).map(" ".join),
    st.sampled_from(
        [
            "(With AP inputs)",
            "(With inputs from Reuters)",
            "— AFP",
            "MINSK (Reuters) - Police detained hundreds of protesters on Sunday.",
            "(Reporting by Jane Doe; Editing by John Roe)",
            "Advertisement",
            "Protests in Minsk",
            "Belarusian opposition supporters take part in a rally in central Minsk",
            "elarusian opposition supporters take part in a rally",
            "## Heading",
            "> quoted **bold** [link](http://x.y/(a)) ![img](http://i.j/k.png)",
            "- item one\n- item two",
            "```\ncode\n",
            "<p>html in text</p>",
            "&amp; &#0; &#xD800; &nosuch;",
            "\u200b\u00a0\ufeff",
            "𝕳𝖊𝖑𝖑𝖔 👋 مرحبا שלום",
        ]
    ),
    JUNK,
)
BODY = st.lists(PARAGRAPH, min_size=0, max_size=6).map("\n\n".join)

# Curated date forms for the document tests; random date strings are fuzzed on their own below.
DATE_VALUES = st.one_of(
    st.sampled_from(
        [
            "2020-09-14",
            "2020-09-14-10-20-36",
            "2020-09-14 10:20:36",
            "2020-09-14T10:20:36+02:00",
            "Mon, 14 Sep 2020 10:20:36 GMT",
            "14/09/2020",
            "1600078836",
            "1600078836000",
            "99999999999999999999",
            "yesterday",
            "2020-09-14T10:20:36+25:00",
            "2020-09-14junk",
            "2999-01-01",
            "1700-01-01",
            "",
            "date",
        ]
    ),
)
# dates shaped like YAML timestamps but impossible: PyYAML raises ValueError on these
IMPOSSIBLE_YAML_DATES = st.sampled_from(["2020-13-45", "2020-02-30", "2020-09-14 25:61:00"])


# --- random input ------------------------------------------------------------------------------


@fuzz
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    check(data)


@fuzz
@given(st.text(max_size=1500))
def test_random_text(text: str) -> None:
    check_text(text)


@fuzz
@given(st.lists(st.one_of(PARAGRAPH, JUNK), max_size=8).map("\n".join), st.booleans())
def test_random_paragraphs(text: str, crlf: bool) -> None:
    check_text(text.replace("\n", "\r\n") if crlf else text)


# --- front matter and datelines ----------------------------------------------------------------

FRONT_MATTER_LINES = st.one_of(
    st.sampled_from(
        [
            "title: Belarus leader looks to Putin   ",
            "title: [unclosed",
            "title: {a: b",
            "title: 'unterminated",
            'title: "bad \\x escape"',
            "title:",
            "title: [a, b]",
            "title: {name: 5}",
            "categories: [latest, world] ",
            "categories: latest, world",
            "categories: {a: 1}",
            "featured: true ",
            "featured: maybe",
            "image: https://i.dailymail.co.uk/1s/x.jpg ",
            "url: ftp://example.com/a",
            "url: [1, 2]",
            "source: www.bbc.co.uk",
            "author: [By Jane, null, 3]",
            "content: teaser only",
            "description: >",
            "  folded text",
            "- a list item",
            "key without colon",
            ": no key",
            "\tindented: with a tab",
            "&anchor title: x",
            "*alias",
            "!!python/object:os.system x",
            "? [complex, key]",
            "title: |",
            "%YAML 1.1",
            "null",
            "---",
            "...",
        ]
    ),
    JUNK,
)


def front_matter(lines: list[str], close: str, body: str) -> str:
    return "--- \n" + "\n".join(lines) + "\n" + close + body


@fuzz
@given(
    st.lists(FRONT_MATTER_LINES, max_size=8),
    DATE_VALUES.map(lambda d: f"date: {json.dumps(d)}"),  # quoted: YAML keeps it a string
    st.sampled_from(["--- \n", "---\n", "...\n", "", "----\n"]),
    BODY,
)
def test_front_matter_with_broken_yaml(lines: list[str], date: str, close: str, body: str) -> None:
    check_text(front_matter([*lines, date], close, body))


@fuzz
@given(
    st.lists(FRONT_MATTER_LINES, max_size=8),
    st.one_of(DATE_VALUES, IMPOSSIBLE_YAML_DATES).map(lambda d: f"date: {d}"),
    BODY,
)
@example(lines=["title: T"], date="date: 2020-02-30", body="Body text.")
def test_front_matter_with_unquoted_junk_dates(lines: list[str], date: str, body: str) -> None:
    check_text(front_matter([*lines, date], "---\n", body))


@fuzz
@given(
    st.sampled_from(["", " ", "\t", "\n"]),
    st.sampled_from(["date", "DATE", "Date"]),
    st.sampled_from([" ", "\t", "  "]),
    DATE_VALUES,
    st.one_of(st.just(""), SENTENCE, JUNK),
    st.sampled_from(["\n", "\n\n", "\r\n", ""]),
    BODY,
)
def test_dateline_with_junk(
    lead_space: str, word: str, gap: str, date: str, lead: str, newline: str, body: str
) -> None:
    check_text(f"{lead_space}{word}{gap}{date} {lead}{newline}{body}")


# --- markup ------------------------------------------------------------------------------------

HTML_PIECES = st.one_of(
    PARAGRAPH.map(lambda p: f"<p>{p}</p>"),
    st.sampled_from(
        [
            "<!DOCTYPE html>",
            "<html lang='en'>",
            "<head><title>Belarus leader looks to Putin</title>",
            "<meta property='og:site_name' content='Example News'>",
            "<meta name='author' content='Jane Smith; By John Roe'>",
            "<meta property='article:published_time' content='2020-13-45T99:99:99'>",
            "<meta property='article:published_time' content='2020-09-14'>",
            "<meta property='og:url' content='javascript:alert(1)'>",
            "</head><body>",
            "<article>",
            "<h1>Headline</h1>",
            "<figure><img src=x><figcaption>Putin pictured above</figcaption></figure>",
            "<ul><li>one</li><li>two</li></ul>",
            "<script>var a = '</p>';</script>",
            "<table><tr><td>cell</td></tr></table>",
            "<div><div><div><p>nested",
            "</article></body></html>",
            "<!-- comment",
            "<![CDATA[ raw",
            "&amp;&lt;&#x110000;",
            "<p",
        ]
    ),
)
FEED_PIECES = st.one_of(
    PARAGRAPH.map(lambda p: f"<description>{p}</description>"),
    st.sampled_from(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
            '<feed xmlns="http://www.w3.org/2005/Atom">',
            "<channel><title>Example Wire</title><language>en</language>",
            "<item>",
            "<entry>",
            "<title>Lukashenko flies to Sochi</title>",
            "<title><![CDATA[<b>bold</b> title]]></title>",
            "<link>https://www.bbc.co.uk/news/x?utm_source=rss</link>",
            '<link href="https://example.org/a"/>',
            "<pubDate>Mon, 14 Sep 2020 10:20:36 GMT</pubDate>",
            "<pubDate>Mon, 45 Foo 2020 99:99:99 XYZ</pubDate>",
            "<published>2020-09-14T09:00:00+02:00</published>",
            "<content:encoded><![CDATA[<p>Full text one.</p><p>Two.</p>]]></content:encoded>",
            '<content type="html">&lt;p&gt;Atom text.&lt;/p&gt;</content>',
            '<enclosure url="https://i.dailymail.co.uk/x.jpg" type="image/jpeg"/>',
            "<author>jane@example.com (Jane Smith)</author>",
            "<category>World</category>",
            "</item>",
            "</entry>",
            "</channel></rss>",
            "</feed>",
            "<!ENTITY x 'y'>",
            "&undefined;",
        ]
    ),
)


@fuzz
@given(st.lists(HTML_PIECES, max_size=14).map("\n".join), st.integers(0, 3000))
def test_truncated_html(page: str, cut: int) -> None:
    check_text(page[:cut] if cut else page)


@fuzz
@given(st.lists(FEED_PIECES, max_size=14).map("\n".join), st.integers(0, 3000))
def test_truncated_feeds(feed: str, cut: int) -> None:
    check_text(feed[:cut] if cut else feed)


# --- JSON and CSV ------------------------------------------------------------------------------

KEYS = st.sampled_from(
    [
        "title", "headline", "name", "text", "body", "maintext", "content", "article",
        "published", "date", "publishedAt", "timestamp", "url", "link", "source", "outlet",
        "author", "authors", "description", "image", "categories", "category", "language",
        "via", "featured", "Title", "TEXT", "",
    ]
)  # fmt: skip
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False),
    PARAGRAPH,
    DATE_VALUES,
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["name", "id", "x"]), inner)
    ),
    max_leaves=6,
)
RECORDS = st.dictionaries(KEYS, JSON_VALUES, max_size=8)


@fuzz
@given(
    st.lists(
        st.one_of(
            RECORDS.map(json.dumps),
            RECORDS.map(json.dumps).map(lambda line: line[: len(line) // 2]),
            JSON_VALUES.map(json.dumps),
            st.sampled_from(["", "{", "}", "[", "]", "{}", "null", '{"text": "a" "b"}', "NaN"]),
            JUNK,
        ),
        min_size=1,
        max_size=6,
    ).map("\n".join)
)
def test_json_lines_fragments(text: str) -> None:
    check_text(text)


@fuzz
@given(
    st.one_of(
        st.lists(RECORDS, max_size=4),
        st.dictionaries(
            st.sampled_from(["articles", "items", "data", "status", "results"]),
            st.one_of(st.lists(RECORDS, max_size=3), JSON_VALUES),
            max_size=3,
        ),
        JSON_VALUES,
    ),
    st.sampled_from([None, 2]),
    st.integers(0, 2000),
)
def test_json_documents_whole_and_truncated(value: object, indent: int | None, cut: int) -> None:
    text = json.dumps(value, indent=indent)
    check_text(text[:cut] if cut else text)


CELLS = st.one_of(
    PARAGRAPH,
    DATE_VALUES,
    st.sampled_from(['"quoted, with comma"', '"multi\nline\n\nbody."', '"unterminated', '""', ""]),
)


@fuzz
@given(
    st.lists(st.sampled_from(["title", "text", "date", "url", "source", "x", ""]), max_size=5),
    st.lists(st.lists(CELLS, max_size=7), max_size=5),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["\n", "\r\n"]),
)
def test_csv_with_ragged_rows(
    header: list[str], rows: list[list[str]], delimiter: str, newline: str
) -> None:
    lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
    check_text(newline.join(lines) + newline)


# --- a well-formed baseline, so the properties above are not vacuous ---------------------------

PLAIN_SENTENCE = st.lists(
    st.sampled_from(["Lukashenko", "Putin", "Minsk", "police", "said", "protest", "the"]),
    min_size=3,
    max_size=8,
).map(lambda words: " ".join(words).capitalize() + ".")


@fuzz
@given(st.lists(PLAIN_SENTENCE, min_size=1, max_size=5))
def test_well_formed_dateline_gives_an_article_under_every_suffix(sentences: list[str]) -> None:
    text = "date 2020-09-14\n\n" + "\n\n".join(sentences)
    articles = check_text(text)
    assert len(articles) == len(SUFFIXES)
    for article in articles:
        assert article.format == "dateline"
        assert article.title == sentences[0].removesuffix(".")
        assert article.title_derived is True
        assert article.paragraphs[0].text == sentences[0]


# --- dates on their own --------------------------------------------------------------------------

LONDON = ZoneInfo("Europe/London")


@fuzz
@given(
    st.datetimes(min_value=datetime(1801, 1, 1), max_value=datetime(2024, 12, 31)),
    st.integers(-14 * 60, 14 * 60).map(lambda minutes: timedelta(minutes=minutes)),
    st.sampled_from(["T", " "]),
)
def test_iso_dates_with_an_offset_give_the_same_instant_in_utc(
    moment: datetime, offset: timedelta, sep: str
) -> None:
    moment = moment.replace(microsecond=0)
    aware = moment.replace(tzinfo=timezone(offset))
    parsed, precision, note = parse_published(aware.isoformat(sep=sep), None, LONDON)
    assert parsed == aware
    assert parsed is not None and parsed.tzinfo is UTC
    assert (precision, note) == ("minute", None)


@fuzz
@given(st.dates(min_value=date(1800, 1, 1), max_value=date(2024, 12, 31)), st.sampled_from("-/"))
def test_date_only_values_have_day_precision_at_midnight_utc(day: date, sep: str) -> None:
    value = day.strftime(f"%Y{sep}%m{sep}%d")
    parsed, precision, note = parse_published(value, None, LONDON)
    assert parsed == datetime(day.year, day.month, day.day, tzinfo=UTC)
    assert (precision, note) == ("day", None)


DATEISH = st.lists(
    st.one_of(
        st.integers(0, 10**22).map(str),
        st.sampled_from(["-", ":", "/", " ", "T", "Z", "+", ";", ".", ",", "GMT", "Mon", "Sep"]),
    ),
    min_size=1,
    max_size=8,
).map("".join)


@fuzz
@given(st.one_of(DATEISH, st.text(max_size=40)))
@example("67770000000000000000")  # a 'Unix timestamp' past year 9999: OSError
@example("100;0:00-3000")  # dateutil reads a -30:00 offset: ValueError in astimezone
@example("9999-12-31T23:59:59-05:00")  # OverflowError in astimezone
@example("1:99999999999999999999999999999")  # dateutil: decimal.InvalidOperation
def test_any_date_string_parses_or_raises_input_error(value: str) -> None:
    try:
        parsed, precision, _ = parse_published(value, None, LONDON)
    except InputError as exc:
        assert exc.message.strip()
        return
    if parsed is not None:
        assert parsed.tzinfo is UTC
        assert precision in {"day", "minute", "second"}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab c.’'\n-É1", max_size=300), st.integers(0, 40))
def test_first_words_is_a_prefix_of_words(text: str, limit: int) -> None:
    from storylens.text import first_words, words

    assert first_words(text, limit) == (words(text)[:limit] if limit > 0 else words(text))


# --- whole batches through the real ingest (issue 10) ------------------------------------------
#
# Good inputs and hostile ones side by side in one folder, ingested into a real store: every
# input must end as stored articles or recorded problems (never neither, never a traceback),
# and every record of every good input must be stored. The good ones carry what once lost
# records (a first JSON line over 4 KB, BOMs, a stray "?", gzip, bidi text); the hostile ones
# what once stopped a run or filled the store (lone surrogates, deep nesting, YAML aliases).

BATCH_WORDS = st.lists(
    st.sampled_from(
        "council bridge repairs voted closed traffic shop owners parking million fund engineers"
        " girders Tuesday said would town centre journeys officer meeting".split()
    ),
    min_size=6,
    max_size=30,
).map(lambda words: " ".join(words).capitalize() + ".")
BIDI_TEXT = st.sampled_from(["", "\u202eexe.png", "\u2067مرحبا\u2069", "\u200f", "שלום \u202d"])


def _good_record(n: int, sentence: str, bidi: str, long: bool) -> dict[str, object]:
    body = " ".join([sentence] * (60 if long else 2))
    return {
        "title": f"Bridge report {n} {bidi}".strip(),
        "text": f"{body} Report {n}.",
        "source": f"Courier {bidi}".strip(),
        "published": "2024-03-01",
        "url": f"https://courier.example/{n}",
    }


@st.composite
def good_inputs(draw: st.DrawFn, n: int) -> tuple[str, bytes, int]:
    """(suffix, bytes, records) of an input storylens must store whole."""
    sentence, bidi = draw(BATCH_WORDS), draw(BIDI_TEXT)
    kind = draw(st.sampled_from(["jsonl", "json", "csv", "dateline", "frontmatter", "html"]))
    if kind == "jsonl":
        count = draw(st.integers(1, 4))
        records = [_good_record(n * 10 + i, sentence, bidi, long=i == 0) for i in range(count)]
        text, suffix = "\n".join(json.dumps(r, ensure_ascii=False) for r in records), ".jsonl"
    elif kind == "json":
        count = 2
        records = [_good_record(n * 10 + i, sentence, bidi, long=True) for i in range(count)]
        text, suffix = json.dumps({"status": "ok", "articles": records}), ".json"
    elif kind == "csv":
        count = 1
        text = f"title,text,date\nBridge report {n} {bidi},{sentence} Report {n}.,2024-03-01\n"
        suffix = ".csv"
    elif kind == "dateline":
        count, suffix = 1, ".txt"
        text = f"date 2024-03-01\n\n{bidi}{sentence} Report {n}.\n\n{sentence}\n"
    elif kind == "frontmatter":
        count, suffix = 1, ".md"
        text = f"---\ntitle: Bridge report {n} {bidi}\ndate: 2024-03-01\n---\n{sentence} {n}.\n"
    else:
        count, suffix = 1, ".html"
        paragraphs = "\n".join(f"<p>{sentence} Part {i} of report {n}.</p>" for i in range(4))
        text = (
            f"<!DOCTYPE html>\n<html><head><title>Bridge report {n}</title>\n"
            "<!-- <rdf:RDF><rdf:Description rdf:about='x'/></rdf:RDF> -->\n"
            f"</head><body><article><h1>Bridge report {n}</h1>\n{paragraphs}\n"
            "</article></body></html>\n"
        )
    data = text.encode("utf-8")
    if kind == "html":
        data = draw(st.sampled_from([b"", b"\xef\xbb\xbf\xef\xbb\xbf", b"?"])) + data
    elif kind != "csv":
        data = draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + data
    if draw(st.booleans()):
        data, suffix = gzip.compress(data), draw(st.sampled_from([suffix + ".gz", ""]))
    return suffix, data, count


LAUGH_LINES = "\n".join(
    [f"a0: &a0 [{', '.join(['lol'] * 9)}]"]
    + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 7)]
)
HOSTILE = st.one_of(
    st.sampled_from(
        [
            (".jsonl", b'{"title": "Bridge \\udfff", "text": "Closed."}\n'),
            (".json", b'{"title": "Bridge", "text": "Closed \\ud800 today."}'),
            ("", b'{"title": "T", "text": "Closed.", "tag": "\\udfff"}\n{"text": "\\udc00"}\n'),
            (".jsonl", b'{"title": "T", "text": "Body.", "x": ' + b"[" * 900 + b"]" * 900 + b"}"),
            (".json", b'{"title": "T", "text": "Body.", "x": ' + b"[" * 40_000 + b"]" * 40_000),
            (".md", b"---\ntitle: T\nx: " + b"[" * 900 + b"]" * 900 + b"\n---\nBody text.\n"),
            (".md", b"---\ntitle: T\nx: " + b"{a: " * 3000 + b"}" * 3000 + b"\n---\nBody.\n"),
            (".md", f"---\ntitle: T\n{LAUGH_LINES}\n---\nBody text.\n".encode()),
            (".html.gz", gzip.compress(b"<p>" + b" " * 2_000_000 + b"</p>")),
            (".gz", b"\x1f\x8b\x08\x00garbage"),
            (".csv", b"title,text\n=HYPERLINK(\"x\"),=cmd|' /C calc'!A0\n"),
            (".xml", b"<rss><channel><item><title>&#xD800;</title></item></channel></rss>"),
            (".jsonl", json.dumps({"title": "T" * 20_000, "text": "Body."}).encode()),
        ]
    ),
    st.tuples(st.sampled_from(SUFFIXES), st.binary(max_size=300)),
)


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_every_input_of_a_batch_is_stored_or_a_problem_and_good_ones_are_stored(
    data: st.DataObject,
) -> None:
    from storylens.config import load_settings
    from storylens.pipeline import ingest
    from storylens.store import Store

    good = [data.draw(good_inputs(n)) for n in range(data.draw(st.integers(1, 4)))]
    hostile = data.draw(st.lists(HOSTILE, min_size=1, max_size=5))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        names: list[tuple[str, int | None]] = []  # (path, records that must be stored)
        for n, (suffix, content, count) in enumerate(good):
            (folder / f"good{n}{suffix}").write_bytes(content)
            names.append((str(folder / f"good{n}{suffix}"), count))
        for n, (suffix, content) in enumerate(hostile):
            (folder / f"hostile{n}{suffix}").write_bytes(content)
            names.append((str(folder / f"hostile{n}{suffix}"), None))
        with Store(Path(tmp) / "s.db") as store:
            ingest(store, [str(folder)], load_settings(environ={}))
            stored = {
                r[0]
                for r in store.conn.execute(
                    "SELECT origin FROM articles UNION SELECT origin FROM sightings"
                )
            }
            problems = {
                r[0]: r[1] for r in store.conn.execute("SELECT origin, reason FROM problems")
            }
    for name, count in names:
        mine = {o for o in stored if o == name or o.startswith(name + "#")}
        assert mine or name in problems, f"{name}: neither stored nor a problem"
        assert not problems.get(name, "").startswith("storylens failed"), problems[name]
        if count is not None:  # a good input: every record stored, no problem
            assert name not in problems, (name, problems[name])
            assert len(mine) == count, (name, sorted(mine))
