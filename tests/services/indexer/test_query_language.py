"""The documented query language, translated to Elasticsearch clauses (pure; the real search is in
test_search_core.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.indexer.query_language import MAX_QUERY_CHARS, QueryError, parse_query

# A person clause matches the canonical name and every alias the entity registry joined to it.
PERSON_FIELDS = ["people.text", "people_aliases.text"]

pytestmark = pytest.mark.unit


def _text(clause: dict) -> str:
    return clause["multi_match"]["query"]


def test_plain_words_are_all_required_in_title_or_body():
    parsed = parse_query("Kim Jong Un")
    assert parsed.clause == {
        "multi_match": {"query": "Kim Jong Un", "fields": ["title", "body"], "type": "cross_fields", "operator": "and"}
    }
    assert parsed.text == "Kim Jong Un" and parsed.notice is None


def test_and_not_excludes_and_the_excluded_word_does_not_rank():
    parsed = parse_query("Ukraine AND NOT Kim")
    bool_ = parsed.clause["bool"]
    assert [_text(c) for c in bool_["must"]] == ["Ukraine"]
    assert [_text(c) for c in bool_["must_not"]] == ["Kim"]
    assert parsed.text == "Ukraine"


def test_minus_word_and_phrase():
    bool_ = parse_query('"north korea" -missile').clause["bool"]
    assert bool_["must"] == [{"multi_match": {"query": "north korea", "fields": ["title", "body"], "type": "phrase"}}]
    assert _text(bool_["must_not"][0]) == "missile"


def test_or_and_grouping():
    clause = parse_query("(summit OR talks) Korea").clause
    [words, either] = clause["bool"]["must"]
    assert _text(words) == "Korea"
    assert [_text(c) for c in either["bool"]["should"]] == ["summit", "talks"]
    assert either["bool"]["minimum_should_match"] == 1


def test_lower_case_and_or_are_plain_words():
    assert _text(parse_query("rock and roll").clause) == "rock and roll"


def test_fields_target_titles_entities_sources_and_languages():
    must = parse_query('title:summit person:"Kim Jong Un" org:NATO place:Seoul source:bbc lang:EN').clause["bool"]["must"]
    assert {"match": {"title": {"query": "summit", "operator": "and"}}} in must
    assert {"multi_match": {"query": "Kim Jong Un", "type": "phrase", "fields": PERSON_FIELDS}} in must
    assert {"match_phrase": {"organizations.text": "NATO"}} in must
    assert {"match_phrase": {"places.text": "Seoul"}} in must
    assert {"term": {"language": {"value": "en", "case_insensitive": True}}} in must
    source = next(c for c in must if "bool" in c)
    assert {"match_phrase": {"source": "bbc"}} in source["bool"]["should"]


def test_a_field_group_applies_the_field_to_each_alternative():
    clause = parse_query("person:(kim OR moon)").clause
    assert clause["bool"]["should"] == [
        {"multi_match": {"query": "kim", "type": "phrase", "fields": PERSON_FIELDS}},
        {"multi_match": {"query": "moon", "type": "phrase", "fields": PERSON_FIELDS}},
    ]


def test_an_unknown_field_is_read_as_words():
    assert _text(parse_query("Note: talks").clause) == "Note talks"


@pytest.mark.parametrize("query", ['(summit OR', '"unclosed quote', "Korea AND", "NOT", "-", "title:", "a OR OR b"])
def test_malformed_queries_become_word_searches_with_a_notice(query):
    parsed = parse_query(query)
    assert parsed.notice and "could not read the query" in parsed.notice
    if parsed.clause is not None:
        assert "multi_match" in parsed.clause


def test_empty_query_matches_everything():
    assert parse_query("   ").clause is None and parse_query(None).clause is None


def test_an_overlong_query_is_refused_with_a_reason():
    with pytest.raises(QueryError, match="limit"):
        parse_query("word " * MAX_QUERY_CHARS)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab "()-+:*~^[]{}\\/!?&|ANDORTx')), max_size=40))
def test_no_query_text_makes_the_translator_raise(query):
    parsed = parse_query(query)
    assert parsed.clause is None or isinstance(parsed.clause, dict)
