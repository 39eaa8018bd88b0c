"""The clean stage: credits, repeats, captions and headings, titles, dates, outlets, ids."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from storylens.clean import CleanOptions, canonical_url, clean_item, derive_title
from storylens.clean.credits import take_credits
from storylens.clean.dates import parse_published
from storylens.clean.outlets import resolve_outlet
from storylens.clean.paragraphs import is_caption, mark_captions, mark_headings, remove_repeats
from storylens.errors import InputError
from storylens.models import Article, Paragraph, RawItem

LONDON = ZoneInfo("Europe/London")
OPTIONS = CleanOptions(zone=LONDON)

LEAD = (
    "President Alexander Lukashenko of Belarus will seek the backing of Russia's Vladimir Putin "
    "at a crucial meeting on Monday after a fifth weekend of huge protests."
)
PROTESTS = (
    "At least 100,000 protesters took to the streets of the capital Minsk on Sunday, taunting "
    "Lukashenko with chants of 'You're a rat'. Police said they detained over 400 people."
)
KREMLIN = "Russia has also offered to restructure Belarusian debt and support the banking system."


def raw(*paragraphs: str | Paragraph, **fields: object) -> RawItem:
    paras = [p if isinstance(p, Paragraph) else Paragraph(p) for p in paragraphs]
    return RawItem(origin="in.txt", format="text", paragraphs=paras, **fields)  # type: ignore[arg-type]


def clean(
    *paragraphs: str | Paragraph, options: CleanOptions = OPTIONS, **fields: object
) -> Article:
    return clean_item(raw(*paragraphs, **fields), options)


def kinds(article: Article) -> list[tuple[str, str]]:
    return [(p.text, p.kind) for p in article.paragraphs]


# --- credits -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "credits"),
    [
        ("(With AP inputs)", ["AP"]),
        ("(With inputs from Reuters)", ["Reuters"]),
        ("— AFP", ["AFP"]),
        ("With inputs from AFP and Reuters", ["AFP", "Reuters"]),
        ("Additional reporting by the Associated Press", ["AP"]),
        ("Source: PTI.", ["PTI"]),
    ],
)
def test_credit_line_leaves_the_body(line: str, credits: list[str]) -> None:
    article = clean(LEAD, KREMLIN, line, title="Sochi talks")
    assert article.credits == credits
    assert [p.text for p in article.paragraphs] == [LEAD, KREMLIN]
    assert f"credit line removed from paragraph 3: {line!r}" in article.notes


def test_wire_dateline_prefix_is_removed_from_the_lead() -> None:
    article = clean(
        "MINSK (Reuters) - Belarusian President Alexander Lukashenko flew to Sochi on Monday.",
        KREMLIN,
        title="Lukashenko in Sochi",
    )
    assert article.credits == ["Reuters"]
    assert article.paragraphs[0].text == (
        "Belarusian President Alexander Lukashenko flew to Sochi on Monday."
    )
    assert "wire dateline 'MINSK (Reuters) -' removed from paragraph 1" in article.notes


def test_ap_dateline_and_staff_line() -> None:
    article = clean(
        "NEW YORK (AP) — Stocks rose on Monday.",
        KREMLIN,
        "(Reporting by Jane Doe; Editing by John Roe)",
        "(With AP inputs)",
    )
    assert article.credits == ["AP"]  # once, although credited twice
    assert [p.text for p in article.paragraphs] == ["Stocks rose on Monday.", KREMLIN]
    assert article.notes[:3] == [
        "wire dateline 'NEW YORK (AP) —' removed from paragraph 1",
        "wire staff line removed from paragraph 3: '(Reporting by Jane Doe; Editing by John Roe)'",
        "credit line removed from paragraph 4: '(With AP inputs)'",
    ]


def test_agency_named_inside_a_sentence_is_not_a_credit() -> None:
    text = "Reuters reported that the talks in Sochi lasted four hours."
    kept, credits, notes = take_credits([Paragraph(LEAD), Paragraph(text)])
    assert [p.text for p in kept] == [LEAD, text]
    assert (credits, notes) == ([], [])


def test_dateline_prefix_only_in_the_first_paragraph() -> None:
    later = "MINSK (Reuters) - a second wire lead quoted in the body."
    kept, credits, _ = take_credits([Paragraph(LEAD), Paragraph(later)])
    assert [p.text for p in kept] == [LEAD, later]
    assert credits == []


@pytest.mark.parametrize(
    "lead",
    [
        "KYIV, Ukraine (AP) — Russian forces shelled the city overnight.",
        "LONDON, Sept 14 (Reuters) - Russian forces shelled the city overnight.",
    ],
)
def test_wire_dateline_with_place_and_date(lead: str) -> None:
    kept, credits, _ = take_credits([Paragraph(lead)])
    assert kept[0].text == "Russian forces shelled the city overnight."
    assert len(credits) == 1


def test_only_credits_and_headings_left_raises() -> None:
    with pytest.raises(InputError, match="no report text left"):
        clean("(With AP inputs)", "Protests in Minsk")


def test_only_caption_like_paragraphs_are_kept_as_the_text() -> None:
    # a short breaking report without full stops looks like captions
    text = "Belarusian opposition supporters take part in a rally against election results"
    article = clean("(With AP inputs)", text)
    assert kinds(article) == [(text, "body")]
    assert article.title == text
    assert "only caption-like paragraphs: kept them as the report text" in article.notes


# --- repeats, captions, headings ---------------------------------------------------------------


def test_exact_repeat_is_removed_with_a_note_naming_the_paragraph() -> None:
    article = clean(LEAD, PROTESTS, KREMLIN, PROTESTS, title="T")
    assert [p.text for p in article.paragraphs] == [LEAD, PROTESTS, KREMLIN]
    assert (
        "paragraph 4 removed: repeats paragraph 2 "
        "('At least 100,000 protesters took to the streets of the capi…')"
    ) in article.notes


def test_repeat_ignores_case_quotes_and_spacing() -> None:
    variant = PROTESTS.upper().replace("'", "’").replace(" ", "  ")
    kept, notes = remove_repeats([Paragraph(PROTESTS), Paragraph(variant)], 0.5)
    assert [p.text for p in kept] == [PROTESTS]
    assert notes[0].startswith("paragraph 2 removed: repeats paragraph 1 ")


def test_caption_whose_tail_repeats_an_earlier_paragraph_is_removed() -> None:
    # seed 003: a caption that lost its first letter, then the text of paragraph 2 again
    caption = (
        "elarusian opposition supporters take part in a rally on September 13.\u00a0At least "
        "100,000 protesters took to the streets of the capital Minsk on Sunday, taunting "
        "Lukashenko with chants of 'You're a rat'"
    )
    article = clean(LEAD, PROTESTS, KREMLIN, caption, title="T")
    assert [p.text for p in article.paragraphs] == [LEAD, PROTESTS, KREMLIN]
    assert (
        "paragraph 4 removed: 24 of its 35 words repeat paragraph 2 (a caption repeating the "
        "text?) ('elarusian opposition supporters take part in a rally on Sep…')"
    ) in article.notes


def test_short_repeated_sentence_is_not_evidence_of_a_repeat() -> None:
    paragraphs = [Paragraph("He said no. Talks went on."), Paragraph("He said no. Then he left.")]
    kept, notes = remove_repeats(paragraphs, 0.5)
    assert len(kept) == 2
    assert notes == []


def test_captions_marked_and_subheadings_kept_as_headings() -> None:
    caption = (
        "Belarusian opposition supporters take part in a rally against presidential election "
        "results, in central Minsk, Belarus on September 13"
    )
    article = clean(
        LEAD,
        caption,
        "Protests in Minsk",
        PROTESTS,
        "elarusian opposition supporters rally in Minsk",
        "Advertisement",
        KREMLIN,
        title="T",
    )
    assert kinds(article) == [
        (LEAD, "body"),
        (caption, "caption"),
        ("Protests in Minsk", "heading"),
        (PROTESTS, "body"),
        ("elarusian opposition supporters rally in Minsk", "caption"),
        (KREMLIN, "body"),
    ]
    assert article.body == "\n\n".join([LEAD, "Protests in Minsk", PROTESTS, KREMLIN])
    assert "paragraph 2 marked as a caption ('Belarusian opposition supporters take part in a " in (
        "\n".join(article.notes)
    )
    assert "paragraph 6 removed: page furniture ('Advertisement')" in article.notes


def test_is_caption_rules() -> None:
    assert is_caption("Putin pictured above", 45)  # short, with a picture cue
    assert not is_caption("Protests in Minsk", 45)  # short, no cue: a subheading
    assert not is_caption("Police detained over 400 people on Sunday in the capital.", 45)
    assert not is_caption(" ".join(["Word"] * 46), 45)  # too long for a caption
    assert is_caption(" ".join(["Word"] * 45), 45)
    assert is_caption("lost its first letter", 45)  # "elarusian …": a caption cut short
    assert not is_caption("Protests", 45)


FEATURES = [  # a product's features as a list in the text: no full stops, not captions
    "Easy setup for all your phones, tablets and laptops at home",
    "Case can be charged with the cable or on a wireless charging mat",
    "Up to ten hours of listening on one charge of the battery",
]


def test_list_items_inside_the_text_are_text_and_at_its_edges_captions() -> None:
    items = [Paragraph(f, "item") for f in FEATURES]  # as the HTML reader marks <li>
    article = clean(LEAD, *items, KREMLIN, title="T")
    assert [p.kind for p in article.paragraphs] == ["body"] * 5  # stored as body
    assert not any("caption" in n for n in article.notes)
    # the same lines as plain paragraphs (a scraper's dump of every <p>) are captions
    article = clean(LEAD, *FEATURES, KREMLIN, title="T")
    assert [p.kind for p in article.paragraphs] == ["body", *["caption"] * 3, "body"]
    # a list closing the page is its related links
    article = clean(LEAD, KREMLIN, *items, title="T")
    assert [p.kind for p in article.paragraphs] == ["body", "body", *["caption"] * 3]


def test_caption_like_runs_at_the_edges_are_captions() -> None:
    related = [
        "Storm closes the coast road for the third time this winter",
        "Harbour lights festival opens with a parade of fishing boats",
    ]
    article = clean(LEAD, PROTESTS, KREMLIN, *related, title="T")
    assert [p.kind for p in article.paragraphs] == ["body"] * 3 + ["caption"] * 2


def test_bullets_emoji_endings_and_long_lower_case_paragraphs_are_text() -> None:
    bullet = "• Ferry fares rise by five per cent from March for all passengers"
    emoji = "We hope to see you all at the harbour festival again next year 🙂"
    lower = "and then " + " ".join(["the crews kept working through the night"] * 10)
    last = "The port reopened on Friday morning after the talks ended."
    cited = "“Keep the harbour open to every boat that needs it” [Harbour Act 1847, section 33]"
    article = clean(LEAD, bullet, PROTESTS, emoji, KREMLIN, lower, last, cited, title="T")
    assert [p.kind for p in article.paragraphs] == ["body"] * 8


def test_repeated_questions_labels_and_list_lines_are_kept() -> None:
    question = "What did the strike teach you about the port this year?"
    answers = [
        "That the night shift holds the whole harbour together, said the crane driver.",
        "That the ferry crews and the dockers need each other more than they admit.",
        "That nobody in the town office had ever watched a ship being unloaded.",
    ]
    paragraphs = [p for answer in answers for p in (question, "Biggest challenge:", answer)]
    article = clean(LEAD, *paragraphs, "Meal 2", "Meal 2", title="T")
    assert [p.text for p in article.paragraphs] == [LEAD, *paragraphs, "Meal 2", "Meal 2"]
    assert not any("removed" in n for n in article.notes)


def test_mark_headings_only_short_capitalised_unpunctuated_lines() -> None:
    marked = mark_headings(
        [
            Paragraph("Protests in Minsk"),
            Paragraph("Protests in Minsk."),
            Paragraph("protests in minsk"),
            Paragraph("What the Kremlin wants from Belarus this year"),  # 8 words
        ]
    )
    assert [p.kind for p in marked] == ["heading", "body", "body", "body"]


def test_mark_captions_leaves_headings_alone() -> None:
    out, notes = mark_captions([Paragraph("Putin pictured above", "heading")], 45)
    assert out == [Paragraph("Putin pictured above", "heading")]
    assert notes == []


def test_short_caption_with_picture_cue_is_a_caption_in_clean_item() -> None:
    article = clean(LEAD, "File photo: Alexander Lukashenko", KREMLIN, title="T")
    assert article.paragraphs[1].kind == "caption"


def test_note_paragraph_numbers_refer_to_the_input() -> None:
    article = clean(LEAD, "(With AP inputs)", PROTESTS, PROTESTS, title="T")
    assert any(n.startswith("paragraph 4 removed: repeats paragraph 3") for n in article.notes)


# --- titles ------------------------------------------------------------------------------------


def test_title_derived_from_the_lead_sentence() -> None:
    article = clean("Putin met Lukashenko in Sochi on Monday. They talked for hours.", KREMLIN)
    assert article.title == "Putin met Lukashenko in Sochi on Monday"
    assert article.title_derived is True
    assert "title derived from the lead sentence" in article.notes


def test_long_derived_title_is_cut_at_a_word() -> None:
    article = clean(LEAD, KREMLIN)
    assert article.title == (
        "President Alexander Lukashenko of Belarus will seek the backing of Russia's Vladimir…"
    )
    assert len(article.title) <= OPTIONS.title_max_chars + 1
    assert article.title_derived is True


def test_derived_title_skips_headings_and_respects_the_limit() -> None:
    paragraphs = [Paragraph("Protests in Minsk", "heading"), Paragraph(PROTESTS)]
    assert derive_title(paragraphs, 30) == "At least 100,000 protesters…"
    assert derive_title(paragraphs, 200) == (
        "At least 100,000 protesters took to the streets of the capital Minsk on Sunday, "
        "taunting Lukashenko with chants of 'You're a rat'"
    )


def test_given_title_is_kept_and_normalised() -> None:
    article = clean(LEAD, title="  Cafe\u0301 \x07owners   protest ")
    assert article.title == "Café owners protest"
    assert article.title_derived is False
    assert "title derived from the lead sentence" not in article.notes


def test_derived_title_survives_an_abbreviation() -> None:
    article = clean("U.S. President Donald Trump said on Monday that talks would go ahead.")
    assert article.title == "U.S. President Donald Trump said on Monday that talks would go ahead"


def test_derived_title_is_never_empty() -> None:
    article = clean("... Then the crowd left the square.", KREMLIN)
    assert re.search(r"\w", article.title), article.title


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "precision"),
    [
        ("2020-09-14T10:20:36+02:00", datetime(2020, 9, 14, 8, 20, 36, tzinfo=UTC), "minute"),
        ("2020-09-14T10:20:36Z", datetime(2020, 9, 14, 10, 20, 36, tzinfo=UTC), "minute"),
        ("Mon, 14 Sep 2020 10:20:36 GMT", datetime(2020, 9, 14, 10, 20, 36, tzinfo=UTC), "minute"),
        ("Tue, 15 Sep 2020 08:00:00 +0200", datetime(2020, 9, 15, 6, 0, tzinfo=UTC), "minute"),
        ("2020-09-14", datetime(2020, 9, 14, tzinfo=UTC), "day"),
        ("2020/09/14", datetime(2020, 9, 14, tzinfo=UTC), "day"),
        ("20200914", datetime(2020, 9, 14, tzinfo=UTC), "day"),
        ("14 September 2020", datetime(2020, 9, 14, tzinfo=UTC), "day"),
        ("1600078836", datetime(2020, 9, 14, 10, 20, 36, tzinfo=UTC), "minute"),
        ("1600078836000", datetime(2020, 9, 14, 10, 20, 36, tzinfo=UTC), "minute"),
    ],
)
def test_dates_with_a_zone_or_without_a_time(
    value: str, expected: datetime, precision: str
) -> None:
    assert parse_published(value, None, LONDON) == (expected, precision, None)


def test_naive_datetime_is_read_in_the_configured_zone() -> None:
    parsed, precision, note = parse_published("2020-09-14 10:20:36", None, LONDON)
    assert parsed == datetime(2020, 9, 14, 9, 20, 36, tzinfo=UTC)  # BST is UTC+1
    assert precision == "minute"
    assert note == "date has no time zone: read as Europe/London"

    winter, _, note = parse_published("2020-01-14 10:20", None, ZoneInfo("America/New_York"))
    assert winter == datetime(2020, 1, 14, 15, 20, tzinfo=UTC)
    assert note == "date has no time zone: read as America/New_York"


def test_explicit_format_from_the_reader() -> None:
    parsed, precision, note = parse_published("2020-09-14-10-20-36", "%Y-%m-%d-%H-%M-%S", LONDON)
    assert parsed == datetime(2020, 9, 14, 9, 20, 36, tzinfo=UTC)
    assert (precision, note) == ("minute", "date has no time zone: read as Europe/London")


def test_datetime_object_and_empty_values() -> None:
    aware = datetime(2020, 9, 14, 12, 0, tzinfo=ZoneInfo("Europe/Minsk"))
    assert parse_published(aware, None, LONDON) == (
        datetime(2020, 9, 14, 9, 0, tzinfo=UTC),
        "minute",
        None,
    )
    assert parse_published(None, None, LONDON) == (None, None, None)
    assert parse_published("   ", None, LONDON) == (None, None, None)


@pytest.mark.parametrize("value", ["2025-13-45", "not a date", "Monday", "2020-02-30"])
def test_impossible_date_raises_input_error(value: str) -> None:
    with pytest.raises(InputError, match=re.escape(f"unparseable date {value!r}")):
        parse_published(value, None, LONDON)


def test_far_future_and_far_past_raise_input_error() -> None:
    next_year = (datetime.now(UTC) + timedelta(days=400)).date().isoformat()
    with pytest.raises(InputError, match="out of range"):
        parse_published(next_year, None, LONDON)
    with pytest.raises(InputError, match="date 2999-01-01 is out of range"):
        parse_published("2999-01-01T00:00:00Z", None, LONDON)
    with pytest.raises(InputError, match="date 1700-01-01 is out of range"):
        parse_published("1700-01-01", None, LONDON)


def test_tomorrow_is_still_accepted() -> None:
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    parsed, _, _ = parse_published(tomorrow.isoformat(), None, LONDON)
    assert parsed is not None
    assert abs(parsed - tomorrow) < timedelta(seconds=1)


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:30:00+01:00"])
def test_edge_of_range_dates_raise_input_error(value: str) -> None:
    with pytest.raises(InputError):
        parse_published(value, None, LONDON)


def test_clean_item_dates_and_notes() -> None:
    dated = clean(LEAD, published="2020-09-14", title="T")
    assert (dated.published, dated.published_precision) == (
        datetime(2020, 9, 14, tzinfo=UTC),
        "day",
    )
    undated = clean(LEAD, title="T")
    assert (undated.published, undated.published_precision) == (None, None)
    assert "no publication date" in undated.notes
    with pytest.raises(InputError, match="unparseable date '2025-13-45'"):
        clean(LEAD, published="2025-13-45", title="T")


# --- outlets -----------------------------------------------------------------------------------


def test_outlet_named_explicitly_wins_over_the_url() -> None:
    assert resolve_outlet("BBC News", "https://bbc.co.uk/news/x", None, None) == (
        "BBC News",
        "bbc.co.uk",
        None,
    )


def test_outlet_from_the_url_domain_table() -> None:
    article = clean(LEAD, title="T", url="https://www.bbc.co.uk/news/world-europe-54144435")
    assert article.outlet == "BBC"
    assert article.extra["_domain"] == "bbc.co.uk"
    assert "outlet 'BBC' from the URL domain bbc.co.uk" in article.notes
    # a subdomain matches its listed parent
    assert resolve_outlet(None, "https://edition.cnn.com/x", None, None)[0] == "CNN"


def test_outlet_from_the_image_host() -> None:
    article = clean(LEAD, title="T", image="https://i.dailymail.co.uk/1s/2020/09/14/x.jpg")
    assert article.outlet == "Daily Mail"
    assert "outlet 'Daily Mail' from the image host i.dailymail.co.uk" in article.notes


def test_unknown_domain_gives_the_domain() -> None:
    article = clean(LEAD, title="T", url="https://news.unknown-site.example/a")
    assert article.outlet == "news.unknown-site.example"


def test_source_field_holding_a_domain() -> None:
    assert resolve_outlet("www.dailymail.co.uk", None, None, None) == (
        "Daily Mail",
        "dailymail.co.uk",
        "source field (a domain)",
    )


def test_outlet_option_is_the_fallback() -> None:
    options = CleanOptions(zone=LONDON, outlet="Finescoop")
    article = clean(LEAD, title="T", options=options)
    assert article.outlet == "Finescoop"
    assert "outlet 'Finescoop' from the --outlet option" in article.notes
    # an unknown image host does not beat the option
    assert resolve_outlet(None, None, "https://cdn.example.net/x.jpg", "Finescoop") == (
        "Finescoop",
        "cdn.example.net",
        "--outlet option",
    )
    # but the URL does
    with_url = clean(LEAD, title="T", url="https://apnews.com/a", options=options)
    assert with_url.outlet == "AP"


def test_configured_domains_extend_the_table() -> None:
    options = CleanOptions(zone=LONDON, outlet_domains={"finescoop.com": "Finescoop"})
    article = clean(LEAD, title="T", url="https://www.finescoop.com/post/1", options=options)
    assert article.outlet == "Finescoop"


def test_no_outlet_clue_at_all() -> None:
    article = clean(LEAD, title="T")
    assert article.outlet is None


def test_via_equal_to_outlet_is_dropped() -> None:
    assert clean(LEAD, title="T", outlet="BBC", via="bbc").via is None
    assert clean(LEAD, title="T", via="Finescoop").via == "Finescoop"


# --- URLs, ids and hashes ----------------------------------------------------------------------


def test_canonical_url_drops_tracking_and_fragment() -> None:
    url = "https://WWW.Example.com/world/story/?utm_source=rss&id=3&utm_medium=feed&fbclid=x#top"
    assert canonical_url(url) == "https://example.com/world/story?id=3"
    assert canonical_url("http://example.com/world/story?id=3") == (
        "https://example.com/world/story?id=3"
    )
    assert canonical_url("https://example.com") == "https://example.com/"
    assert canonical_url("ftp://example.com/a") is None
    assert canonical_url("not a url") is None
    assert canonical_url(None) is None


def test_url_variants_give_the_same_article_id() -> None:
    a = clean(LEAD, title="T", url="https://www.bbc.co.uk/news/x?utm_source=twitter#comments")
    b = clean(LEAD, title="Other title", url="http://bbc.co.uk/news/x/")
    assert a.url == b.url == "https://bbc.co.uk/news/x"
    assert a.id == b.id
    c = clean(LEAD, title="T", url="https://www.bbc.co.uk/news/y")
    assert c.id != a.id


def test_non_http_url_is_ignored_with_a_note() -> None:
    article = clean(LEAD, title="T", url="ftp://example.com/a")
    assert article.url is None
    assert "not an http(s) URL, ignored: 'ftp://example.com/a'" in article.notes


def test_same_text_same_id_and_hash_different_text_different() -> None:
    a = clean(LEAD, PROTESTS)
    b = clean(LEAD, PROTESTS)
    assert (a.id, a.content_hash) == (b.id, b.content_hash)
    assert re.fullmatch(r"[0-9a-f]{16}", a.id)
    assert re.fullmatch(r"[0-9a-f]{32}", a.content_hash)

    c = clean(LEAD, KREMLIN)
    assert c.id != a.id
    assert c.content_hash != a.content_hash


def test_content_hash_ignores_spacing_quotes_captions_and_credits() -> None:
    a = clean(LEAD, PROTESTS, title="T")
    b = clean(
        LEAD.replace("'", "’").replace(" ", "  "),
        "Belarusian opposition supporters take part in a rally against election results, in Minsk",
        PROTESTS,
        "(With AP inputs)",
        title="T",
    )
    assert b.content_hash == a.content_hash
    assert b.id == a.id  # no URL: the id is the title plus the text


def test_same_text_under_another_title_shares_the_hash_not_the_id() -> None:
    a = clean(LEAD, title="Belarus leader looks to Putin")
    b = clean(LEAD, title="Lukashenko heads to Sochi")
    assert a.content_hash == b.content_hash
    assert a.id != b.id


# --- the rest of the article -------------------------------------------------------------------


def test_authors_lose_by_and_repeat() -> None:
    article = clean(LEAD, title="T", authors=["By Jane Smith", "Jane Smith", "from John Roe"])
    assert article.authors == ["Jane Smith", "John Roe"]


def test_language_guessed_for_english_text_only() -> None:
    assert clean(LEAD, PROTESTS, KREMLIN, title="T").language == "en"
    assert clean(LEAD, title="T", language="de").language == "de"
    assert clean("Минск. Протест продолжается.", title="T").language is None


def test_origin_includes_the_item_index() -> None:
    article = clean_item(RawItem("feed.xml", "rss", [Paragraph(LEAD)], item=3, title="T"), OPTIONS)
    assert article.origin == "feed.xml#3"
    assert article.format == "rss"
