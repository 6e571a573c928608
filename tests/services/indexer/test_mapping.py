from __future__ import annotations

import inspect

import pytest
from elasticsearch import Elasticsearch

from services.indexer.mapping import MAPPING_VERSION, field_type, index_name, index_template

pytestmark = pytest.mark.unit


def test_mapping_types_for_dates_entities_and_places_are_explicit():
    template = index_template("news")
    assert template["template"]["mappings"]["dynamic"] == "strict"
    expected = {
        "published_at": "date",
        "mentioned_dates": "date",
        "mentioned_periods": "date_range",
        "dates.range_start": "date",
        "people": "keyword",
        "people.text": "text",
        "title.keyword": "keyword",
        "source.keyword": "keyword",
        "entities": "object",
        "entities.name": "keyword",
        "dates": "object",
        "place_details": "nested",
        "place_details.location": "geo_point",
        "locations": "geo_point",
        "body": "text",
    }
    assert {f: field_type(template, f) for f in expected} == expected
    assert field_type(template, "no_such_field") is None
    assert field_type(template, "people.nope") is None
    assert template["template"]["mappings"]["properties"]["body"]["analyzer"] == "english"


def test_only_place_details_are_nested_so_an_article_is_one_lucene_document_plus_one_per_place():
    """Nested objects are hidden Lucene documents; only the map's per-place aggregation needs them."""
    properties = index_template("news")["template"]["mappings"]["properties"]
    assert [name for name, field in properties.items() if field.get("type") == "nested"] == ["place_details"]


def test_template_settings_follow_the_arguments():
    settings = index_template("news", shards=2, replicas=1)["template"]["settings"]["index"]
    assert (settings["number_of_shards"], settings["number_of_replicas"]) == (2, 1)
    assert index_template("news")["index_patterns"] == ["news-v*"]


def test_template_is_accepted_by_the_client_call_ensure_index_makes():
    """ensure_index passes the template as keyword arguments; each must be a real parameter."""
    put = Elasticsearch("http://127.0.0.1:1").indices.put_index_template
    inspect.signature(put).bind(name="news", **index_template("news"))


def test_index_names_carry_the_mapping_version():
    assert index_name("news") == f"news-v{MAPPING_VERSION}"
    assert index_template("news")["version"] == MAPPING_VERSION
