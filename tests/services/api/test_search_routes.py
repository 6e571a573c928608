"""GET /v1/search, /v1/articles and /v1/export over a small real index (no workers)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest

from services.indexer.documents import bulk_actions, to_document
from services.indexer.es import ensure_index, write_bulk
from shared.models import Article, EnrichedArticle, Entity, GeoPoint, Mention, Place, ResolvedPublication

pytestmark = pytest.mark.integration

AUTH = {"Authorization": "Bearer test-token-" + "x" * 20}
T0 = datetime(2025, 6, 1, 8, 0, tzinfo=timezone.utc)


def _article(article_id, title, body, source, published, entities=(), places=()) -> EnrichedArticle:
    return EnrichedArticle(
        article=Article(article_id=article_id, raw_id="ab" * 32, position=0, source_format="html", title=title,
                        body=body, source=source, url=f"https://example.org/{article_id}"),
        enricher_version="test", enriched_at=T0, language="en", entities=list(entities), places=list(places),
        published=ResolvedPublication(value=published, text=published.isoformat(), resolution="absolute"),
    )


@pytest.fixture
def corpus(api_settings, es):
    alias = api_settings.index_alias
    ensure_index(es, alias)
    articles = [
        _article(f"{i:032x}", f"Harbour fire day {i}", f"A fire in the harbour, report {i}.", "Port News",
                 T0 + timedelta(days=i))
        for i in range(12)
    ]
    body = "Voters in Valencia queued early. Pedro Sánchez voted at noon."
    start = body.index("Pedro")
    sanchez = Entity(type="person", name="Pedro Sánchez", count=1, first_offset=start,
                     mentions=[Mention(text="Pedro Sánchez", start=start, end=start + 13)])
    valencia = Place(name="Valencia", country_code="es", location=GeoPoint(lat=39.47, lon=-0.376))
    articles.append(_article("f" * 32, "Election in Valencia", body, "El País", T0, [sanchez], [valencia]))
    report = write_bulk(es, bulk_actions([to_document(a) for a in articles], alias), max_docs=200, max_bytes=1 << 22, refresh="wait_for")
    assert [o.status for o in report.outcomes] == ["indexed"] * 13
    return alias


def test_cursor_pages_through_every_hit_once(client, corpus):
    seen, cursor = [], None
    while True:
        params = {"q": "harbour fire", "size": 5, "sort": "newest", **({"cursor": cursor} if cursor else {})}
        answer = client.get("/v1/search", params=params, headers=AUTH).json()
        seen += [h["id"] for h in answer["hits"]]
        cursor = answer["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 12 == answer["total"]
    assert answer["facets"]["sources"] == [{"value": "Port News", "count": 12}]
    assert len(answer["histograms"]["published"]) == 12


def test_filters_and_the_query_language(client, corpus):
    def ids(**params):
        return {h["id"] for h in client.get("/v1/search", params=params, headers=AUTH).json()["hits"]}

    assert ids(q="person:sánchez") == {"f" * 32}
    assert ids(person="Pedro Sánchez", place="valencia") == {"f" * 32}
    assert ids(q="fire -harbour") == set()
    assert ids(q="harbour", since="2025-06-11", size=50) == {f"{10:032x}", f"{11:032x}"}


def test_requests_that_cannot_run_are_400_with_a_reason(client, corpus):
    bad_date = client.get("/v1/search", params={"since": "last tuesday"}, headers=AUTH)
    assert bad_date.status_code == 400 and "Elasticsearch cannot run" in bad_date.json()["detail"]
    bad_cursor = client.get("/v1/search", params={"cursor": "%%%"}, headers=AUTH)
    assert bad_cursor.status_code == 400 and "cursor" in bad_cursor.json()["detail"]
    assert client.get("/v1/search", params={"size": 101}, headers=AUTH).status_code == 422
    malformed = client.get("/v1/search", params={"q": '"harbour fire'}, headers=AUTH)
    assert malformed.status_code == 200 and malformed.json()["notice"] and malformed.json()["total"] == 12


def test_article_detail_and_404(client, corpus):
    article = client.get("/v1/articles/" + "f" * 32, headers=AUTH).json()
    assert article["title"] == "Election in Valencia"
    person = next(e for e in article["entities"] if e["type"] == "person")
    assert person["mentions"][0]["start"] == person["first_offset"]
    assert article["place_details"][0]["location"] == {"lat": 39.47, "lon": -0.376}
    assert "parsed" not in article
    assert client.get("/v1/articles/nope", headers=AUTH).status_code == 404


def test_export_streams_every_match_in_both_formats(client, corpus):
    ndjson = client.get("/v1/export", params={"q": "harbour"}, headers=AUTH)
    docs = [json.loads(line) for line in ndjson.text.splitlines()]
    assert len(docs) == 12 and all("body" in d for d in docs)
    assert [d["published_at"] for d in docs] == sorted((d["published_at"] for d in docs), reverse=True)
    rows = list(csv.DictReader(io.StringIO(client.get("/v1/export", params={"format": "csv"}, headers=AUTH).text)))
    assert len(rows) == 13 and rows[0].keys() >= {"article_id", "title", "people", "places"}
    assert client.get("/v1/export", params={"q": "nothing-matches-this"}, headers=AUTH).text == ""
