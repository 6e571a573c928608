"""Search request building and hit parsing for ``newsflow search``; pure, no network.

``build_search`` turns a query string and filters into a search body;
``services.indexer.es.search_articles`` (or any client) runs it against the
alias; ``parse_hits`` turns the response into small dicts a CLI can print.

Query semantics a user can rely on:

* Free text is matched against ``title`` and ``body`` with the ``english``
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
  the whole day. ``mentioned_since`` / ``mentioned_until`` keep articles that
  talk about a period overlapping the bounds (``mentioned_periods``).

    >>> body = build_search("flood", place="Valencia", since="2024-10-01")
    >>> body["query"]["bool"]["must"][0]["multi_match"]["query"]
    'flood'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

DateBound = str | date | datetime

TEXT_FIELDS = ("title", "body")
TITLE_BOOST = 3.0
SOURCE_FIELDS = [
    "title", "source", "url", "published_at", "people", "organizations", "places", "language",
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


def _name_filter(field: str, value: str) -> dict[str, Any]:
    if field == "people":  # any name the entity registry joined under the canonical one ("Trump", "Zelenskiy")
        return {"multi_match": {"query": value, "type": "phrase", "fields": ["people.text", "people_aliases.text"]}}
    return {"match_phrase": {f"{field}.text": value}}


def _source_filter(value: str) -> dict[str, Any]:
    return {
        "bool": {
            "should": [
                {"match_phrase": {"source": value}},
                {"term": {"source.keyword": {"value": value, "case_insensitive": True}}},
                # The outlet's domain, whole or its label: "nytimes.com", "nytimes", "CNN" (cnn.com).
                {"term": {"source_domain": {"value": value, "case_insensitive": True}}},
                {"prefix": {"source_domain": {"value": f"{value.strip().lower()}.", "case_insensitive": True}}},
            ],
            "minimum_should_match": 1,
        }
    }


def build_search(
    query: str | None,
    *,
    person: str | None = None,
    org: str | None = None,
    place: str | None = None,
    source: str | None = None,
    since: DateBound | None = None,
    until: DateBound | None = None,
    mentioned_since: DateBound | None = None,
    mentioned_until: DateBound | None = None,
    size: int = 10,
) -> dict[str, Any]:
    """Search body for ``client.search(index=alias, **body)``."""
    must: list[dict[str, Any]] = []
    should: list[dict[str, Any]] = []
    if query and query.strip():
        must.append(
            {
                "multi_match": {
                    "query": query,
                    "fields": list(TEXT_FIELDS),
                    "type": "cross_fields",
                    "operator": "and",
                }
            }
        )
        should.append({"match": {"title": {"query": query, "boost": TITLE_BOOST}}})
        should.append({"match_phrase": {"body": {"query": query, "slop": 2}}})
    filters: list[dict[str, Any]] = []
    for field, value in (("people", person), ("organizations", org), ("places", place)):
        if value:
            filters.append(_name_filter(field, value))
    if source:
        filters.append(_source_filter(source))
    if since is not None or until is not None:
        filters.append(_range("published_at", since, until))
    if mentioned_since is not None or mentioned_until is not None:
        filters.append(_range("mentioned_periods", mentioned_since, mentioned_until, relation="intersects"))

    body: dict[str, Any] = {
        "query": {"bool": {"must": must or [{"match_all": {}}], "should": should, "filter": filters}},
        "size": size,
        "track_total_hits": True,
        "_source": SOURCE_FIELDS,
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
    if not must:
        body["sort"] = [{"published_at": {"order": "desc", "missing": "_last"}}, "_score"]
    return body


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
                "snippet": " … ".join(f.strip() for f in fragments),
            }
        )
    return results
