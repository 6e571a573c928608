from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from services.indexer.mapping import field_type, index_template
from services.indexer.search import build_search, parse_hits, parse_total

pytestmark = pytest.mark.unit

TEMPLATE = index_template("news")


def _filters(body: dict) -> list[dict]:
    return body["query"]["bool"]["filter"]


def _fields_in(clause: dict) -> list[str]:
    """Every field name a query clause targets."""
    found = []
    for key, value in clause.items():
        if key in ("match_phrase", "term", "range") and isinstance(value, dict):
            found += list(value)
        elif isinstance(value, dict):
            found += _fields_in(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    found += _fields_in(item)
    return found


def test_no_query_lists_latest_articles_first():
    body = build_search(None)
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert body["sort"][0] == {"published_at": {"order": "desc", "missing": "_last"}}
    assert body["size"] == 10


def test_text_query_searches_title_and_body_requiring_every_word():
    body = build_search("flood warning", size=3)
    [clause] = body["query"]["bool"]["must"]
    match = clause["multi_match"]

    assert match["query"] == "flood warning"
    assert match["fields"] == ["title", "body"]
    assert (match["type"], match["operator"]) == ("cross_fields", "and")
    # Optional clauses only rank: a title match weighs three times more.
    assert {"match": {"title": {"query": "flood warning", "boost": 3.0}}} in body["query"]["bool"]["should"]
    assert body["sort"] == ["_score", {"article_id": "asc"}]  # relevance, ties by id (stable cursors)
    assert body["size"] == 3
    # Both fields share the english analyser, which cross_fields needs to blend them.
    props = TEMPLATE["template"]["mappings"]["properties"]
    assert props["title"]["analyzer"] == props["body"]["analyzer"] == "english"


def test_entity_filters_match_names_case_insensitively_on_text_subfields():
    body = build_search(None, person="biden", org="Red Cross", place="valencia")

    assert {"multi_match": {"query": "biden", "type": "phrase", "fields": ["people.text", "people_aliases.text"]}} \
        in _filters(body)
    assert {"match_phrase": {"organizations.text": "Red Cross"}} in _filters(body)
    assert {"match_phrase": {"places.text": "valencia"}} in _filters(body)


def test_source_filter_accepts_a_name_or_the_exact_value():
    [clause] = _filters(build_search(None, source="bbc"))
    should = clause["bool"]["should"]
    assert {"match_phrase": {"source": "bbc"}} in should
    assert {"term": {"source.keyword": {"value": "bbc", "case_insensitive": True}}} in should
    assert clause["bool"]["minimum_should_match"] == 1


def test_publication_bounds_with_whole_day_upper_bound():
    [clause] = _filters(build_search(None, since="2025-06-01", until=date(2025, 6, 2)))
    assert clause == {"range": {"published_at": {"gte": "2025-06-01", "lte": "2025-06-02||/d"}}}

    exact = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)
    [clause] = _filters(build_search(None, until=exact))
    assert clause == {"range": {"published_at": {"lte": "2025-06-02T12:00:00+00:00"}}}

    [clause] = _filters(build_search(None, since="now-7d"))
    assert clause == {"range": {"published_at": {"gte": "now-7d"}}}


def test_mentioned_bounds_keep_articles_about_an_overlapping_period():
    [clause] = _filters(build_search(None, mentioned_since="2024-03-10", mentioned_until="2024-03-20"))
    assert clause == {
        "range": {"mentioned_periods": {"gte": "2024-03-10", "lte": "2024-03-20||/d", "relation": "intersects"}}
    }


def test_every_filtered_field_exists_with_a_fitting_type():
    body = build_search(
        "x", person="a", org="b", place="c", source="d", since="2025-01-01", mentioned_since="2024-01-01"
    )
    expected = {"match_phrase": "text", "range": ("date", "date_range")}
    for clause in _filters(body):
        for field in _fields_in(clause):
            assert field_type(TEMPLATE, field) is not None, field
    for clause in _filters(body):
        kind = next(iter(clause))
        if kind in expected:
            (field,) = clause[kind]
            assert field_type(TEMPLATE, field) in expected[kind]


def test_highlight_marks_matches_in_short_body_fragments():
    highlight = build_search("flood")["highlight"]
    assert highlight["pre_tags"] == ["<em>"] and highlight["post_tags"] == ["</em>"]
    assert highlight["fields"]["body"]["fragment_size"] <= 200
    assert "title" in highlight["fields"]


def test_parse_hits_flattens_a_search_response():
    response = {
        "took": 3,
        "hits": {
            "total": {"value": 42, "relation": "eq"},
            "max_score": 7.1,
            "hits": [
                {
                    "_index": "news-v1",
                    "_id": "a1",
                    "_score": 7.1,
                    "_source": {
                        "title": "Floods hit Valencia",
                        "source": "El País",
                        "url": "https://example.org/a1",
                        "published_at": "2025-06-03T07:30:00+00:00",
                        "people": ["Pedro Sánchez"],
                        "organizations": ["Red Cross"],
                        "places": ["Valencia"],
                        "language": "en",
                    },
                    "highlight": {
                        "title": ["<em>Floods</em> hit Valencia"],
                        "body": ["Heavy rain <em>flooded</em> Valencia", "the <em>flood</em> barrier"],
                    },
                },
                {"_index": "news-v1", "_id": "a2", "_score": None, "_source": {"title": "Quiet day"}},
            ],
        },
    }
    first, second = parse_hits(response)

    assert parse_total(response) == 42
    assert first["id"] == "a1" and first["score"] == 7.1
    assert (first["title"], first["source"]) == ("Floods hit Valencia", "El País")
    assert first["published_at"] == "2025-06-03T07:30:00+00:00"
    assert (first["people"], first["organizations"], first["places"]) == (["Pedro Sánchez"], ["Red Cross"], ["Valencia"])
    assert first["snippet"] == "Heavy rain <em>flooded</em> Valencia … the <em>flood</em> barrier"
    assert first["title_highlight"] == "<em>Floods</em> hit Valencia"
    assert second["snippet"] == "" and second["people"] == [] and second["title_highlight"] == "Quiet day"


def test_facets_histograms_and_paging_options_build_the_request():
    body = build_search("x", facets=True, histograms=True, sort="oldest", size=20, page=3)
    assert set(body["aggs"]) == {"people", "organizations", "places", "sources", "languages",
                                 "published_per_day", "mentioned_per_day"}
    assert body["aggs"]["published_per_day"]["date_histogram"]["field"] == "published_at"
    assert body["sort"][0] == {"published_at": {"order": "asc", "missing": "_last"}}
    assert body["from"] == 40 and body["size"] == 20
    uncertain = build_search("x", histograms=True, sort="newest", include_uncertain_dates=True)
    assert uncertain["aggs"]["published_per_day"]["date_histogram"]["field"] == "published_any_at"
    assert uncertain["sort"][0] == {"published_any_at": {"order": "desc", "missing": "_last"}}
    assert {"must_not": [{"exists": {"field": "duplicate_of"}}]}.items() <= build_search(
        "x", hide_duplicates=True)["query"]["bool"].items()
