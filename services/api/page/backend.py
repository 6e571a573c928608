"""Where the page's answers come from: the one search core, the status and dead-letter stores.

Search, facets, day histograms and article detail are the core's
(``services.indexer.search`` / ``es`` / ``articles`` / ``export``), called
exactly as ``GET /v1/search``, ``/v1/articles/{id}`` and ``/v1/export`` call
them. The pipeline view is ``newsflow status`` and ``newsflow verify``'s
(``services.ingest.accounting`` over ``shared.runtime``).

Two things the page needs that the core does not answer yet, kept here and
small until it does (each a read-only request next to the core's own):

* ``map_places``: the coordinates of the places in the matches, with the number
  of matching articles per place (a nested aggregation over ``place_details``
  added to the core's search body, so it describes exactly the same matches).
* ``duplicates``: the articles marked as near-duplicates of this one, and the one
  it duplicates.

The page's facets may repeat (two people: "who met whom"); the core takes one
value per filter, so further values are added to the query as the query
language's own ``person:"..."`` terms, which the core reads with the same clause.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from elasticsearch import NotFoundError

from services.indexer.articles import article_detail
from services.indexer.es import get_article, iter_matches, search_page
from services.indexer.export import EXPORT_SORT, export_lines, source_fields
from services.indexer.query_language import QueryError
from services.indexer.search import build_query, build_search, query_notice
from services.ingest.accounting import queue_depths
from services.ingest.accounting import verify as run_verify
from shared.elastic import make_client
from shared.runtime import Runtime
from shared.settings import Settings
from shared.status import summarise

from .state import FACETS, PageError, SearchState

# The core's facet names -> the page's (and the API's) filter parameters.
FACET_PARAMS = {"people": "person", "organizations": "org", "places": "place", "sources": "source", "languages": "lang"}
VERIFY_UP_TO_FILES = 1000  # past this, verify (a Redis read and an mget per file) runs on request only
MAP_PLACES = 60  # places drawn on the map: the most mentioned; the facet list and export have the rest
FACET_SIZE = 12


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def core_arguments(state: SearchState) -> tuple[str | None, dict[str, Any]]:
    """``build_search``'s query text and filter keywords for a page state.

    >>> s = SearchState(q="talks", filters={"person": ("Rustem Umerov", "Hakan Fidan")})
    >>> core_arguments(s)
    ('(talks) AND person:"Hakan Fidan"', {'person': 'Rustem Umerov', 'hide_duplicates': True, 'sort': 'relevance'})
    """
    extra: list[str] = []
    filters: dict[str, Any] = {}
    for key in FACETS:
        values = state.filters.get(key, ())
        if values:
            filters[key] = values[0]
            extra += [f"{key}:{_quoted(v)}" for v in values[1:]]
    filters.update(state.ranges)
    query = state.q or None
    if extra:
        query = " AND ".join([f"({query})", *extra] if query else extra)
    filters["hide_duplicates"] = not state.show_duplicates
    filters["sort"] = state.sort
    return query, filters


def map_places_agg(size: int = MAP_PLACES) -> dict[str, Any]:
    return {
        "nested": {"path": "place_details"},
        "aggs": {
            "names": {
                "terms": {"field": "place_details.name", "size": size},
                "aggs": {
                    "point": {"geo_centroid": {"field": "place_details.location"}},
                    "articles": {"reverse_nested": {}},
                },
            }
        },
    }


def parse_map_places(aggregations: dict[str, Any]) -> list[dict[str, Any]]:
    places = []
    for bucket in aggregations.get("map_places", {}).get("names", {}).get("buckets", []):
        point = bucket.get("point", {}).get("location")
        if point:
            count = bucket.get("articles", {}).get("doc_count", bucket["doc_count"])
            places.append({"name": bucket["key"], "lat": point["lat"], "lon": point["lon"], "count": count})
    return places


def _sentence(exc: Exception) -> str:
    text = str(exc).strip().rstrip(".")
    return f"This search cannot run: {text}." if text else "This search cannot run."


class CoreBackend:
    """The page's ``Backend`` over the real stores; one per app, clients built lazily."""

    def __init__(
        self, settings: Settings, tokens: Callable[[], Iterable[str]], *, es=None, runtime: Runtime | None = None
    ):
        self.settings = settings
        self._tokens = tokens
        self._client = es
        self.runtime = runtime or Runtime(settings)

    @property
    def client(self):
        if self._client is None:
            self._client = make_client(self.settings, request_timeout_s=15)
        return self._client

    def tokens(self) -> list[str]:
        return list(self._tokens())

    def search(self, state: SearchState, *, size: int, offset: int) -> dict[str, Any]:
        query, filters = core_arguments(state)
        try:
            body = build_search(
                query,
                size=size,
                page=offset // size + 1,
                facets=True,
                histograms=True,
                facet_size=FACET_SIZE,
                **filters,
            )
            answer = search_page(self.client, self.settings.index_alias, body, query_notice(query))
        except QueryError as exc:
            raise PageError(_sentence(exc)) from exc
        answer["facets"] = {FACET_PARAMS[k]: v for k, v in answer.get("facets", {}).items() if k in FACET_PARAMS}
        # The same query, asked once more for the map (see the module docstring).
        try:
            places = self.client.search(
                index=self.settings.index_alias, query=body["query"], size=0, aggs={"map_places": map_places_agg()}
            ).body
        except NotFoundError as exc:
            if exc.error != "index_not_found_exception":
                raise
            answer["notice"] = "Nothing has been indexed yet: ingest some pages and they will appear here."
            places = {}
        answer["places_map"] = parse_map_places(places.get("aggregations", {}))
        return answer

    def article(self, article_id: str) -> dict[str, Any] | None:
        doc = get_article(self.client, self.settings.index_alias, article_id)
        if doc is None:
            return None
        detail = article_detail(doc)
        detail["duplicates"] = self._duplicates(article_id, doc.get("duplicate_of"))
        status = self.runtime.status.get(doc["raw_id"]) if doc.get("raw_id") else None
        detail["raw"] = (
            {
                "raw_id": doc.get("raw_id"),
                "filename": status.filename if status else None,
                "state": status.state if status else None,
            }
            if doc.get("raw_id")
            else None
        )
        return detail

    def _duplicates(self, article_id: str, duplicate_of: str | None) -> list[dict[str, Any]]:
        should: list[dict[str, Any]] = [{"term": {"duplicate_of": article_id}}]
        if duplicate_of:
            should.append({"ids": {"values": [duplicate_of]}})
        response = self.client.search(
            index=self.settings.index_alias,
            size=50,
            _source=["title", "source"],
            query={"bool": {"should": should, "minimum_should_match": 1}},
        ).body
        return [{"id": h["_id"], **h["_source"]} for h in response["hits"]["hits"] if h["_id"] != article_id]

    def pipeline(self, *, verify: bool) -> dict[str, Any]:
        rt = self.runtime
        letters = sorted(rt.dead_letters.list(), key=lambda d: d.failed_at, reverse=True)
        answer: dict[str, Any] = {
            "files_by_state": dict(sorted(summarise(rt.status.all()).items())),
            "queue_depths": queue_depths(rt),
            "dead_letters": [d.model_dump(mode="json", exclude={"payload", "traceback"}) for d in letters],
            "at": datetime.now(UTC).isoformat(),
        }
        received = sum(answer["files_by_state"].values())
        if verify or received <= VERIFY_UP_TO_FILES:
            answer["verification"] = run_verify(rt, self.client).as_dict()
        else:
            answer["verification_error"] = (
                f"With {received:,} files, checking every article takes a while: it runs when asked."
            )
        return answer

    def export_csv(self, state: SearchState) -> Iterator[str]:
        query, filters = core_arguments(state)
        filters.pop("sort")
        query_body, _ = build_query(query, **filters)
        docs = iter_matches(
            self.client, self.settings.index_alias, query_body, sort=EXPORT_SORT, source=source_fields("csv")
        )
        return export_lines(docs, "csv")
