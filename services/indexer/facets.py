"""Facets and day histograms for a search: what the matching articles are about, and when.

Facets are terms aggregations on the keyword fields (canonical names, the
source, the language); the histograms count matching articles per day of
publication (``published_at``) and per day a story talks about
(``mentioned_dates``, the first day of each resolved date). Both come back
with the same search request, so they always describe exactly the hits'
query and filters.

    >>> sorted(facet_aggs())
    ['languages', 'organizations', 'people', 'places', 'sources']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Facet name in answers -> keyword field.
FACET_FIELDS = {
    "people": "people",
    "organizations": "organizations",
    "places": "places",
    "sources": "source.keyword",
    "languages": "language",
}
HISTOGRAM_FIELDS = {"published": "published_at", "mentioned": "mentioned_dates"}


def facet_aggs(size: int = 10) -> dict[str, Any]:
    """Top ``size`` values of each facet field."""
    return {name: {"terms": {"field": field, "size": size}} for name, field in FACET_FIELDS.items()}


def histogram_aggs(published_field: str = "published_at") -> dict[str, Any]:
    """Matching articles per day. ``min_doc_count: 1`` keeps only days that have articles, so a
    story mentioning 1914 and 2025 costs two buckets, not 40,000 empty ones (and never reaches
    Elasticsearch's bucket limit). ``published_field``: ``published_any_at`` to count the
    publication dates the parser is unsure of too (``include_uncertain_dates``)."""
    fields = {**HISTOGRAM_FIELDS, "published": published_field}
    return {
        f"{name}_per_day": {
            "date_histogram": {"field": field, "calendar_interval": "day", "min_doc_count": 1, "format": "yyyy-MM-dd"}
        }
        for name, field in fields.items()
    }


def parse_facets(aggregations: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """``{"people": [{"value": "Kim Jong Un", "count": 3}, ...], ...}``; empty when not asked for."""
    return {
        name: [{"value": b["key"], "count": b["doc_count"]} for b in aggregations[name].get("buckets", [])]
        for name in FACET_FIELDS
        if name in aggregations
    }


def parse_histograms(aggregations: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """``{"published": [{"day": "2025-06-02", "count": 4}, ...], "mentioned": [...]}``."""
    return {
        name: [{"day": b["key_as_string"], "count": b["doc_count"]} for b in aggregations[agg].get("buckets", [])]
        for name in HISTOGRAM_FIELDS
        if (agg := f"{name}_per_day") in aggregations
    }
