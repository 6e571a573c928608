from __future__ import annotations

import json
from datetime import date, datetime, timezone

import orjson
import pytest

from services.indexer.documents import bulk_actions, to_document
from services.indexer.mapping import MAPPING_VERSION, mappings
from shared.documents import article_from_document
from shared.models import GeoPoint, Place, TemporalExpression

pytestmark = pytest.mark.unit

INDEXED_AT = datetime(2025, 6, 3, 9, 0, tzinfo=timezone.utc)


def _assert_fits_mapping(doc: dict, properties: dict, path: str = "") -> None:
    """The mapping is strict: every key a document carries must be mapped."""
    for key, value in doc.items():
        assert key in properties, f"{path}{key} is not in the mapping"
        mapped = properties[key]
        if "properties" in mapped and value:  # nested or plain object arrays
            for item in value if isinstance(value, list) else [value]:
                _assert_fits_mapping(item, mapped["properties"], f"{path}{key}.")


def test_document_fits_the_strict_mapping_and_is_json(make):
    doc = to_document(make.article(), indexed_at=INDEXED_AT)

    _assert_fits_mapping(doc, mappings()["properties"])
    assert json.loads(orjson.dumps(doc)) == doc  # plain JSON types only


def test_identity_and_text_fields_come_from_the_article(make):
    doc = to_document(make.article("b" * 32, parent_id="p" * 32, position=2), indexed_at=INDEXED_AT)

    assert doc["article_id"] == "b" * 32
    assert doc["raw_id"] == "ab" * 32
    assert (doc["parent_id"], doc["position"]) == ("p" * 32, 2)
    assert doc["title"].startswith("Floods hit Valencia")
    assert doc["source"] == "El País"
    assert doc["mapping_version"] == MAPPING_VERSION
    assert doc["indexed_at"] == "2025-06-03T09:00:00+00:00"
    assert doc["enriched_at"] == "2025-06-03T08:00:00+00:00"


def test_entities_become_keyword_arrays_in_order_of_first_mention_without_duplicates(make):
    entities = [
        make.entity("person", "Joe Biden", 80),
        make.entity("person", "Pedro Sánchez", 5),
        make.entity("organization", "NATO", 30),
        make.entity("group", "Republicans", 50),
        make.entity("place", "Madrid", 12),
    ]
    places = [
        Place(name="Madrid", country_code="es", location=GeoPoint(lat=40.4, lon=-3.7)),
        Place(name="Kyiv", country_code="UA", location=GeoPoint(lat=50.45, lon=30.52)),
        Place(name="Atlantis"),
    ]
    doc = to_document(make.article(entities=entities, places=places), indexed_at=INDEXED_AT)

    assert doc["people"] == ["Pedro Sánchez", "Joe Biden"]
    assert doc["organizations"] == ["NATO"]
    assert doc["groups"] == ["Republicans"]
    # Places found only by the geo step still count as places; each name once.
    assert doc["places"] == ["Madrid", "Kyiv", "Atlantis"]
    assert doc["countries"] == ["ES", "UA"]
    assert doc["locations"] == [{"lat": 40.4, "lon": -3.7}, {"lat": 50.45, "lon": 30.52}]
    assert {"type": "person", "name": "Joe Biden", "count": 1, "first_offset": 80} in doc["entities"]
    atlantis = next(p for p in doc["place_details"] if p["name"] == "Atlantis")
    assert atlantis["location"] is None


def test_dates_keep_every_expression_and_only_resolved_ones_feed_range_fields(make):
    doc = to_document(make.article(), indexed_at=INDEXED_AT)

    assert [d["text"] for d in doc["dates"]] == ["last Monday", "March 2024", "three years"]
    monday = doc["dates"][0]
    assert monday == {
        "text": "last Monday", "type": "date", "value": "2025-06-02", "grain": "day", "mod": None,
        "range_start": "2025-06-02", "range_end": "2025-06-02",
        "resolution": "relative_to_publication", "confidence": None, "start_offset": 10, "end_offset": 21,
    }  # fmt: skip
    assert doc["mentioned_dates"] == ["2024-03-01", "2025-06-02"]
    assert doc["mentioned_periods"] == [
        {"gte": "2024-03-01", "lte": "2024-03-31"},
        {"gte": "2025-06-02", "lte": "2025-06-02"},
    ]


def test_a_period_without_an_end_covers_its_first_day(make):
    open_ended = TemporalExpression(
        text="since 1 May", start=0, end=11, type="date", value="2025-05-01", grain="day",
        range_start=date(2025, 5, 1), resolution="absolute",
    )  # fmt: skip
    doc = to_document(make.article(dates=[open_ended]), indexed_at=INDEXED_AT)

    assert doc["mentioned_periods"] == [{"gte": "2025-05-01", "lte": "2025-05-01"}]


def _with_page_date(enriched, published):
    return enriched.model_copy(update={"article": enriched.article.model_copy(update={"published": published})})


def test_publication_prefers_the_enricher_then_the_parsers_absolute_date(make):
    enriched = make.article(published=datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc))
    assert to_document(enriched, indexed_at=INDEXED_AT)["published_at"] == "2025-06-01T12:00:00+00:00"

    assert to_document(make.article(published=None), indexed_at=INDEXED_AT)["published_at"] is None

    stamped = datetime(2025, 5, 30, 6, 0, tzinfo=timezone.utc)
    from_parser = _with_page_date(make.article(published=None), make.page_date("30 May 2025 06:00 UTC", stamped))
    doc = to_document(from_parser, indexed_at=INDEXED_AT)
    assert doc["published_at"] == "2025-05-30T06:00:00+00:00"
    assert (doc["published_text"], doc["published_resolution"]) == ("30 May 2025 06:00 UTC", "absolute")


def test_unresolvable_publication_text_is_kept_for_display(make):
    vague = _with_page_date(make.article(published=None), make.page_date("some time ago", None, "visible-text"))
    doc = to_document(vague, indexed_at=INDEXED_AT)

    assert doc["published_at"] is None
    assert (doc["published_text"], doc["published_resolution"]) == ("some time ago", "unresolved")


def test_bulk_action_indexes_through_the_alias_with_the_article_id(make):
    (action,) = bulk_actions([to_document(make.article("c" * 32), indexed_at=INDEXED_AT)], "news-alias")

    assert action.header() == {"index": {"_index": "news-alias", "_id": "c" * 32}}
    assert action.document["article_id"] == "c" * 32


def test_bulk_actions_key_each_document_by_its_article_id(make):
    docs = [to_document(make.article(i * 32), indexed_at=INDEXED_AT) for i in ("d", "e")]
    actions = bulk_actions(docs, "news-alias")
    assert [a.header() for a in actions] == [
        {"index": {"_index": "news-alias", "_id": "d" * 32}},
        {"index": {"_index": "news-alias", "_id": "e" * 32}},
    ]
    assert actions[1].document is docs[1]


def test_same_article_gives_the_same_document(make):
    first = to_document(make.article(), indexed_at=INDEXED_AT)
    again = to_document(make.article(), indexed_at=INDEXED_AT)
    assert first == again


def test_the_parsers_article_comes_back_from_the_document_for_enrich_only_reprocessing(make):
    stamped = datetime(2025, 5, 30, 6, 0, tzinfo=timezone.utc)
    enriched = _with_page_date(make.article(published=None), make.page_date("3 days ago", stamped, "visible-text"))
    enriched = enriched.model_copy(update={"article": enriched.article.model_copy(
        update={"metadata": {"section": "world"}, "fetched_at": stamped, "language": "en"})})
    # Through JSON, as Elasticsearch stores and returns it.
    stored = json.loads(orjson.dumps(to_document(enriched, indexed_at=INDEXED_AT)))

    assert article_from_document(stored) == enriched.article


def test_a_document_without_the_parsed_article_says_to_reprocess_from_raw(make):
    stored = to_document(make.article(), indexed_at=INDEXED_AT)
    del stored["parsed"]
    with pytest.raises(ValueError, match="reprocess from raw"):
        article_from_document(stored)


def test_a_part_of_period_modifier_is_indexed_with_its_expression(make):
    enriched = make.article()
    mid = enriched.dates[1].model_copy(update={"text": "mid-March 2024", "mod": "MID"})
    doc = to_document(enriched.model_copy(update={"dates": [enriched.dates[0], mid]}), indexed_at=INDEXED_AT)

    assert [(d["text"], d["mod"]) for d in doc["dates"]] == [("last Monday", None), ("mid-March 2024", "MID")]
    _assert_fits_mapping(doc, mappings()["properties"])


def _with_confidence(enriched, confidence, origin="visible-text"):
    return enriched.model_copy(update={"published": enriched.published.model_copy(
        update={"confidence": confidence, "origin": origin})})


def test_an_unsure_publication_date_is_kept_apart_from_the_timeline(make):
    unsure = to_document(_with_confidence(make.article(), 0.35), indexed_at=INDEXED_AT)
    sure = to_document(_with_confidence(make.article(), 0.95, "json-ld"), indexed_at=INDEXED_AT)

    assert unsure["published_at"] is None  # neither sorts nor passes "since"
    assert (unsure["published_any_at"], unsure["published_uncertain"]) == ("2025-06-03T07:30:00+00:00", True)
    assert (unsure["published_origin"], unsure["published_confidence"]) == ("visible-text", 0.35)
    assert sure["published_at"] == sure["published_any_at"] == "2025-06-03T07:30:00+00:00"
    assert (sure["published_uncertain"], sure["published_origin"]) == (False, "json-ld")


def test_a_publication_date_without_a_confidence_is_trusted(make):
    doc = to_document(make.article(), indexed_at=INDEXED_AT)
    assert doc["published_at"] == "2025-06-03T07:30:00+00:00"
    assert doc["published_uncertain"] is False
