"""Temporal expressions: each example a news analyst relies on, resolved against publication."""

from datetime import date

import pytest

from services.enricher import date_kinds, date_patterns, date_rules, date_windows, dates

pytestmark = pytest.mark.unit

THU_5_JUNE_2025 = date(2025, 6, 5)


def find(text: str, ref: date | None = THU_5_JUNE_2025, ner_spans=()):
    return dates.resolve(dates.scan(text, list(ner_spans)), ref)


def only(text: str, ref: date | None = THU_5_JUNE_2025):
    (expr,) = find(text, ref)
    assert text[expr.start : expr.end] == expr.text
    return expr


def test_bare_weekday_is_the_latest_one_before_publication():
    e = only("Delegations met in Istanbul on Monday.")
    assert (e.text, e.value, e.resolution, e.grain) == ("Monday", "2025-06-02", "weekday_anchored", "day")
    assert e.range_start == e.range_end == date(2025, 6, 2)


def test_weekday_in_a_future_sentence_is_the_next_one():
    assert only("Talks will resume on Monday.").value == "2025-06-09"


def test_weekday_after_a_reporting_verb_is_past_even_with_future_words():
    assert only("The ministry said Monday it will respond.").value == "2025-06-02"


def test_future_words_of_a_glued_next_sentence_do_not_count():
    text = ('Putin, in a call with Trump on Wednesday, warned Russia would respond."It was good," Trump said, '
            '"but not a conversation that will lead to peace."')
    assert only(text).value == "2025-06-04"


def test_weekday_with_explicit_date_takes_the_date():
    e = only("gathered in Turkiye on Monday (June 2, 2025) for talks")
    assert (e.text, e.value, e.resolution) == ("Monday (June 2, 2025)", "2025-06-02", "absolute")


def test_last_fall_is_the_previous_autumn():
    e = only("dispatched troops to Russia last fall in its first participation")
    assert (e.value, e.grain, e.type) == ("2024-FA", "season", "date")
    assert (e.range_start, e.range_end) == (date(2024, 9, 1), date(2024, 11, 30))


def test_compact_year_range():
    e = only("since the 1950-53 Korean War")
    assert (e.text, e.value, e.grain) == ("1950-53", "1950/1953", "year")
    assert (e.range_start, e.range_end) == (date(1950, 1, 1), date(1953, 12, 31))


def test_three_year_war_is_a_duration_not_a_date():
    e = only("progress on ending the three-year war")
    assert (e.text, e.type, e.value) == ("three-year", "duration", "P3Y")
    assert e.range_start is None


def test_last_week_is_the_previous_iso_week():
    e = only("The Pentagon quietly notified Congress last week that")
    assert (e.value, e.grain) == ("2025-W22", "week")
    assert (e.range_start, e.range_end) == (date(2025, 5, 26), date(2025, 6, 1))


def test_earlier_this_year():
    e = only("sent around 3,000 additional troops to Russia earlier this year.")
    assert (e.value, e.grain, e.resolution) == ("2025", "year", "relative_to_publication")


def test_in_march_is_the_previous_march_in_a_past_tense_story():
    e = only("Shoigu last visited North Korea in March for a meeting.")
    assert (e.text, e.value, e.grain) == ("March", "2025-03", "month")


def test_in_march_of_a_future_sentence_is_the_next_march():
    # Published in June: the next March is in the following year.
    assert only("The summit will take place in March.").value == "2026-03"


def test_month_and_year_are_absolute():
    e = only("Russia claimed in April 2025 that it had fully reclaimed the region")
    assert (e.value, e.grain, e.resolution) == ("2025-04", "month", "absolute")


def test_day_and_month_take_the_nearest_year():
    assert only("The deadline is June 18.", ref=date(2008, 5, 2)).value == "2008-06-18"
    assert only("It was signed on 28 December.", ref=date(2009, 1, 3)).value == "2008-12-28"


@pytest.mark.parametrize(
    ("text", "value"),
    [("it happened yesterday", "2025-06-04"), ("three days ago", "2025-06-02"), ("last month", "2025-05"),
     ("next year", "2026"), ("the fourth quarter of 2024", "2024-Q4"), ("in the 1990s", "199"),
     ("in 1998 the firm", "1998"), ("on 7/8/07 at the site", "2007-07-08"), ("on 2025-06-02", "2025-06-02"),
     ("this weekend", "2025-W23-WE"), ("at the beginning of the year", "2025"), ("in the fall of 2011", "2011-FA"),
     ("this summer", "2025-SU")],
)
def test_common_news_expressions(text, value):
    assert only(text).value == value


def test_relative_expressions_without_reference_are_unresolved():
    e = only("Talks resumed on Monday.", ref=None)
    assert (e.value, e.resolution) == (None, "unresolved")
    assert only("Talks resumed on June 2, 2025.", ref=None).value == "2025-06-02"


@pytest.mark.parametrize(
    "text",
    ["They may meet soon.", "North Korea dispatched 10,000-12,000 troops.", "Theresa May spoke.",
     "a second round of talks", "It costs $2025 per seat.", "Jan Smith arrived.", "after the fall of Kabul",
     "prices fall again"],
)
def test_words_that_only_look_like_dates_are_ignored(text):
    assert find(text) == []


def test_ner_time_spans_no_rule_knows_are_kept_unresolved():
    text = "Russian air defences downed 162 drones in the small hours."
    start = text.index("the small hours")
    (e,) = find(text, ner_spans=[(start, start + len("the small hours"), "TIME")])
    assert (e.text, e.type, e.resolution) == ("the small hours", "time", "unresolved")


def test_seed_monday_june_2(seed_enriched):
    found = {d.text: d for d in seed_enriched["seed_main"].dates}
    assert found["Monday (June 2, 2025)"].value == "2025-06-02"
    kim = {d.text: d.value for d in seed_enriched["seed_related_kim"].dates}
    assert kim["last fall"] == "2024-FA" and kim["1950-53"] == "1950/1953" and kim["March"] == "2025-03"


def _variants(text: str) -> list[str]:
    # Line breaks and long gaps between words, capitals, and the characters that
    # match ASCII letters only when case is ignored ("ſ" long s, Kelvin sign).
    return [text, text.replace(" ", "\n"), text.replace(" ", " " * 40), text.upper(), text.replace("s", "\u017f"),
            text.replace("k", "\u212a"), text.title()]


def test_rules_run_around_anchor_hits_find_exactly_what_a_whole_body_scan_finds(seed_texts):
    extra = ("Monday, ( 5th of June , 2025 ) and the beginning of the year, early 2011, the 1990s, 3/4/2025, "
             "2024-05-01, 2010-11, the first quarter of 2011, Q3 2024, the day before yesterday, this morning, "
             "tonight, earlier last week, five years ago, a two-year-old deal, at 5 p.m., 14:30 GMT, last fall, "
             "in early spring of 2009, mid-March, Tuesdays, now, the now-defunct firm, currently, more recently.")
    for text in [*seed_texts.values(), extra]:
        for variant in _variants(text):
            windows = date_windows.anchor_windows(variant, variant.lower())
            for kind, pattern in date_patterns.PATTERNS:
                whole = [(m.span(), m.groupdict()) for m in pattern.finditer(variant)]
                found = date_windows.matches(pattern, variant, windows.get(kind))
                windowed = [(m.span(), m.groupdict()) for m in found]
                assert windowed == whole, (kind, variant[:60])
            assert dates._durations(variant, windows["duration"]) == dates._durations(variant)


def test_tense_is_only_needed_by_the_tense_sensitive_kinds(seed_texts):
    """Every other kind resolves the same in a future or a past sentence, so its tense is not worked out."""
    extra = "today, yesterday, 5 days ago, last week, next year, the end of the month, June 18, Monday morning, 2011"
    for text in [*seed_texts.values(), extra]:
        for c in dates.scan(text):
            if c.kind in dates._TENSE_SENSITIVE:
                continue
            if c.kind in date_rules.ANAPHORIC:
                resolver = date_rules.ANAPHORIC[c.kind]
                same = (resolver(c.fields, THU_5_JUNE_2025, True, date_kinds.Mentions())
                        == resolver(c.fields, THU_5_JUNE_2025, False, date_kinds.Mentions()))
            else:
                resolver = date_rules.RESOLVERS[c.kind]
                same = resolver(c.fields, THU_5_JUNE_2025, True) == resolver(c.fields, THU_5_JUNE_2025, False)
            assert same, c.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Sales peaked in mid-2011.", ("mid-2011", "2011", "MID")),
     ("Early 2020 was hard.", ("Early 2020", "2020", "START")),
     ("Prices rose late last year.", ("late last year", "2024", "END")),
     ("Talks end by the end of the month.", ("the end of the month", "2025-06", "END")),
     ("The plant opened in the early 1990s.", ("the early 1990s", "199", "START")),
     ("It was built in early March 2011.", ("early March 2011", "2011-03", "START")),
     ("Troops left in mid-March.", ("mid-March", "2025-03", "MID")),
     ("Crops failed in late spring.", ("late spring", "2025-SP", "END")),
     ("Prices rose last year.", ("last year", "2024", None)),
     ("Work continues for the rest of the year.", ("the rest of the year", "2025", None))],
)
def test_part_of_a_period_is_a_timex_modifier_and_the_value_stays_the_whole_period(text, expected):
    e = only(text)
    assert (e.text, e.value, e.mod) == expected


def test_now_currently_recently_are_timeml_present_and_past_references():
    found = find("The store currently sells music, and more recently has begun to sell videos. Apple now leads.")
    assert [(e.text, e.type, e.value, e.resolution) for e in found] == [
        ("currently", "date", "PRESENT_REF", "relative_to_publication"),
        ("more recently", "date", "PAST_REF", "relative_to_publication"),
        ("now", "date", "PRESENT_REF", "relative_to_publication"),
    ]
    assert all(e.range_start is None and e.range_end is None for e in found)  # no calendar days to index


def test_now_as_an_adjective_prefix_is_no_time_reference():
    assert find("He spoke against the now-cancelled deal.") == []


# --- Reading like a reader: tense, anaphora, named days, ages, confidence -------------------------

def _values(text: str, ref: date = THU_5_JUNE_2025) -> dict[str, str | None]:
    return {e.text: e.value for e in find(text, ref)}


def test_the_verb_governing_a_weekday_decides_its_direction_not_any_verb_of_the_sentence():
    found = _values("Cuba predicted Wednesday that the boy will return on Friday.")
    assert found == {"Wednesday": "2025-06-04", "Friday": "2025-06-06"}
    assert _values("The ruling was announced Friday.")["Friday"] == "2025-05-30"


def test_anaphoric_expressions_anchor_on_the_last_date_mentioned():
    found = _values("The crash happened on March 3, 2021. Two days later the airline grounded its fleet; "
                    "later that year it was sold.")
    assert found["Two days later"] == "2021-03-05" and found["later that year"] == "2021"


def test_earnings_report_quarters_and_their_year_ago_comparisons():
    found = _values("Third-quarter profit rose 5% to $10 million, up from $8 million a year ago. "
                    "The year-earlier quarter included a gain.", date(1989, 11, 2))
    assert found == {"Third-quarter": "1989-Q3", "a year ago": "1988-Q3", "The year-earlier quarter": "1988-Q3"}


def test_holidays_come_from_the_holiday_table_in_the_direction_of_the_tense():
    assert _values("She will fly home for Thanksgiving.")["Thanksgiving"] == "2025-11-27"
    assert _values("Sales were weak at Christmas.")["Christmas"] == "2024-12-25"
    (e,) = find("Stocks crashed on Black Monday.")
    assert (e.value, e.resolution) == ("1987-10-19", "calendar_table")


def test_names_and_ages_are_not_dates():
    assert find("China Eastern Airlines bought jets.") == []
    assert find("A 6-year-old boy and his 52-year-old father arrived.") == []


def test_sets_vague_durations_and_day_times():
    assert _values("The paper is printed daily and audited every month.") == {"daily": "P1D", "every month": "P1M"}
    (e,) = find("Trading stopped at noon.")
    assert (e.type, e.value) == ("time", "2025-06-05T12:00")


def test_every_resolution_says_how_and_how_sure():
    by_text = {e.text: e for e in find("On June 2, 2025 talks began; they resumed Monday and will end next week.")}
    assert by_text["June 2, 2025"].confidence > by_text["Monday"].confidence > 0
    assert by_text["Monday"].resolution == "weekday_anchored"
    assert all(e.confidence is not None for e in by_text.values())


def test_a_day_of_the_month_far_ahead_is_read_as_the_past_one():
    """News tells what happened: "the Oct. 23 slaying" in a May story is last October's, "by June 18" this June's."""
    assert _values("Police searched since the Oct. 23 slaying.", date(1999, 5, 6))["Oct. 23"] == "1998-10-23"
    assert _values("He must leave by June 18.")["June 18"] == "2025-06-18"


def test_years_before_a_noun_and_ordinal_centuries():
    found = _values("Its 1990 invasion broke a 1971 treaty of the 20th century.")
    assert found == {"1990": "1990", "1971": "1971", "the 20th century": "19"}
    assert _values("Some time ago, several years ago.")["several years ago"] == "PAST_REF"


def test_a_period_named_by_its_last_day_and_a_time_on_a_named_day():
    found = _values("Profit fell in the quarter ended Sept. 30. The 1988 third quarter was better; "
                    "the offer runs until 5 p.m. EST Nov. 9.", date(1989, 11, 2))
    assert found["the quarter"] == "1989-Q3" and found["The 1988 third quarter"] == "1988-Q3"
    assert found["5 p.m. EST Nov. 9"] == "1989-11-09T17:00"
    assert _values("In the fiscal year ended Jan. 31, sales rose.", date(1989, 10, 31))["Jan. 31"] == "1989-01-31"


def test_months_and_weekdays_inside_a_recognised_name_are_not_dates():
    text = "Shares of Tuesday Morning Corp. rose in March."
    name = text.index("Tuesday Morning Corp.")
    found = dates.resolve(dates.scan(text, name_spans=[(name, name + len("Tuesday Morning Corp."), "ORG")]),
                          THU_5_JUNE_2025)
    assert [e.text for e in found] == ["March"]


def test_a_capitalised_time_word_inside_a_sentence_is_a_name():
    text = "The fight was over, said Weeks, a spokesman."
    start = text.index("Weeks")
    assert find(text, ner_spans=[(start, start + 5, "DATE")]) == []


def test_spelled_years_and_the_period_before_a_mention():
    found = _values("The Olympics of nineteen ninety-six were in Atlanta; by the year two thousand it had changed.")
    assert found["nineteen ninety-six"] == "1996" and found["the year two thousand"] == "2000"
    found = _values("Profit was $300 million in 1989, down from $450 million the year before.")
    assert found["the year before"] == "1988"
    assert _values("Net income for the year ended March 31 rose.", date(1989, 11, 1))["the year"] == "P1Y"


def test_a_reader_takes_the_year_from_the_story_and_the_direction_from_the_clause():
    """The issue's cases: a tour's dates next year, "the next year" after a year, offsets after a month."""
    found = _values("The band announced its tour on Monday. Concerts are scheduled for March 3 and April 18.",
                    date(2019, 12, 10))
    assert found["March 3"] == "2020-03-03" and found["April 18"] == "2020-04-18"
    found = _values("In 2015 the company was founded. The next year it moved. In March 2018 it floated, and "
                    "two days later shares fell. Sales in the same period last year were flat.")
    assert found["The next year"] == "2016" and found["two days later"] == "2018-03"
    assert found["the same period last year"] == "2017-03"


def test_compound_number_words_count():
    assert _values("In the last twenty four hours stocks fell.") == {"twenty four hours": "PT24H"}
    assert _values("He ruled for thirty-five years.") == {"thirty-five years": "P35Y"}


def test_a_page_listing_thousands_of_dates_keeps_each_once_and_longest_first():
    body = "".join(f"On {d:02d} March {y} the board met again. " for y in range(1901, 1931) for d in range(1, 29))
    found = dates.scan(body)
    assert len(found) == 30 * 28 and all(c.kind == "day_month" for c in found)
    assert [c.text for c in found[:2]] == ["01 March 1901", "02 March 1901"]
