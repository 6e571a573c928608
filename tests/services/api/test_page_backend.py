"""The page's backend on the real Elasticsearch and Redis, before anything is indexed."""

from __future__ import annotations

import pytest

from services.api.page.backend import CoreBackend
from services.api.page.state import SearchState

pytestmark = pytest.mark.integration


def test_a_stack_with_nothing_indexed_yet_says_so(isolated, es, redis_client):
    settings, _env = isolated
    backend = CoreBackend(settings, lambda: ["t"])
    answer = backend.search(SearchState(q="Kim"), size=20, offset=0)
    assert answer["total"] == 0 and "Nothing has been indexed yet" in answer["notice"]
    pipeline = backend.pipeline(verify=False)
    assert pipeline["files_by_state"] == {} and pipeline["dead_letters"] == []
    assert pipeline["queue_depths"] == {"parse": 0, "enrich": 0, "index": 0}


def test_the_map_puts_each_place_at_its_own_point_and_counts_its_articles(isolated, es, redis_client):
    """The one query that needs place_details nested: each name with its own coordinates."""
    from datetime import datetime, timezone

    from services.indexer.documents import bulk_actions, to_document
    from services.indexer.es import ensure_index, write_bulk
    from shared.models import Article, EnrichedArticle, GeoPoint, Place

    settings, _env = isolated
    kyiv = Place(name="Kyiv", country_code="UA", location=GeoPoint(lat=50.45, lon=30.52))
    lisbon = Place(name="Lisbon", country_code="PT", location=GeoPoint(lat=38.72, lon=-9.14))
    stories = {"a" * 32: [kyiv, lisbon], "b" * 32: [kyiv]}
    enriched = [
        EnrichedArticle(
            article=Article(article_id=article_id, raw_id="ab" * 32, position=0, source_format="text",
                            title="Ministers meet", body="Ministers met in Kyiv and Lisbon."),
            enricher_version="test", enriched_at=datetime(2025, 6, 1, tzinfo=timezone.utc), places=places,
        )  # fmt: skip
        for article_id, places in stories.items()
    ]
    ensure_index(es, settings.index_alias)
    actions = bulk_actions([to_document(e) for e in enriched], settings.index_alias)
    write_bulk(es, actions, max_docs=10, max_bytes=1 << 20, refresh="wait_for")

    answer = CoreBackend(settings, lambda: ["t"], es=es).search(SearchState(show_duplicates=True), size=20, offset=0)

    points = {p["name"]: (round(p["lat"], 2), round(p["lon"], 2), p["count"]) for p in answer["places_map"]}
    assert points == {"Kyiv": (50.45, 30.52, 2), "Lisbon": (38.72, -9.14, 1)}
