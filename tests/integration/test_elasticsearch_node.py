"""The local Elasticsearch node (tools/elasticsearch/) serves what newsflow relies on.

That node is assembled from Maven Central rather than the official image, so some of the
image's modules are missing (see tools/elasticsearch/README.md). These tests talk to it
with the official Python client and check the pieces newsflow's mappings and queries use:
a composable template with the ``english`` analyzer and a ``geo_point``, an alias, bulk
indexing, stemming in a match query, a terms aggregation and a date histogram.
"""

import pytest
from elasticsearch import helpers

pytestmark = pytest.mark.integration

ARTICLES = [
    {"title": "Peace talks resume in Geneva", "lang": "en", "published": "2024-01-05T10:00:00Z",
     "place": {"lat": 46.20, "lon": 6.14}},
    {"title": "Minister talked to farmers", "lang": "en", "published": "2024-02-07T08:30:00Z",
     "place": {"lat": 48.85, "lon": 2.35}},
    {"title": "Markets rally after rate cut", "lang": "en", "published": "2024-02-20T16:00:00Z",
     "place": {"lat": 40.71, "lon": -74.01}},
    {"title": "Les marchés reprennent", "lang": "fr", "published": "2024-02-21T09:00:00Z",
     "place": {"lat": 45.76, "lon": 4.84}},
]


@pytest.fixture
def articles(es, unique_prefix):
    """An alias over a template-made index holding ARTICLES (the ``es`` fixture deletes both)."""
    es.indices.put_index_template(
        name=f"{unique_prefix}-template",
        index_patterns=[f"{unique_prefix}-*"],
        priority=500,
        template={
            "settings": {"number_of_shards": 1, "number_of_replicas": 0},
            "mappings": {
                "dynamic": "strict",
                "properties": {
                    "title": {"type": "text", "analyzer": "english", "fields": {"raw": {"type": "keyword"}}},
                    "lang": {"type": "keyword"},
                    "published": {"type": "date"},
                    "place": {"type": "geo_point"},
                },
            },
        },
    )
    alias = f"{unique_prefix}-articles"
    es.indices.create(index=f"{unique_prefix}-articles-v1", aliases={alias: {}})
    indexed, errors = helpers.bulk(
        es, ({"_index": alias, "_id": str(i), "_source": doc} for i, doc in enumerate(ARTICLES)), refresh="wait_for"
    )
    assert (indexed, errors) == (len(ARTICLES), [])
    return alias


def titles(response) -> set[str]:
    return {hit["_source"]["title"] for hit in response["hits"]["hits"]}


def test_the_node_identifies_itself_as_elasticsearch_8(es):
    info = es.info()  # the client's product check also runs on this response

    assert info["version"]["number"].startswith("8.")
    assert es.cluster.health()["status"] in {"green", "yellow"}


def test_index_created_from_the_template_uses_the_english_analyzer(es, articles):
    mapping = es.indices.get_mapping(index=articles)
    (index_mapping,) = mapping.values()

    assert index_mapping["mappings"]["properties"]["title"]["analyzer"] == "english"
    assert index_mapping["mappings"]["properties"]["place"]["type"] == "geo_point"
    assert es.count(index=articles)["count"] == len(ARTICLES)


def test_match_query_finds_other_word_forms_through_english_stemming(es, articles):
    response = es.search(index=articles, query={"match": {"title": "talk"}}, highlight={"fields": {"title": {}}})

    assert titles(response) == {"Peace talks resume in Geneva", "Minister talked to farmers"}
    highlighted = {fragment for hit in response["hits"]["hits"] for fragment in hit["highlight"]["title"]}
    assert "Peace <em>talks</em> resume in Geneva" in highlighted


def test_keyword_subfield_matches_only_the_exact_title(es, articles):
    response = es.search(index=articles, query={"term": {"title.raw": "Markets rally after rate cut"}})
    assert titles(response) == {"Markets rally after rate cut"}

    response = es.search(index=articles, query={"term": {"title.raw": "markets rally after rate cut"}})
    assert titles(response) == set()


def test_geo_distance_query_uses_the_geo_point(es, articles):
    near_paris = {"geo_distance": {"distance": "100km", "place": {"lat": 48.86, "lon": 2.34}}}

    response = es.search(index=articles, query=near_paris)

    assert titles(response) == {"Minister talked to farmers"}


def test_terms_aggregation_and_date_histogram(es, articles):
    response = es.search(
        index=articles,
        size=0,
        aggs={
            "langs": {"terms": {"field": "lang"}},
            "per_month": {"date_histogram": {"field": "published", "calendar_interval": "month"}},
        },
    )

    langs = {b["key"]: b["doc_count"] for b in response["aggregations"]["langs"]["buckets"]}
    months = {b["key_as_string"][:7]: b["doc_count"] for b in response["aggregations"]["per_month"]["buckets"]}
    assert langs == {"en": 3, "fr": 1}
    assert months == {"2024-01": 1, "2024-02": 3}
