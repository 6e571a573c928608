"""Dates read the way a reader reads them: tense from the governing verb, deadlines, story days, year ends."""

from datetime import date

import pytest

from services.enricher import dates

pytestmark = pytest.mark.unit

MON_30_OCT_1989 = date(1989, 10, 30)
WED_4_MAR_1998 = date(1998, 3, 4)


def values(text: str, ref: date | None = MON_30_OCT_1989) -> list[tuple[str, str | None]]:
    return [(e.text, e.value) for e in dates.resolve(dates.scan(text), ref)]


def test_a_passive_participle_does_not_make_the_future_past():
    # "named" is a participle of "will be named": the month is the coming December, not last year's.
    assert values("Eileen Collins will be named commander for a mission in December.", WED_4_MAR_1998) == [
        ("December", "1998-12")
    ]


def test_a_negated_participle_is_an_adjective_not_a_past_verb():
    text = "The dividend would be paid on a still unspecified date in January."
    assert values(text) == [("January", "1990-01")]


def test_supposed_to_speaks_of_the_future():
    text = "The talks are supposed to conclude in May, officials said."
    assert values(text, date(1998, 3, 22)) == [("May", "1998-05")]


def test_a_month_after_by_is_a_deadline_ahead_even_in_a_past_clause():
    text = "The sale, which had been expected, is part of a program to pay down the loan by February."
    assert values(text) == [("February", "1990-02")]


def test_past_months_stay_past():
    assert values("Milton Roy disclosed in May that it was approached.") == [("May", "1989-05")]


def test_a_number_with_decimals_is_no_year():
    assert values("The 30-share index settled 42.0 points lower at 1678.5 on the day.") == [("the day", "1989-10-30")]


def test_these_days_is_the_present():
    (e,) = dates.resolve(dates.scan("They hurt market makers more painfully these days."), MON_30_OCT_1989)
    assert (e.text, e.value, e.range_start) == ("these days", "PRESENT_REF", None)


def test_by_year_end_is_the_end_of_the_story_year():
    (e,) = dates.resolve(dates.scan("It plans to cut 6,000 jobs by year end."), MON_30_OCT_1989)
    assert (e.text, e.value, e.mod) == ("year end", "1989", "END")
    assert values("The percentage change is since year-end.") == [("year-end", "1988")]


def test_year_end_as_a_kind_of_figure_is_not_placed():
    assert values("Year-end net was below the 1987 level.") == [("1987", "1987")]


def test_the_nth_day_of_an_ongoing_event_is_the_story_day():
    text = "In Saudi Arabia, today is the eighth day of the operation."
    assert values(text, date(1990, 8, 15)) == [("today", "1990-08-15"), ("the eighth day", "1990-08-15")]
    assert values("It's the second day of an offensive.", date(1998, 3, 6)) == [("the second day", "1998-03-06")]


def test_a_plan_in_the_past_perfect_is_past():
    # Monday 30 October: the offer "had been due to expire" last Friday, not the coming one.
    assert values("The offer had been due to expire Friday evening.") == [("Friday evening", "1989-10-27TEV")]
    assert values("Bush let the offensive begin as previously planned Saturday night.", date(1991, 2, 25)) == [
        ("Saturday night", "1991-02-23TNI")
    ]


def test_a_part_of_day_with_yesterday_is_that_day():
    text = "In London at mid-afternoon yesterday, the shares were up 2 pence."
    assert values(text, date(1989, 11, 2)) == [("mid-afternoon yesterday", "1989-11-01TAF")]
    assert values("By mid afternoon, officials were saying so.", date(1998, 3, 6)) == [
        ("mid afternoon", "1998-03-06TAF")
    ]


def test_a_half_is_written_in_the_next_unit_down():
    assert values("They lived in refugee camps for 2 1/2 years.") == [("2 1/2 years", "P2Y6M")]
    assert values("The talks lasted two and a half days.") == [("two and a half days", "P2DT12H")]
    assert values("But a minute and a half later, a pilot called.") == [("a minute and a half later", "PT1M30S")]


def test_each_named_month_is_a_set():
    (e,) = dates.resolve(dates.scan("Orangemen march each July from their church."), date(1998, 3, 22))
    assert (e.text, e.type, e.value) == ("each July", "set", "XXXX-07")


def test_a_half_of_a_named_year():
    (e,) = dates.resolve(dates.scan("Profits rose in the first half of 1990."), MON_30_OCT_1989)
    assert (e.text, e.value, e.range_start, e.range_end) == (
        "the first half of 1990",
        "1990-H1",
        date(1990, 1, 1),
        date(1990, 6, 30),
    )
    assert values("It will slow through the first two quarters of 1990.") == [
        ("the first two quarters of 1990", "1990-H1")
    ]
    assert values("Sales fell in the second half of last year.") == [("the second half of last year", "1988-H2")]


def test_the_first_half_of_a_match_is_no_date():
    assert values("Arsenal scored twice in the first half.") == []


def test_an_approximate_ago_is_still_a_date():
    (e,) = dates.resolve(dates.scan("Then, a week or so ago, the general chose his plan."), date(1991, 2, 25))
    assert (e.text, e.type, e.value) == ("a week or so ago", "date", "1991-W08")
    assert values("He returned two and a half years ago.") == [("two and a half years ago", "1987-04")]


def test_a_month_or_quarter_with_a_year_offset_is_one_expression():
    ref = date(1998, 2, 10)
    assert values("It began in June last year.", ref) == [("June last year", "1997-06")]
    assert values("NATO grows in April next year.", ref) == [("April next year", "1999-04")]
    assert values("Shares fell in the first quarter of last year.", ref) == [
        ("the first quarter of last year", "1997-Q1")
    ]
    assert values("In May, last year's winner lost.", ref) == [("last year", "1997")]
