"""Numeric claims from real spaCy parses, and how claims from two outlets reconcile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from storylens.enrich.claims import extract_claims
from storylens.enrich.numbers import interval, parse_number, vague
from storylens.models import Claim

from .conftest import SEEDS, needs_shared

Extract = Callable[[str], list[Claim]]
INF = None


@pytest.fixture(scope="module")
def nlp() -> Any:
    pytest.importorskip("spacy")
    from storylens.enrich import nlp

    return nlp.load()


@pytest.fixture(scope="module")
def claims(nlp: Any) -> Extract:
    def run(text: str) -> list[Claim]:
        out: list[Claim] = []
        for i, sent in enumerate(nlp(text).sents):
            out += extract_claims(sent, i)
        return out

    return run


def _one(claims: Extract, text: str) -> Claim:
    found = claims(text)
    assert len(found) == 1, [(c.text, c.subject) for c in found]
    return found[0]


def _value(c: Claim) -> tuple[float | None, float | None, bool, bool]:
    return c.lo, c.hi, c.lo_open, c.hi_open


# --- number words and intervals, without a parse ------------------------------------------------


def test_number_words() -> None:
    assert parse_number(["100,000"]) == 100000
    assert parse_number(["1.2", "million"]) == 1_200_000
    assert parse_number(["a", "dozen"]) == 12
    assert parse_number(["seven"]) == 7
    assert parse_number(["twenty-one"]) == 21
    assert parse_number(["two", "hundred", "and", "fifty"]) == 250
    assert parse_number(["£300m"[1:]]) == 300_000_000
    assert parse_number(["four", "and", "a", "half"]) == 4.5
    assert parse_number(["seventh"]) is None
    assert vague(["tens", "of", "thousands"]) == (20_000, 100_000)
    assert vague(["hundreds"]) == (200, 1000)


def test_qualifier_intervals() -> None:
    assert interval(400, "over") == (400, None, True, False)
    assert interval(400, "at least") == (400, None, False, False)
    assert interval(400, "up to") == (None, 400, False, False)
    assert interval(400, "under") == (None, 400, False, True)
    assert interval(400, "about") == (360, 440, False, False)
    assert interval(400, "nearly") == (360, 400, False, True)
    assert interval(400, None) == (400, 400, False, False)


# --- claims from parsed sentences ----------------------------------------------------------------

CASES = [  # sentence, number words, subject, (lo, hi, lo_open, hi_open), unit
    ("Meanwhile, over 100,000 protestors marched through the streets.", "over 100,000",
     "protesters", (100000, INF, True, False), None),
    ("At least 100,000 protesters took to the streets.", "At least 100,000",
     "protesters", (100000, INF, False, False), None),
    ("Thousands of demonstrators gathered in the square.", "Thousands",
     "demonstrators", (2000, 10000, False, True), None),
    ("Tens of thousands of people marched in the capital.", "Tens of thousands",
     "people marched in capital", (20000, 100000, False, True), None),
    ("Hundreds of residents gathered outside the church.", "Hundreds",
     "residents", (200, 1000, False, True), None),
    ("Dozens of shops were closed.", "Dozens", "shops", (24, 100, False, True), None),
    ("Hundreds of thousands of people signed the petition.", "Hundreds of thousands",
     "people signed petition", (200000, 1000000, False, True), None),
    ("A dozen firefighters were injured.", "A dozen", "firefighters", (12, 12, False, False),
     None),
    ("Police said they detained over 400 people.", "over 400", "detained",
     (400, INF, True, False), None),
    ("Police said 400 people were arrested.", "400", "arrested", (400, 400, False, False), None),
    ("The attack killed 12 people.", "12", "killed", (12, 12, False, False), None),
    ("Two people died in the crash.", "Two", "died", (2, 2, False, False), None),
    ("Thirty-one people were injured.", "Thirty-one", "injured", (31, 31, False, False), None),
    ("Sixty-one ships were queued off the port.", "Sixty-one", "vessels",
     (61, 61, False, False), None),
    ("About 4,200 members of the union stopped work.", "About 4,200", "members",
     (3780, 4620, False, False), None),
    ("Nearly 300 households were evacuated.", "Nearly 300", "households",
     (270, 300, False, True), None),
    ("As many as 5,000 families could lose their homes.", "As many as 5,000", "families",
     (INF, 5000, False, False), None),
    ("Fewer than 50 workers came.", "Fewer than 50", "workers", (INF, 50, False, True), None),
    ("Between 300 and 400 workers joined the strike.", "Between 300 and 400", "workers",
     (300, 400, False, False), None),
    ("Officials said 300-400 workers joined the strike.", "300-400", "workers",
     (300, 400, False, False), None),
    ("More than 12,000 people were evacuated from towns along the river, officials said.",
     "More than 12,000", "evacuated", (12000, INF, True, False), None),
    ("He says he won fairly with 80% of the vote.", "80%", "vote share",
     (80, 80, False, False), "%"),
    ("Brandt won 48.6 percent, while Holloway took 39.1 percent.", "48.6 percent",
     "vote share", (48.6, 48.6, False, False), "%"),
    ("Inflation fell to 2.4 percent in February.", "2.4 percent", "inflation",
     (2.4, 2.4, False, False), "%"),
    ("The union wants a 9% pay increase.", "9%", "pay increase", (9, 9, False, False), "%"),
    ("Lukashenko, facing the gravest crisis of his 26 years in power, will travel to Sochi.",
     "26 years", "duration in power", (26, 26, False, False), "years"),
    ("He has run the bakery for 26 years.", "26 years", "run duration",
     (26, 26, False, False), "years"),
    ("The talks lasted nine hours.", "nine hours", "talk duration", (9, 9, False, False),
     "hours"),
    ("The first in nine months.", "nine months", "duration", (9, 9, False, False), "months"),
    ("The project cost £3.1 billion.", "£3.1 billion", "project cost",
     (3.1e9, 3.1e9, False, False), "£"),
    ("The government will spend 1.2 million pounds on repairs.", "1.2 million pounds",
     "spending on repairs", (1.2e6, 1.2e6, False, False), "£"),
    ("The stoppage cost the regional economy more than £300m.", "more than £300m",
     "stoppage cost", (3e8, INF, True, False), "£"),
    ("Executives received bonuses worth £2.4m last year.", "£2.4m", "bonuses",
     (2.4e6, 2.4e6, False, False), "£"),
    ("The river reached 6.8 metres on Tuesday.", "6.8 metres", "river level",
     (6.8, 6.8, False, False), "m"),
    ("The 14.2-km tunnel opened on Monday.", "14.2-km", "tunnel", (14.2, 14.2, False, False),
     "km"),
    ("The tunnel cut the trip from 2 hours 40 minutes.", "2 hours 40 minutes", "trip duration",
     (160, 160, False, False), "minutes"),
    ("Anchor Bank trimmed rates by between 0.1 and 0.25 percentage points.",
     "between 0.1 and 0.25 percentage points", "rates", (0.1, 0.25, False, False),
     "percentage points"),
    ("Belarus protests entered its sixth week despite reports of arrests.", "its sixth week",
     "protest duration", (6, 6, False, False), "weeks"),
    ("He will meet Putin after a fifth consecutive weekend of huge protests.",
     "a fifth consecutive weekend", "protest duration", (5, 5, False, False), "weekends"),
    ("The strike entered its second day on Wednesday.", "its second day", "strike duration",
     (2, 2, False, False), "days"),
    ("The walkout reached its seventh day.", "its seventh day", "strike duration",
     (7, 7, False, False), "days"),
    ("Dockers ended an eight-day strike.", "eight-day", "strike duration", (8, 8, False, False),
     "days"),
    ("They were offered a deal after 19 hours of talks.", "19 hours", "talk duration",
     (19, 19, False, False), "hours"),
    ("Containers had been stuck offshore for more than a week.", "more than a week",
     "stick duration", (1, INF, True, False), "weeks"),
    ("You had thousands of tonnes of plastic in a shed.", "thousands of tonnes", "plastic",
     (2000, 10000, False, True), "tonnes"),
    ("Two of the 19 people injured remain in hospital.", "19", "injured",
     (19, 19, False, False), None),
    ("Eastbrook sent 30 staff to Millbridge.", "30", "staff", (30, 30, False, False), None),
    # a place's size in people is its population, however the sentence puts it
    ("Two hotels in Corvale, a city of 160,000 people, collapsed.", "160,000", "population",
     (160000, 160000, False, False), None),
    ("Power was cut to the port town of population 16,700.", "16,700", "population",
     (16700, 16700, False, False), None),
    ("Brennock, population 12,500, was flooded.", "12,500", "population",
     (12500, 12500, False, False), None),
    ("Saltmere is home to over 170,000 people.", "over 170,000", "population",
     (170000, INF, True, False), None),
    # a number standing for an earlier noun: that noun, and what the verb says of it
    ("Three other bombs exploded outside the camp: two landed near the airfield.", "two",
     "bombs that landed near airfield", (2, 2, False, False), None),
    # … but an earlier count of people is not a thing counted: the state is
    ("A magnitude 6.1 earthquake hit the region where five people were killed and hundreds "
     "injured.", "hundreds", "injured", (200, 1000, False, True), None),
    ("The quake left 24 people dead and over 200 injured.", "over 200", "injured",
     (200, INF, True, False), None),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "words", "subject", "value", "unit"), CASES)
def test_claim(
    claims: Extract,
    sentence: str,
    words: str,
    subject: str,
    value: tuple[float | None, float | None, bool, bool],
    unit: str | None,
) -> None:
    c = next((c for c in claims(sentence) if c.text == words), None)
    assert c is not None, [(c.text, c.subject) for c in claims(sentence)]
    assert (c.subject, _value(c), c.unit) == (subject, value, unit)
    assert sentence[c.start : c.end] == words


def test_a_population_in_a_later_sentence(claims: Extract) -> None:
    # the word before the figure is read from the figure's own sentence, not the report's start
    text = "The river burst its banks on Monday night. Brennock, population 12,500, was flooded."
    (c,) = [c for c in claims(text) if c.text == "12,500"]
    assert c.subject == "population"


def test_offsets_are_relative_to_the_sentence(claims: Extract) -> None:
    found = claims("The fire was put out. About 80 firefighters attended.")
    assert [(c.sentence, c.start, c.end, c.text) for c in found] == [(1, 0, 8, "About 80")]


def test_qualifier_is_kept(claims: Extract) -> None:
    assert _one(claims, "Over 20,000 marchers filled the streets.").qualifier == "over"
    assert _one(claims, "Tens of thousands marched.").qualifier == "tens of thousands"
    assert _one(claims, "The strike entered its fifth day.").qualifier == "ordinal"


ATTRIBUTIONS = [
    ("Police said they detained over 400 people.", "police"),
    ("Seven people died in the crash, according to the fire service.", "fire service"),
    ("More than 12,000 people were evacuated, officials said.", "officials"),
    ("The Saltmere Dockworkers' Union said about 4,200 of its members had joined.",
     "Saltmere Dockworkers' Union"),
    ("Ilse Marrow said 600 jobs were at risk.", "Ilse Marrow"),
    ("The union put the turnout at 35,000.", "union"),
    ("About 80 firefighters attended the fire.", None),
    ("She said 14 people were hurt.", "she"),  # the stage resolves the pronoun
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "who"), ATTRIBUTIONS)
def test_attribution(claims: Extract, sentence: str, who: str | None) -> None:
    assert _one(claims, sentence).attribution == who


NOT_CLAIMS = [
    "The talks were held on September 14, 2020.",
    "In 2020 the port was sold.",
    "He won the 2015 Nobel Prize for Literature.",
    "A 33-year-old man was arrested.",
    '"We have to march," said Gennady, 35, a logistics worker.',
    "The fire started at 2.10am and the roof fell at 4am, before 6 a.m.",
    "For the first time, Rovers reached the final.",
    "Call 0800-123-4567 for details.",
    "The ships waited at Terminal 4 while Terminals 1 to 4 were closed.",
    "See page 12 and section 3 of the report.",
    "Rovers beat Dunholt 2-1 at the Castle Ground.",
    "One worker, who asked not to be named, said the smoke was black.",
    "The body of a woman in her 40s was found.",
    "Pollution reached more than six times the recommended limit.",
]


@pytest.mark.parametrize("sentence", NOT_CLAIMS)
def test_not_claims(claims: Extract, sentence: str) -> None:
    assert [(c.text, c.subject) for c in claims(sentence)] == []


def test_a_rate_per_day_is_not_a_duration(claims: Extract) -> None:
    assert [c.text for c in claims("Westline will run 48 trains a day.")] == ["48"]


def test_list_numbering_is_skipped(nlp: Any) -> None:
    doc = nlp("1. Ten people were hurt.")
    found = [c for i, s in enumerate(doc.sents) for c in extract_claims(s, i)]
    assert [c.text for c in found] == ["Ten"]


# --- the two seed reports of the same story ------------------------------------------------------


@pytest.fixture(scope="module")
def seed_claims(nlp: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Claim]]:
    from storylens.config import load_settings
    from storylens.pipeline import ingest
    from storylens.queries import list_articles
    from storylens.store import Store

    out: dict[str, list[Claim]] = {}
    if not SEEDS.is_dir():
        return {}
    with Store(tmp_path_factory.mktemp("seeds") / "seeds.db") as store:
        ingest(store, [str(SEEDS)], load_settings(environ={}, config_file=None))
        for art in list_articles(store, limit=None):
            texts = [p.text for p in art.paragraphs if p.kind != "caption"]
            found: list[Claim] = []
            for doc in nlp.pipe(texts):
                found += [c for i, s in enumerate(doc.sents) for c in extract_claims(s, i)]
            name = art.origin.rsplit("/", 1)[-1][:3]
            out[name] = found
    return out


def _find(found: list[Claim], subject: str) -> list[Claim]:
    return [c for c in found if c.subject == subject]


@needs_shared
def test_seed_crowd_figures_are_one_compatible_claim(seed_claims: dict[str, list[Claim]]) -> None:
    (a,) = {c.text: c for c in _find(seed_claims["000"], "protesters")}.values()
    (b,) = {c.text: c for c in _find(seed_claims["003"], "protesters")}.values()
    assert (a.text, _value(a)) == ("over 100,000", (100000, None, True, False))
    assert (b.text, _value(b)) == ("At least 100,000", (100000, None, False, False))


@needs_shared
def test_seed_detentions_only_in_the_daily_mail_attributed_to_police(
    seed_claims: dict[str, list[Claim]],
) -> None:
    detained = [c for c in _find(seed_claims["003"], "detained") if c.text == "over 400"]
    assert len(detained) == 1
    assert (_value(detained[0]), detained[0].attribution) == ((400, None, True, False), "police")


@needs_shared
def test_seed_protest_durations_align_as_differing_wording(
    seed_claims: dict[str, list[Claim]],
) -> None:
    (week,) = _find(seed_claims["000"], "protest duration")
    (weekend,) = _find(seed_claims["003"], "protest duration")
    assert (week.text, week.lo, week.unit) == ("its sixth week", 6, "weeks")
    assert (weekend.text, weekend.lo, weekend.unit) == (
        "a fifth consecutive weekend",
        5,
        "weekends",
    )


@needs_shared
def test_seed_other_claims(seed_claims: dict[str, list[Claim]]) -> None:
    mail = {(c.subject, c.text) for c in seed_claims["003"]}
    assert {("vote share", "80%"), ("duration in power", "26 years")} <= mail
    assert ("arrested", "thousands") in mail
    assert ("countries", "at least seven") in {(c.subject, c.text) for c in seed_claims["000"]}


def test_a_range_cut_off_at_the_sentence_end_is_one_value(claims: Extract) -> None:
    # found on ECB+: the range reader looked past the last token
    assert [c.text for c in claims("The toll rose to between 300 and")] == ["300"]
    assert [c.text for c in claims("Scores were 5 -")] == ["5"]


# --- forms of real news (issue 9): votes, odds, fractions, ranges, conversions ------------------

FORMS = [  # sentence, [(number words, subject, (lo, hi, lo_open, hi_open), unit)]
    ("The House voted 231-199 to pass the bill.",
     [("231", "votes for", (231, 231, False, False), None),
      ("199", "votes against", (199, 199, False, False), None)]),
    ("The measure passed 120-to-71 in the state assembly.",
     [("120", "votes for", (120, 120, False, False), None),
      ("to-71", "votes against", (71, 71, False, False), None)]),
    ("The Senate confirmed the nominee 52 to 48 on Thursday.",
     [("52", "votes for", (52, 52, False, False), None),
      ("48", "votes against", (48, 48, False, False), None)]),
    ("The measure failed 45-55 in the Senate.",
     [("45", "votes for", (45, 45, False, False), None),
      ("55", "votes against", (55, 55, False, False), None)]),
    ("Thirty-one percent of Americans approve of the way Congress is handling its job.",
     [("Thirty-one percent", "Americans", (31, 31, False, False), "%")]),
    ("The poll has a margin of error of plus or minus 3 percentage points.",
     [("3 percentage points", "margin of error", (3, 3, False, False), "percentage points")]),
    ("Biden leads Trump 48 percent to 42 percent among registered voters.",
     [("48 percent", "support for Biden", (48, 48, False, False), "%"),
      ("42 percent", "support for Trump", (42, 42, False, False), "%")]),
    ("Forecasters gave the storm a one-in-three chance of reaching the coast.",
     [("one-in-three", "chance", (33.333333, 33.333333, False, False), "%")]),
    ("Two-thirds of the members voted to strike.",
     [("Two-thirds", "members", (66.666667, 66.666667, False, False), "%")]),
    ("But more than half of the 288 candidates are party members.",
     [("more than half", "candidates", (50, INF, True, False), "%"),
      ("288", "candidates", (288, 288, False, False), None)]),
    ("The blast was about a quarter mile from the compound.",
     [("about a quarter mile", "distance from compound", (0.225, 0.275, False, False),
       "miles")]),
    ("The meeting lasted half an hour.",
     [("half an hour", "meeting duration", (0.5, 0.5, False, False), "hours")]),
    ("A half-dozen senators have announced their opposition.",
     [("half-dozen", "senators", (6, 6, False, False), None)]),
    ("The campaign raised between $12 and $15 million in the third quarter.",
     [("between $12 and $15 million", "funds raised", (12e6, 15e6, False, False), "$")]),
    ("Prosecutors recommended a sentence of 30 to 37 months in prison.",
     [("30 to 37 months", "duration in prison", (30, 37, False, False), "months")]),
    ("Nearly $44 million was spent on advertising in the race.",
     [("Nearly $44 million", "spending on advertising", (39.6e6, 44e6, False, True), "$")]),
    ("It struck some 75 kilometres (50 miles) west of the city.",
     [("some 75 kilometres", "distance west of city", (67.5, 82.5, False, False), "km"),
      ("50 miles", "distance west of city", (45, 55, False, False), "miles")]),
    ("The officer was shot eleven times.",
     [("eleven times", "times shot", (11, 11, False, False), None)]),
    ("A landslide engulfed a coffee plantation, killing one man.",
     [("one", "man", (1, 1, False, False), None)]),
    ("Police said two women and one man died at the branch.",
     [("two", "women", (2, 2, False, False), None), ("one", "man", (1, 1, False, False), None)]),
    ("There was one arrest on Monday night.", [("one", "arrest", (1, 1, False, False), None)]),
    ("Hundreds of people have been living in tents since the quake.",
     [("Hundreds", "people living in tents", (200, 1000, False, True), None)]),
    ("Some 55,000 18-year-olds a month will be eligible.",
     [("Some 55,000", "18-year-olds", (49500, 60500, False, False), None)]),
    ("Seven AK-47 assault rifles were found in the boats.",
     [("Seven", "AK-47 assault rifles", (7, 7, False, False), None)]),
    ("The couple reported $3.4 million in speech fees.",
     [("$3.4 million", "speech fees", (3.4e6, 3.4e6, False, False), "$")]),
    ("They paid an effective federal tax rate of 31.6 percent.",
     [("31.6 percent", "effective federal tax rate", (31.6, 31.6, False, False), "%")]),
    ("Clinton earned $225,000 for each of three speeches.",
     [("$225,000", "earnings for speeches", (225000, 225000, False, False), "$"),
      ("three", "speeches", (3, 3, False, False), None)]),
    ("Authorities said turnout reached 93.87 percent in the election.",
     [("93.87 percent", "turnout", (93.87, 93.87, False, False), "%")]),
    ("The craft weighs 530 pounds (240kg).",
     [("530 pounds", "craft weight", (530, 530, False, False), "lbs"),
      ("240kg", "craft weight", (240, 240, False, False), "kg")]),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "expected"), FORMS)
def test_forms(
    claims: Extract,
    sentence: str,
    expected: list[tuple[str, str, tuple[float | None, float | None, bool, bool], str | None]],
) -> None:
    found = [(c.text, c.subject, _value(c), c.unit) for c in claims(sentence)]
    assert found == expected


# A subject is never a placeholder or a person's name; when the parse names nothing, it is "".
NO_SUBJECT = [
    "The Treasury put the figure at $4.2 billion.",
    "Biden's campaign paid Smith $50,000.",
]


@pytest.mark.parametrize("sentence", NO_SUBJECT)
def test_no_placeholder_or_name_as_subject(claims: Extract, sentence: str) -> None:
    (c,) = claims(sentence)
    assert c.subject in ("", "payment")
    assert c.subject not in ("figure", "amount", "claim", "share", "Smith")


MORE_NOT_CLAIMS = [
    "She took the No. 2 job at the Justice Department.",
    "He carried an AK-47 rifle.",
    "Officers from the 67th Precinct responded.",
    "The plant closed ten years ago.",
    "Two days after the vote, the minister resigned.",
    "With just four days to go before the election, nobody knew.",
    "The two met in Geneva on Monday.",
    "Talks between the two sides broke down.",
    "One of the protesters threw a bottle.",
    "One protester threw a bottle at the police.",
    "No one was hurt.",
    "Here's a nice one, he said.",
    "The singer, 27, said she was tired.",
    "They have an 18-month-old son.",
    "The ship sent a message at 1100 hours.",
    "The quake struck at 0737 GMT.",
    "Those aged between 15 and 44 were hardest hit.",
    "Sir John Cass (1661- 1718) was a merchant.",
    "Call the helpline on 116 123.",
    "City suffered a shocking 5-2 defeat at home.",
    "She divorced him when she was 40.",
    "It was around three in the morning.",
]


@pytest.mark.parametrize("sentence", MORE_NOT_CLAIMS)
def test_more_not_claims(claims: Extract, sentence: str) -> None:
    assert [(c.text, c.subject) for c in claims(sentence)] == []


def test_a_rate_denominator_is_not_a_claim(claims: Extract) -> None:
    assert [c.text for c in claims("Cases rose to 28 per 100,000 people.")] == ["28"]


MORE_ATTRIBUTIONS = [
    ("A Quinnipiac poll released Wednesday found 46 percent of voters approve of him.",
     "quinnipiac poll"),
    ("Prosecutors recommended a sentence of 30 to 37 months.", "prosecutors"),
    ("Court records revealed that she earned $225,000 per speech.", "court records"),
    ("The Treasury put the figure at $4.2 billion.", "Treasury"),
    ("An autopsy shows that he was hit by three bullets.", "autopsy"),
    ("Donors gave more than $180,000 to the PAC, filings show.", "filings"),
    ("Two-thirds of Republicans said they would vote for him.", None),
    ("Gray was shot eleven times after police said he pulled out a gun.", None),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "who"), MORE_ATTRIBUTIONS)
def test_more_attributions(claims: Extract, sentence: str, who: str | None) -> None:
    assert claims(sentence)[0].attribution == who


def test_said_adding_that_keeps_the_speaker(claims: Extract) -> None:
    found = claims(
        '"For the time being there are 14,000 refugees," Governor Abraham Atururi said, '
        "adding that 17 camps had been set up."
    )
    assert [(c.text, c.attribution) for c in found] == [
        ("14,000", "Abraham Atururi"),
        ("17", "Abraham Atururi"),
    ]


def test_the_stage_gives_a_pronoun_source_its_person(nlp: Any) -> None:
    from storylens.enrich.stage import enrich_docs

    paragraphs = [
        "Ali Fauzi, a disaster agency official, visited the hospital on Tuesday.",
        "Four people died in hospitals in the district, he said.",
    ]
    e = enrich_docs("a1", list(enumerate(nlp.pipe(paragraphs))))
    assert [(c.text, c.attribution) for c in e.claims] == [("Four", "Ali Fauzi")]


# --- text rebuilt from tokens ("230, 000", "6. 1-magnitude") --------------------------------------


def test_split_numbers_only_where_no_other_reading_exists() -> None:
    from storylens.enrich.rejoin import split_numbers

    assert split_numbers("killed 230, 000 people") == [(7, 15, "230,000")]
    assert split_numbers("The 6. 1-magnitude quake") == [(4, 8, "6.1")]
    assert split_numbers("the euro fell below $1. 29 for the first time") == [(21, 26, "1.29")]
    assert split_numbers("a deficit of 13. 6 percent") == [(13, 18, "13.6")]
    assert split_numbers("he pointed a. 357 caliber revolver") == [(12, 17, ".357")]
    # ordinary prose: a sentence that ends in a number, a list, a date, a day number
    assert split_numbers("The toll was 10. 2 people were hurt later.") == []
    assert split_numbers("By day 3, 500 people had fled.") == []
    assert split_numbers("Rooms 101, 102 and 103 were closed.") == []
    assert split_numbers("PUBLISHED: MARCH 13, 2013, 2:29 PM") == []
    assert split_numbers("He got an A. 357 students passed.") == []


def test_claims_in_text_rebuilt_from_tokens(claims: Extract) -> None:
    found = claims("The 6. 1-magnitude quake killed 230, 000 people and about 1, 500 houses.")
    assert [(c.text, c.subject, c.lo) for c in found] == [
        ("6. 1-magnitude", "quake magnitude", 6.1),
        ("230, 000", "killed", 230000),
        ("about 1, 500", "houses", 1350),
    ]
    one = claims("Growth helped bring down a deficit that totalled 13. 6 percent of output.")
    assert [(c.sentence, c.text, c.lo) for c in one] == [(0, "13. 6 percent", 13.6)]


def test_a_figure_in_parentheses_that_goes_on_is_no_conversion(claims: Extract) -> None:
    found = claims("The march drew an approximate 200,000 (20,000 of them from the unions).")
    assert [(c.text, c.lo, c.hi) for c in found] == [
        ("an approximate 200,000", 180000, 220000),
        ("20,000", 20000, 20000),
    ]
