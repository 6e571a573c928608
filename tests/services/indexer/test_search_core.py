"""The search core on a real Elasticsearch node: query language, facets, histograms, sorting,
cursors, duplicates, article detail and the uncapped export."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from services.indexer.articles import article_detail
from services.indexer.documents import bulk_actions, to_document
from services.indexer.es import ensure_index, get_article, iter_matches, search_page, write_bulk
from services.indexer.export import EXPORT_SORT, export_lines, source_fields
from services.indexer.query_language import QueryError
from services.indexer.search import build_query, build_search, query_notice
from shared.models import TemporalExpression

pytestmark = pytest.mark.integration

T0 = datetime(2025, 6, 1, 8, 0, tzinfo=timezone.utc)


def _day(d: date, text: str) -> TemporalExpression:
    return TemporalExpression(text=text, start=0, end=len(text), type="date", value=d.isoformat(), grain="day",
                              range_start=d, range_end=d, resolution="absolute")


@pytest.fixture
def corpus(es, unique_prefix, make):
    alias = f"{unique_prefix}-articles"
    ensure_index(es, alias)
    korea = make.article(
        "k" * 32, title="Kim Jong Un meets Moon Jae-in at the border",
        body="Kim Jong Un crossed into South Korea. Moon Jae-in welcomed Kim Jong Un at Panmunjom.",
        source="Korea Herald", published=T0, language="en",
        entities=[make.entity("person", "Kim Jong Un", 0, count=2), make.entity("person", "Moon Jae-in", 40)],
        places=[], dates=[_day(date(2018, 4, 27), "27 April 2018")],
    )
    ukraine = make.article(
        "u" * 32, title="Ukraine grain deal extended", body="Ukraine and Turkey extended the grain corridor.",
        source="BBC News", published=T0 + timedelta(days=1), language="en",
        entities=[make.entity("place", "Ukraine", 0)], places=[], dates=[_day(date(2025, 6, 2), "Monday")],
    )
    both = make.article(
        "b" * 32, title="Ukraine and North Korea", body="Reports say Kim sent shells to Russia for use in Ukraine.",
        source="BBC News", published=T0 + timedelta(days=2), language="en",
        entities=[make.entity("person", "Kim", 12)], places=[], dates=[],
    )
    copy = make.article(
        "c" * 32, title="Ukraine grain deal extended (copy)", body="Ukraine and Turkey extended the grain corridor.",
        source="Mirror Site", published=T0 + timedelta(days=3), language="de", places=[], dates=[], entities=[],
    )
    copy = copy.model_copy(update={"duplicate_of": "u" * 32})
    many = [
        make.article(f"{i:032d}", title=f"Weather report {i}", body="Sunny.", source="Met", entities=[], places=[],
                     dates=[], published=T0 - timedelta(days=i))
        for i in range(25)
    ]
    report = write_bulk(es, bulk_actions([to_document(a) for a in (korea, ukraine, both, copy, *many)], alias), max_docs=200, max_bytes=1 << 22, refresh="wait_for")
    assert [o.status for o in report.outcomes] == ["indexed"] * 29
    return alias


def _search(es, alias, query=None, **options):
    return search_page(es, alias, build_search(query, **options), query_notice(query))


def test_kim_jong_un_ranks_the_korea_story_first_with_facets(es, corpus):
    answer = _search(es, corpus, "Kim Jong Un", facets=True, histograms=True)
    assert answer["hits"][0]["id"] == "k" * 32
    assert {"value": "Kim Jong Un", "count": 1} in answer["facets"]["people"]
    assert answer["histograms"]["published"] == [{"day": "2025-06-01", "count": 1}]
    assert answer["histograms"]["mentioned"] == [{"day": "2018-04-27", "count": 1}]
    assert "<em>" in answer["hits"][0]["title_highlight"]


def test_and_not_excludes(es, corpus):
    ids = {h["id"] for h in _search(es, corpus, "Ukraine AND NOT Kim")["hits"]}
    assert ids == {"u" * 32, "c" * 32}


def test_field_queries_and_filters(es, corpus):
    assert {h["id"] for h in _search(es, corpus, 'person:"kim jong un"')["hits"]} == {"k" * 32}
    assert {h["id"] for h in _search(es, corpus, "source:bbc -grain")["hits"]} == {"b" * 32}
    assert {h["id"] for h in _search(es, corpus, "Ukraine", lang="de")["hits"]} == {"c" * 32}


def test_hide_duplicates(es, corpus):
    assert "c" * 32 in {h["id"] for h in _search(es, corpus, "grain corridor")["hits"]}
    assert {h["id"] for h in _search(es, corpus, "grain corridor", hide_duplicates=True)["hits"]} == {"u" * 32}


def test_sorts(es, corpus):
    newest = [h["id"] for h in _search(es, corpus, "Ukraine", sort="newest")["hits"]]
    oldest = [h["id"] for h in _search(es, corpus, "Ukraine", sort="oldest")["hits"]]
    assert newest == ["c" * 32, "b" * 32, "u" * 32] == oldest[::-1]


def test_the_cursor_walks_every_match_once(es, corpus):
    seen, cursor = [], None
    while True:
        answer = _search(es, corpus, "weather", size=10, cursor=cursor, sort="newest")
        seen += [h["id"] for h in answer["hits"]]
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 25
    assert answer["total"] == 25
    page_3 = _search(es, corpus, "weather", size=10, page=3, sort="newest")
    assert [h["id"] for h in page_3["hits"]] == seen[20:]


def test_malformed_query_still_searches_and_says_why(es, corpus):
    answer = _search(es, corpus, "(Kim Jong")
    assert answer["notice"] and answer["hits"][0]["id"] == "k" * 32


def test_requests_elasticsearch_cannot_run_are_query_errors(es, corpus):
    with pytest.raises(QueryError):
        _search(es, corpus, since="last tuesday")
    with pytest.raises(QueryError):
        build_search("x", cursor="not-a-cursor!")
    with pytest.raises(QueryError):
        build_search("x", size=101)


def test_article_detail_has_entities_with_mentions_and_dates(es, corpus):
    detail = article_detail(get_article(es, corpus, "k" * 32))
    kim = next(e for e in detail["entities"] if e["name"] == "Kim Jong Un")
    second = detail["body"].index("Kim Jong Un", 1)
    assert [(m["start"], m["end"]) for m in kim["mentions"]] == [(0, 11), (second, second + 11)]
    assert detail["dates"][0]["text"] == "27 April 2018" and detail["dates"][0]["grain"] == "day"
    assert "parsed" not in detail
    assert get_article(es, corpus, "nope") is None


def test_export_streams_every_match_past_one_batch(es, corpus):
    query, _ = build_query("weather")
    docs = iter_matches(es, corpus, query, sort=EXPORT_SORT, source=source_fields("csv"), batch_size=7)
    lines = list(export_lines(docs, "csv"))
    assert lines[0].startswith("article_id,") and len(lines) == 26
    ndjson = list(export_lines(iter_matches(es, corpus, query, sort=EXPORT_SORT, batch_size=7), "ndjson"))
    assert len(ndjson) == 25 and '"body":"Sunny."' in ndjson[0] and '"parsed"' not in ndjson[0]
