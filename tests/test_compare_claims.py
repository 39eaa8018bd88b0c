"""How the values of two claims about one quantity relate, and when they speak of: the rules of
compare/claims.py and compare/timeref.py, on figures as real reports write them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from storylens.compare.claims import (
    group_verdict,
    precision_unit,
    read_interval,
    relation,
    unit_family,
)
from storylens.compare.timeref import different_times, time_reference
from storylens.models import Claim


def _c(lo: float | None, hi: float | None, text: str, **kw: Any) -> Claim:
    return Claim(sentence=0, subject=kw.pop("subject", "x"), lo=lo, hi=hi, text=text, **kw)


def _point(v: float, text: str, **kw: Any) -> Claim:
    return _c(v, v, text, **kw)


def test_qualifiers_and_plural_words() -> None:
    over = _c(100000, None, "over 100,000", lo_open=True)
    least = _c(100000, None, "At least 100,000")
    assert relation(over, least) == "compatible"
    assert relation(least, _c(100000, None, "at least 100,000")) == "agree"
    few = _c(20000, 100000, "tens of thousands", hi_open=True)
    assert relation(few, _point(150000, "150,000")) == "disjoint"
    assert relation(few, _point(100000, "100,000")) == "compatible"  # what rounds to 100,000
    assert relation(few, _point(35000, "35,000")) == "compatible"
    under = _c(None, 5, "fewer than 5", hi_open=True)
    assert relation(under, _point(5, "5")) == "disjoint"
    assert relation(under, _c(4, None, "at least 4")) == "compatible"


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("$61,000", 61000, 1000),
        ("61,240", 61240, 0),
        ("7.6", 7.6, 0.1),
        ("100,000", 100000, 10000),  # one significant digit is read as two
        ("$44 million", 44e6, 1e6),
        ("3.1bn", 3.1e9, 1e8),
        ("five", 5, 0),  # a word is exact
        ("250", 250, 10),
        ("12", 12, 0),  # a whole count is exact
    ],
)
def test_precision_of_a_written_figure(text: str, value: float, unit: float) -> None:
    assert precision_unit(_point(value, text)) == pytest.approx(unit)


def test_a_round_figure_covers_what_rounds_to_it() -> None:
    # from real multi-outlet reports: a round sum and the exact one are one figure
    assert relation(_point(61000, "$61,000", unit="$"), _point(61240, "$61,240", unit="$")) == (
        "compatible"
    )
    assert read_interval(_point(61000, "$61,000")) == (60500, 61500, False, True)
    # … but 7.6 and 7.7, 160,000 and 167,000, 20,000 and 30,000, five and six stay apart
    assert relation(_point(7.6, "7.6"), _point(7.7, "7.7")) == "disjoint"
    assert relation(_point(160000, "160,000"), _point(167000, "167,000")) == "disjoint"
    assert relation(_point(20000, "20,000"), _point(30000, "30,000")) == "disjoint"
    assert relation(_point(5, "five"), _point(6, "six")) == "disjoint"


def test_nearly_and_an_open_bound_touching_a_point() -> None:
    nearly = _c(0.9 * 44e6, 44e6, "nearly $44 million", hi_open=True, unit="$")
    assert relation(nearly, _point(43.8e6, "$43.8 million", unit="$")) == "compatible"
    assert relation(_point(180000, "$180,000"), _c(180000, None, "more than $180,000",
                    lo_open=True)) == "compatible"  # fmt: skip
    assert relation(_point(3, "three"), _c(3, None, "at least three")) == "compatible"


def test_units_convert_or_read_as_the_same_quantity_in_other_words() -> None:
    hours = _point(2, "2 hours", unit="hours")
    assert relation(hours, _point(120, "120 minutes", unit="minutes")) == "agree"
    km = _point(10, "10 kilometers", unit="km")
    assert relation(km, _point(6, "six miles", unit="miles")) == "compatible"
    assert relation(_point(35, "35 kilometers", unit="km"), _point(22, "22 miles", unit="miles"))
    week = _point(6, "its sixth week", unit="weeks", qualifier="ordinal")
    weekend = _point(5, "a fifth consecutive weekend", unit="weekends")
    assert relation(week, weekend) == "compatible"
    assert unit_family("€") == unit_family("£") == "money"
    assert relation(_point(5, "5%", unit="%"), _point(5, "5 km", unit="km")) == "disjoint"


def test_group_verdict_names_the_pair_that_decided() -> None:
    a, b = _point(14, "14"), _point(14, "14")
    c, d = _c(10, None, "more than 10", lo_open=True), _point(20, "20")
    assert group_verdict([a, b]).relation == "agree"
    assert group_verdict([a, b, c]).relation == "compatible"
    verdict = group_verdict([a, c, d])
    assert verdict.relation == "disjoint" and "14 / 20" in verdict.note
    rounded = group_verdict([_point(61000, "$61,000"), _point(61240, "$61,240")])
    assert rounded.note == "the same figure rounded: $61,000 / $61,240"


MONDAY = datetime(2025, 6, 16, 9, 0, tzinfo=UTC)


def test_time_reference_of_a_sentence() -> None:
    ref = time_reference("Police said 44 ships were waiting offshore on Tuesday.", MONDAY)
    assert ref.day == "2025-06-10"  # the Tuesday before a Monday report
    assert not ref.provisional
    later = time_reference("By 4 p.m. the toll had risen to 24, officials said.", MONDAY)
    assert later.clock == 16 * 60 and later.provisional
    assert time_reference("The death toll so far stands at 11.", None).provisional
    assert time_reference("Jan. 4 quake killed five", None).day == "01-04"
    assert time_reference("The quake killed five people.", None) == time_reference(
        "The quake killed five people.", None
    )


def test_different_times() -> None:
    tue = time_reference("44 ships queued offshore on Tuesday", MONDAY)
    thu = time_reference("61 ships queued offshore on Thursday", MONDAY)
    assert different_times(tue, thu)
    same = time_reference("Sunday's march drew 20,000, police said", MONDAY)
    other = time_reference("organisers said 200,000 marched on Sunday", MONDAY)
    assert not different_times(same, other)
    # no day named: reports a day apart speak of different times, an hour apart of the same
    a = time_reference("61 ships are waiting", MONDAY)
    b = time_reference("44 ships are waiting", datetime(2025, 6, 17, 9, 0, tzinfo=UTC))
    c = time_reference("44 ships are waiting", datetime(2025, 6, 16, 10, 0, tzinfo=UTC))
    assert different_times(a, b) and not different_times(a, c)


def test_a_day_named_in_the_sentence_counts_for_the_nearest_figure() -> None:
    text = "By midday, 44 vessels were at anchor outside the harbour, up from 27 on Tuesday night."
    wednesday = datetime(2025, 4, 2, 16, 5, tzinfo=UTC)
    s44, s27 = (text.index("44"), text.index("44") + 2), (text.index("27"), text.index("27") + 2)
    assert time_reference(text, wednesday, s27, [s44]).day == "2025-04-01"
    assert time_reference(text, wednesday, s44, [s27]).day is None  # the report's own day


def test_measures_are_read_to_their_last_digit_and_counts_are_exact() -> None:
    # a figure and its conversion in parentheses: "35 kilometers (22 miles)"
    assert relation(_point(35, "35 kilometers", unit="km"), _point(22, "22 miles", unit="miles"))
    assert precision_unit(_point(35, "35 kilometers", unit="km")) == 1
    assert precision_unit(_point(35, "35 protesters")) == 0
    # text re-joined from tokens ("8. 6-magnitude") keeps its precision: 8.6 and 8.7 differ
    a = _point(8.6, "8. 6-magnitude", unit="magnitude")
    b = _point(8.7, "8. 7-magnitude", unit="magnitude")
    assert precision_unit(a) == pytest.approx(0.1) and relation(a, b) == "disjoint"
    assert precision_unit(_point(230000, "230, 000")) == 10000


def test_the_head_of_what_is_counted() -> None:
    from storylens.compare.align import subject_terms

    assert subject_terms("distance west of main city")[1] == "distance"
    assert subject_terms("confirmed death toll")[1] == "dead"  # killed, died, toll: one class
    assert subject_terms("people fled homes")[1] == "displaced"
    assert subject_terms("merchant vessels")[1] == subject_terms("boats")[1] == "vessel"
    # a nationality says no more than "people": the verb or the words around it decide
    assert subject_terms("Palestinians", frozenset({"palestinians"})) == (frozenset(), None)


def test_a_figure_that_rose_under_an_open_bound_changed() -> None:
    from storylens.compare.claims import changed

    assert changed(_c(1, None, "at least one"), _point(24, "24"))  # compatible, not one figure
    assert not changed(_c(270, 330, "about 300", qualifier="about"), _point(300, "300"))
    assert not changed(_c(100000, None, "over 100,000", lo_open=True), _c(100000, None, "100,000"))
