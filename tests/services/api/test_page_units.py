"""The page's pure parts: URL state, text marks, sessions, escaping (no server, no browser)."""

from __future__ import annotations

import pytest

from services.api.page.backend import core_arguments
from services.api.page.marks import Span, marked_body, segments
from services.api.page.session import safe_next, session_value, valid_session
from services.api.page.state import PageError, SearchState
from services.api.page.views import entity_url, highlighted

pytestmark = pytest.mark.unit


def test_state_round_trips_through_its_url():
    url = "/?q=drones&person=Rustem+Umerov&place=Kharkiv&place=Kyiv&since=2025-06-01&sort=newest&dups=show&page=3"
    state = SearchState.from_query(url.split("?", 1)[1])
    assert SearchState.from_query(state.url().split("?", 1)[1]) == state
    assert state.filters == {"person": ("Rustem Umerov",), "place": ("Kharkiv", "Kyiv")}
    assert state.page == 3 and state.show_duplicates and state.sort == "newest"


def test_a_filter_click_adds_a_chip_and_its_cross_removes_only_it():
    state = SearchState(q="talks").with_("person", "Hakan Fidan").with_("place", "Istanbul")
    chips = {c["value"]: c["remove"] for c in state.chips()}
    assert chips["Hakan Fidan"] == "/?q=talks&place=Istanbul"
    assert chips["Istanbul"] == "/?q=talks&person=Hakan+Fidan"


def test_changing_a_filter_goes_back_to_the_first_page():
    assert SearchState(page=4).with_("lang", "en").page == 1


@pytest.mark.parametrize("query", ["since=June", "sort=random", "page=0", "page=abc"])
def test_a_bad_parameter_is_one_sentence(query):
    with pytest.raises(PageError) as info:
        SearchState.from_query(query)
    assert str(info.value).endswith(".") and "\n" not in str(info.value)


def test_export_parameters_are_the_apis_and_keep_duplicates_choice():
    params = SearchState(q="kim", filters={"person": ("Kim Jong Un",)}).api_params()
    assert params == [("q", "kim"), ("person", "Kim Jong Un"), ("hide_duplicates", "true")]


def test_the_apis_duplicate_switch_reads_back_into_the_same_state():
    state = SearchState(q="kim", show_duplicates=True)
    assert SearchState.from_pairs(state.api_params()) == state


def test_a_second_value_of_a_facet_becomes_a_query_language_term():
    query, filters = core_arguments(SearchState(filters={"person": ("A B", 'C "D"')}))
    assert query == 'person:"C \\"D\\""'
    assert filters["person"] == "A B" and filters["hide_duplicates"] is True


def test_marks_cover_entities_and_dates_without_overlap():
    article = {
        "body": "Kim Jong Un met officials on Monday (June 2, 2025) in Pyongyang.",
        "entities": [
            {"type": "person", "name": "Kim Jong Un", "mentions": [{"start": 0, "end": 11, "text": "Kim Jong Un"}]},
            {"type": "place", "name": "Pyongyang", "count": 1, "first_offset": 54},  # no mentions: found by name
        ],
        "dates": [{"text": "Monday (June 2, 2025)", "value": "2025-06-02", "grain": "day", "resolution": "absolute",
                   "range_start": "2025-06-02", "range_end": "2025-06-02", "start_offset": 29, "end_offset": 50}],
    }
    marked = [(s.kind, s.text) for s in marked_body(article) if s.kind]
    assert marked == [("person", "Kim Jong Un"), ("date", "Monday (June 2, 2025)"), ("place", "Pyongyang")]
    assert "".join(s.text for s in marked_body(article)) == article["body"]


def test_overlapping_spans_keep_the_first():
    segs = segments("New York City", [Span(0, 8, "place", "New York"), Span(4, 13, "org", "York City")])
    assert [(s.kind, s.text) for s in segs] == [("place", "New York"), (None, " City")]


def test_session_cookie_follows_the_api_tokens():
    cookie = session_value("token-1")
    assert "token-1" not in cookie
    assert valid_session(cookie, ["token-1"]) and not valid_session(cookie, ["token-2"]) and not valid_session("", [])


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil", None, ""])
def test_sign_in_never_redirects_off_site(target):
    assert safe_next(target) == "/"


def test_highlights_escape_page_text_but_keep_the_marks():
    assert str(highlighted('<script>x</script> <em>Kim</em>')) == "&lt;script&gt;x&lt;/script&gt; <em>Kim</em>"


def test_entity_links_are_filtered_searches():
    assert entity_url("person", "Kim Jong Un") == "/?person=Kim+Jong+Un"
    assert entity_url("org", "United Nations") == "/?org=United+Nations"


def test_a_mark_never_ends_inside_a_word():
    article = {"body": "Talks in Turkiye today.",
               "entities": [{"type": "place", "name": "Turkey", "mentions": [{"start": 9, "end": 15, "text": "Turkiy"}]}]}
    assert [s.text for s in marked_body(article) if s.kind] == ["Turkiye"]
