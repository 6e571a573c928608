"""The search core: one request builder and one response reader for the CLI, the API and the page.

``build_search`` turns a query in the documented language
(``services.indexer.query_language``) plus filters, sort and paging into a
search body; ``services.indexer.es`` runs it against the alias;
``parse_search`` turns the response into the envelope every face shows
(``total``, ``hits`` with highlights, ``facets``, ``histograms``,
``next_cursor``). Pure, no network.

Query semantics a user can rely on:

* Plain words are matched against ``title`` and ``body`` with the ``english``
  analyser as one combined field (``cross_fields``), every word required:
  ``election results brazil`` finds articles that mention all three, wherever
  they are. Among those, a match in the title scores x3 and the words as a
  phrase in the body score extra. (The title boost is a separate clause on
  purpose: inside ``cross_fields`` the blended term statistics cancel most of a
  field boost.) No query means "latest first".
* ``person`` / ``org`` / ``place`` match the canonical entity names as a
  case-insensitive phrase: ``--person biden`` matches "Joe Biden".
* ``source`` matches the outlet name as a phrase or the exact value,
  case-insensitive: ``bbc`` matches "BBC News", ``www.bbc.co.uk`` matches itself.
* ``since`` / ``until`` bound ``published_at``; a bare day for ``until`` means
  the whole day. ``published_at`` holds only publication dates the parser is
  sure of; ``include_uncertain_dates`` sorts and filters on ``published_any_at``
  (every chosen date, sure or not) instead. ``mentioned_since`` / ``mentioned_until`` keep articles that
  talk about a period overlapping the bounds (``mentioned_periods``).
* ``hide_duplicates`` leaves out articles the enricher marked as a near-duplicate
  of an earlier one (``duplicate_of``).
* Paging: ``size`` up to ``MAX_SIZE``; ``page`` for the first ``MAX_WINDOW`` hits,
  ``cursor`` (the ``next_cursor`` of the previous answer) for any depth. Every
  sort ends on ``article_id``, so pages never overlap or skip.

    >>> body = build_search("flood", place="Valencia", since="2024-10-01")
    >>> body["query"]["bool"]["must"][0]["multi_match"]["query"]
    'flood'
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal

import orjson

from .facets import facet_aggs, histogram_aggs, parse_facets, parse_histograms
from .query_language import QueryError, entity_clause, parse_query, source_clause

DateBound = str | date | datetime
Sort = Literal["relevance", "newest", "oldest"]

SORTS: tuple[str, ...] = ("relevance", "newest", "oldest")
MAX_SIZE = 100
MAX_WINDOW = 10_000  # Elasticsearch's index.max_result_window: deeper than this, use the cursor
TITLE_BOOST = 3.0
SOURCE_FIELDS = [
    "title", "source", "url", "published_at", "people", "organizations", "places", "language", "duplicate_of",
]  # fmt: skip
_BARE_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _bound(value: DateBound, *, upper: bool) -> str:
    """ISO text for a range bound; an upper bound given as a day covers that whole day."""
    if isinstance(value, datetime):
        return value.isoformat()
    text = value.isoformat() if isinstance(value, date) else value.strip()
    if upper and _BARE_DAY.match(text):
        return f"{text}||/d"
    return text


def _range(field: str, since: DateBound | None, until: DateBound | None, **extra: Any) -> dict[str, Any]:
    bounds: dict[str, Any] = dict(extra)
    if since is not None:
        bounds["gte"] = _bound(since, upper=False)
    if until is not None:
        bounds["lte"] = _bound(until, upper=True)
    return {"range": {field: bounds}}


def filter_clauses(
    *,
    person: str | None = None,
    org: str | None = None,
    place: str | None = None,
    source: str | None = None,
    lang: str | None = None,
    since: DateBound | None = None,
    until: DateBound | None = None,
    mentioned_since: DateBound | None = None,
    mentioned_until: DateBound | None = None,
    include_uncertain_dates: bool = False,
) -> list[dict[str, Any]]:
    """The non-scoring filters, shared by search and export."""
    filters: list[dict[str, Any]] = []
    for field, value in (("people", person), ("organizations", org), ("places", place)):
        if value:
            filters.append(entity_clause(field, value))
    if source:
        filters.append(source_clause(source))
    if lang:
        filters.append({"term": {"language": {"value": lang.strip().lower(), "case_insensitive": True}}})
    if since is not None or until is not None:
        filters.append(_range(published_field(include_uncertain_dates), since, until))
    if mentioned_since is not None or mentioned_until is not None:
        filters.append(_range("mentioned_periods", mentioned_since, mentioned_until, relation="intersects"))
    return filters


def build_query(
    query: str | None, *, hide_duplicates: bool = False, **filters: Any
) -> tuple[dict[str, Any], str | None]:
    """The ``query`` part of a search body, and the parser's notice (None when read as written)."""
    parsed = parse_query(query)
    should: list[dict[str, Any]] = []
    if parsed.text:
        # Ranking only: the words in the title weigh three times more, as a phrase in the body extra.
        should.append({"match": {"title": {"query": parsed.text, "boost": TITLE_BOOST}}})
        should.append({"match_phrase": {"body": {"query": parsed.text, "slop": 2}}})
    bool_query: dict[str, Any] = {
        "must": [parsed.clause or {"match_all": {}}],
        "should": should,
        "filter": filter_clauses(**filters),
    }
    if hide_duplicates:
        bool_query["must_not"] = [{"exists": {"field": "duplicate_of"}}]
    return {"bool": bool_query}, parsed.notice


def published_field(include_uncertain_dates: bool = False) -> str:
    return "published_any_at" if include_uncertain_dates else "published_at"


def sort_clause(sort: str, has_text: bool, include_uncertain_dates: bool = False) -> list[Any]:
    """Sort keys, always ending on ``article_id`` so a cursor names one exact position."""
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}; choose from {', '.join(SORTS)}")
    if sort == "relevance" and has_text:
        return ["_score", {"article_id": "asc"}]
    order = "asc" if sort == "oldest" else "desc"
    published = published_field(include_uncertain_dates)
    return [{published: {"order": order, "missing": "_last"}}, "_score", {"article_id": "asc"}]


def encode_cursor(sort_values: list[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(sort_values)).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise QueryError("the cursor is not one this search returned (use next_cursor as given)") from exc
    if not isinstance(values, list) or not all(isinstance(v, (str, int, float)) or v is None for v in values):
        raise QueryError("the cursor is not one this search returned (use next_cursor as given)")
    return values


def build_search(
    query: str | None,
    *,
    person: str | None = None,
    org: str | None = None,
    place: str | None = None,
    source: str | None = None,
    lang: str | None = None,
    since: DateBound | None = None,
    until: DateBound | None = None,
    mentioned_since: DateBound | None = None,
    mentioned_until: DateBound | None = None,
    sort: str = "relevance",
    size: int = 10,
    page: int = 1,
    cursor: str | None = None,
    hide_duplicates: bool = False,
    facets: bool = False,
    histograms: bool = False,
    facet_size: int = 10,
    include_uncertain_dates: bool = False,
) -> dict[str, Any]:
    """Search body for ``client.search(index=alias, **body)``; ``QueryError`` for a request it cannot run.

    ``query_notice(query)`` says whether the query was read as written.
    """
    if not 1 <= size <= MAX_SIZE:
        raise QueryError(f"size must be between 1 and {MAX_SIZE}")
    if page < 1:
        raise QueryError("page starts at 1")
    if cursor and page != 1:
        raise QueryError("give either page or cursor, not both")
    if (page - 1) * size + size > MAX_WINDOW:
        raise QueryError(f"pages end at hit {MAX_WINDOW}; use the cursor (next_cursor) to go deeper")
    query_body, _ = build_query(
        query, hide_duplicates=hide_duplicates, person=person, org=org, place=place, source=source, lang=lang,
        since=since, until=until, mentioned_since=mentioned_since, mentioned_until=mentioned_until,
        include_uncertain_dates=include_uncertain_dates,
    )  # fmt: skip
    has_text = bool(query_body["bool"]["should"]) or query_body["bool"]["must"] != [{"match_all": {}}]
    body: dict[str, Any] = {
        "query": query_body,
        "size": size,
        "track_total_hits": True,
        "_source": SOURCE_FIELDS,
        "sort": sort_clause(sort, has_text, include_uncertain_dates),
        # Scores still count when sorting by date: the CLI shows them, and ties are broken by them.
        "track_scores": True,
        "highlight": {
            "fields": {
                "title": {"number_of_fragments": 0},
                # no_match_size: an article matched only by filters still shows its opening.
                "body": {"fragment_size": 160, "number_of_fragments": 2, "no_match_size": 160},
            },
            "pre_tags": ["<em>"],
            "post_tags": ["</em>"],
        },
    }
    if cursor:
        body["search_after"] = decode_cursor(cursor)
    elif page > 1:
        body["from"] = (page - 1) * size
    published = published_field(include_uncertain_dates)
    aggs = {**(facet_aggs(facet_size) if facets else {}), **(histogram_aggs(published) if histograms else {})}
    if aggs:
        body["aggs"] = aggs
    return body


def query_notice(query: str | None) -> str | None:
    """Why the query was read as plain words (bad syntax), or None when it was read as written."""
    return parse_query(query).notice


def parse_total(response: Mapping[str, Any]) -> int:
    total = response.get("hits", {}).get("total", 0)
    return int(total.get("value", 0)) if isinstance(total, Mapping) else int(total or 0)


def parse_hits(response: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One flat dict per hit: id, title, source, score, published_at, entities, snippet."""
    results = []
    for hit in response.get("hits", {}).get("hits", []):
        src = hit.get("_source", {})
        highlight = hit.get("highlight", {})
        fragments = highlight.get("body") or []
        results.append(
            {
                "id": hit.get("_id"),
                "title": src.get("title"),
                "title_highlight": (highlight.get("title") or [src.get("title")])[0],
                "source": src.get("source"),
                "url": src.get("url"),
                "score": hit.get("_score"),
                "published_at": src.get("published_at"),
                "language": src.get("language"),
                "people": src.get("people", []),
                "organizations": src.get("organizations", []),
                "places": src.get("places", []),
                "duplicate_of": src.get("duplicate_of"),
                "snippet": " … ".join(f.strip() for f in fragments),
            }
        )
    return results


def parse_search(response: Mapping[str, Any], size: int, notice: str | None = None) -> dict[str, Any]:
    """The envelope every face shows: total, hits, facets, histograms, next_cursor, notice.

    ``next_cursor`` is None on the last page (fewer hits than asked for).
    """
    raw_hits = response.get("hits", {}).get("hits", [])
    next_cursor = encode_cursor(raw_hits[-1]["sort"]) if len(raw_hits) == size and raw_hits[-1].get("sort") else None
    aggregations = response.get("aggregations", {})
    return {
        "total": parse_total(response),
        "hits": parse_hits(response),
        "facets": parse_facets(aggregations),
        "histograms": parse_histograms(aggregations),
        "next_cursor": next_cursor,
        "notice": notice,
    }
