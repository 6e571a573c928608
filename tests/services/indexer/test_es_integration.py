"""The indexer against a real Elasticsearch node: template, alias, bulk writes, search filters.

Uses the ``es`` and ``unique_prefix`` fixtures from tests/conftest.py; every
index, alias and template created here starts with ``unique_prefix`` and is
deleted by the ``es`` fixture.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, timezone

import pytest

from services.indexer.documents import BulkAction, bulk_actions, to_document
from services.indexer.es import ensure_index, search_articles, upgrade_older_versions, write_bulk
from services.indexer.mapping import MAPPING_VERSION, index_name, mappings
from services.indexer.search import build_search
from shared.models import GeoPoint, Place, TemporalExpression

pytestmark = pytest.mark.integration

INDEXED_AT = datetime(2025, 6, 3, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def alias(unique_prefix) -> str:
    return f"{unique_prefix}-articles"


def _alias_targets(es, alias: str) -> dict[str, bool]:
    body = es.indices.get_alias(name=alias).body
    return {index: bool(info["aliases"][alias].get("is_write_index")) for index, info in body.items()}


def _action(enriched, alias: str) -> BulkAction:
    (action,) = bulk_actions([to_document(enriched, indexed_at=INDEXED_AT)], alias)
    return action


def _write(es, actions, **kwargs):
    return write_bulk(es, actions, max_docs=kwargs.pop("max_docs", 50), max_bytes=1 << 20, refresh="wait_for")


# --- ensure_index -------------------------------------------------------------


def test_ensure_index_is_idempotent(es, alias):
    first = ensure_index(es, alias)
    second = ensure_index(es, alias)

    assert first == second == f"{alias}-v{MAPPING_VERSION}"
    assert _alias_targets(es, alias) == {first: True}
    mapping = es.indices.get_mapping(index=first).body[first]["mappings"]
    assert mapping["dynamic"] == "strict"
    assert mapping["properties"]["locations"]["type"] == "geo_point"
    assert es.indices.exists_index_template(name=alias)


def test_ensure_index_from_two_workers_at_once(es, alias):
    results, errors = [], []

    def worker():
        try:
            results.append(ensure_index(es, alias))
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert results == [index_name(alias)] * 2
    assert _alias_targets(es, alias) == {index_name(alias): True}


def test_new_version_takes_writes_and_older_index_stays_readable(es, alias):
    old = f"{alias}-v0"
    es.indices.create(index=old, aliases={alias: {"is_write_index": True}}, mappings={"dynamic": "strict"})

    current = ensure_index(es, alias)

    assert _alias_targets(es, alias) == {old: False, current: True}


def _version_3_mapping() -> dict:
    """Today's fields with entities and dates nested, as mapping version 3 indexed them."""
    body = mappings()
    for field in ("entities", "dates"):
        body["properties"][field] = {"type": "nested", "properties": body["properties"][field]["properties"]}
    return body


def test_reindex_moves_older_versions_into_the_current_index_and_keeps_newer_documents(es, alias, make):
    old = f"{alias}-v3"
    es.indices.create(index=old, aliases={alias: {"is_write_index": True}}, mappings=_version_3_mapping())
    _write(es, [_action(make.article(f"{i:032d}", title=f"Old story {i}"), alias) for i in range(3)])
    current = ensure_index(es, alias)  # the upgraded indexer: new writes go to the current version
    _write(es, [_action(make.article(f"{0:032d}", title="Story 0, indexed again"), alias)])
    assert es.count(index=alias)["count"] == 4  # until the upgrade, article 0 is found twice

    report = upgrade_older_versions(es, alias)

    assert (report.copied, report.newer, report.dropped) == ({old: 2}, {old: 1}, [old]), report.refused
    assert _alias_targets(es, alias) == {current: True}
    docs = {h["_id"]: h["_source"] for h in es.search(index=alias, size=10)["hits"]["hits"]}
    assert docs[f"{0:032d}"]["title"] == "Story 0, indexed again"
    assert {d["mapping_version"] for d in docs.values()} == {MAPPING_VERSION}
    total, hits = search_articles(es, alias, build_search(None, person="Pedro Sánchez"))
    assert total == 3 and len(hits) == 3
    assert upgrade_older_versions(es, alias).copied == {}  # nothing left to do


def test_reindex_keeps_an_older_index_whose_documents_the_current_mapping_refuses(es, alias, make):
    old = f"{alias}-v0"
    retired = mappings()
    retired["properties"]["retired_field"] = {"type": "keyword"}  # a field the current mapping no longer has
    es.indices.create(index=old, aliases={alias: {"is_write_index": True}}, mappings=retired)
    document = dict(_action(make.article(), alias).document, retired_field="kept in v0 only")
    written = _write(es, [BulkAction(article_id=document["article_id"], index=alias, document=document)])
    assert written.outcomes[0].status == "indexed", written.outcomes

    report = upgrade_older_versions(es, alias)

    assert report.copied == {old: 0} and report.dropped == []
    assert "retired_field" in report.refused[old][0]
    assert set(_alias_targets(es, alias)) == {old, report.target}  # still searchable, nothing lost


# --- bulk writing -------------------------------------------------------------


def test_bulk_writes_good_documents_and_reports_the_rejected_one(es, alias, make):
    ensure_index(es, alias)
    good = [_action(make.article(f"{i:032d}"), alias) for i in range(3)]
    broken_doc = dict(good[0].document, article_id="bad", published_at="not a date at all")
    bad = BulkAction(article_id="b" * 32, index=alias, document=broken_doc)
    unknown = BulkAction(article_id="c" * 32, index=alias, document=dict(good[1].document, surprise="field"))

    report = _write(es, [good[0], bad, good[1], unknown, good[2]])

    rejected = [o for o in report.outcomes if o.status == "permanent"]
    assert Counter(o.status for o in report.outcomes) == {"indexed": 3, "permanent": 2}
    assert {o.article_id for o in rejected} == {"b" * 32, "c" * 32}
    assert all(o.http_status == 400 and o.reason for o in rejected)
    assert es.count(index=alias)["count"] == 3


def test_rewriting_the_same_articles_overwrites_instead_of_duplicating(es, alias, make):
    ensure_index(es, alias)
    actions = [_action(make.article(f"{i:032d}"), alias) for i in range(4)]

    _write(es, actions, max_docs=3)
    again = _write(es, actions, max_docs=3)

    assert [o.status for o in again.outcomes] == ["indexed"] * 4
    assert es.count(index=alias)["count"] == 4


def test_writing_before_the_alias_exists_is_retryable_and_creates_nothing(es, alias, make):
    action = _action(make.article(), alias)

    report = _write(es, [action])

    assert [o.status for o in report.outcomes] == ["retryable"]
    assert not es.indices.exists(index=alias)


# --- search filters -----------------------------------------------------------


@pytest.fixture
def corpus(es, alias, make):
    """Three articles that differ in every filterable dimension."""
    ensure_index(es, alias)

    def day(d: date, text: str, grain: str = "day", end: date | None = None) -> TemporalExpression:
        return TemporalExpression(
            text=text, start=0, end=len(text), type="date", value=d.isoformat(), grain=grain,
            range_start=d, range_end=end or d, resolution="absolute",
        )  # fmt: skip

    articles = [
        make.article(
            "1" * 32,
            title="Floods hit Valencia",
            body="Heavy rain flooded Valencia. Pedro Sánchez met the Red Cross.",
            source="El País",
            source_domain="elpais.com",
            published=datetime(2025, 6, 3, 7, 30, tzinfo=timezone.utc),
            entities=[make.entity("person", "Pedro Sánchez", 33), make.entity("organization", "Red Cross", 51)],
            places=[Place(name="Valencia", country_code="ES", location=GeoPoint(lat=39.47, lon=-0.38))],
            dates=[day(date(2024, 3, 1), "March 2024", grain="month", end=date(2024, 3, 31))],
        ),
        make.article(
            "2" * 32,
            title="Summit in Washington",
            body="Joe Biden hosted NATO leaders to discuss the flood of refugees.",
            source="BBC News",
            published=datetime(2025, 5, 20, 12, 0, tzinfo=timezone.utc),
            entities=[make.entity("person", "Joe Biden", 0).model_copy(update={"aliases": ["Joseph R. Biden"]}),
                      make.entity("organization", "NATO", 17)],
            places=[Place(name="Washington", country_code="US", location=GeoPoint(lat=38.9, lon=-77.04))],
            dates=[day(date(2025, 7, 1), "1 July")],
        ),
        make.article(
            "3" * 32,
            title="Markets calm",
            body="Shares were flat in quiet trading.",
            source="www.reuters.com",
            published=datetime(2024, 12, 31, 23, 0, tzinfo=timezone.utc),
            entities=[],
            places=[],
            dates=[],
        ),
    ]
    report = _write(es, [_action(a, alias) for a in articles])
    assert [o.status for o in report.outcomes] == ["indexed"] * 3
    return alias


def _ids(es, alias, query=None, **filters) -> set[str]:
    total, hits = search_articles(es, alias, build_search(query, **filters))
    assert total == len(hits)
    return {h["id"][0] for h in hits}


def test_text_query_uses_english_stemming_and_highlights(es, corpus):
    total, hits = search_articles(es, corpus, build_search("flood"))
    assert {h["id"][0] for h in hits} == {"1", "2"}  # "flooded" and "Floods" stem to "flood"
    assert all("<em>" in h["snippet"] or "<em>" in h["title_highlight"] for h in hits)
    assert hits[0]["id"][0] == "1"  # title match is boosted


def test_every_word_is_required(es, corpus):
    assert _ids(es, corpus, "flood refugees") == {"2"}


def test_no_query_lists_newest_first(es, corpus):
    _, hits = search_articles(es, corpus, build_search(None))
    assert [h["id"][0] for h in hits] == ["1", "2", "3"]
    assert hits[-1]["snippet"].startswith("Shares were flat")  # no_match_size gives an opening


def test_person_filter_is_case_insensitive_and_matches_part_of_a_name(es, corpus):
    assert _ids(es, corpus, person="biden") == {"2"}
    assert _ids(es, corpus, person="Pedro Sánchez") == {"1"}
    assert _ids(es, corpus, person="Sánchez Pedro") == set()


def test_person_filter_matches_every_alias_the_registry_joined(es, corpus):
    assert _ids(es, corpus, person="Joseph R. Biden") == {"2"}


def test_org_and_place_filters(es, corpus):
    assert _ids(es, corpus, org="red cross") == {"1"}
    assert _ids(es, corpus, org="NATO") == {"2"}
    assert _ids(es, corpus, place="washington") == {"2"}
    assert _ids(es, corpus, "flood", place="Valencia") == {"1"}


def test_source_filter_by_name_or_exact_value(es, corpus):
    assert _ids(es, corpus, source="bbc") == {"2"}
    assert _ids(es, corpus, source="WWW.REUTERS.COM") == {"3"}


def test_source_filter_by_registered_domain_or_its_label(es, corpus):
    assert _ids(es, corpus, source="elpais.com") == {"1"}
    assert _ids(es, corpus, source="ELPAIS") == {"1"}
    assert _ids(es, corpus, source="elpais.co") == set()


def test_publication_range_with_whole_day_upper_bound(es, corpus):
    assert _ids(es, corpus, since="2025-01-01") == {"1", "2"}
    assert _ids(es, corpus, until="2025-05-20") == {"2", "3"}  # 12:00 that day is inside
    assert _ids(es, corpus, since=date(2025, 5, 21), until=date(2025, 6, 3)) == {"1"}


def test_an_uncertain_publication_date_neither_sorts_nor_passes_since_unless_asked(es, corpus, make):
    unsure = make.article("4" * 32, title="Undated notice", body="A notice of uncertain date.",
                          published=datetime(2025, 6, 10, 9, 0, tzinfo=timezone.utc))
    unsure = unsure.model_copy(update={"published": unsure.published.model_copy(
        update={"confidence": 0.35, "origin": "visible-text"})})
    report = _write(es, bulk_actions([to_document(unsure, indexed_at=INDEXED_AT)], corpus))
    assert [o.status for o in report.outcomes] == ["indexed"]

    assert _ids(es, corpus, since="2025-06-01") == {"1"}
    assert _ids(es, corpus, since="2025-06-01", include_uncertain_dates=True) == {"1", "4"}
    _, latest = search_articles(es, corpus, build_search(None))
    assert latest[0]["id"] == "1" * 32 and latest[-1]["id"] == "4" * 32  # no trusted date: last
    _, latest = search_articles(es, corpus, build_search(None, include_uncertain_dates=True))
    assert latest[0]["id"] == "4" * 32
    total, _ = search_articles(es, corpus, build_search("notice"))
    assert total == 1  # still found by what it says


def test_mentioned_period_filter_matches_overlapping_periods(es, corpus):
    # "March 2024" covers 1-31 March: a window starting mid-month still finds it.
    assert _ids(es, corpus, mentioned_since="2024-03-15", mentioned_until="2024-03-20") == {"1"}
    assert _ids(es, corpus, mentioned_since="2025-07-01") == {"2"}
    assert _ids(es, corpus, mentioned_until="2023-12-31") == set()


def test_kibana_fields_aggregate(es, corpus):
    """The facets the dashboard uses work on real documents."""
    response = es.search(
        index=corpus,
        size=0,
        aggs={
            "people": {"terms": {"field": "people"}},
            "sources": {"terms": {"field": "source.keyword"}},
            "where": {"geo_bounds": {"field": "locations"}},
            "per_month": {"date_histogram": {"field": "published_at", "calendar_interval": "month"}},
        },
    ).body["aggregations"]
    assert {b["key"] for b in response["people"]["buckets"]} == {"Pedro Sánchez", "Joe Biden"}
    assert {b["key"] for b in response["sources"]["buckets"]} == {"El País", "BBC News", "www.reuters.com"}
    assert response["where"]["bounds"]["top_left"]["lat"] > 39


def test_every_field_the_kibana_objects_use_is_aggregatable_where_needed(es, corpus):
    """What Kibana asks Elasticsearch (field capabilities) before it draws a chart."""
    from services.indexer.kibana.objects import build_objects, field_uses

    uses = {(field, use) for obj in build_objects(corpus) for field, use in field_uses(obj)}
    caps = es.field_caps(index=corpus, fields=sorted({field for field, _ in uses})).body["fields"]

    for field, use in uses:
        assert field in caps, field
        [(kind, cap)] = caps[field].items()
        if use in ("terms", "date_histogram", "time", "geo", "sort"):
            assert cap["aggregatable"], (field, use)
        if use == "geo":
            assert kind == "geo_point"
