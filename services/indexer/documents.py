"""From an ``EnrichedArticle`` message to the Elasticsearch document and bulk action.

Input: the ``IndexRequest`` the enricher sends on the ``index`` queue (or the
enricher's own ``EnrichedArticle``, as the bench and tests hold it: the same
fields, entities with their mentions, which are not indexed).
Output: a plain JSON-ready dict whose fields are exactly those of
``services.indexer.mapping`` (the mapping is strict, so a field added here and
not there is a rejected document, caught by the tests), and a ``BulkAction``
that writes it to the alias with ``_id = article_id``: re-indexing the same
article overwrites it instead of duplicating it.

Pure: no network, no clock unless ``indexed_at`` is left out.

    >>> from shared.models import Article, EnrichedArticle, utc_now
    >>> article = Article(article_id="a1", raw_id="f" * 64, position=0, source_format="text",
    ...                   title="Hello", body="World")
    >>> doc = to_document(EnrichedArticle(article=article, enricher_version="1",
    ...                                   enriched_at=utc_now()))
    >>> doc["article_id"], doc["title"], doc["people"]
    ('a1', 'Hello', [])
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shared.documents import PARSED_ELSEWHERE
from shared.models import EnrichedArticle, EntityType, IndexRequest, TemporalExpression, utc_now

from .mapping import MAPPING_VERSION

# Entity type -> the keyword array that facets it.
ENTITY_FIELDS: dict[EntityType, str] = {
    "person": "people",
    "organization": "organizations",
    "place": "places",
    "group": "groups",
}


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _unique(values: list[str]) -> list[str]:
    """Order-preserving de-duplication (first mention first)."""
    return list(dict.fromkeys(v for v in values if v))


def _date_fields(dates: list[TemporalExpression]) -> dict[str, Any]:
    nested = [
        {
            "text": d.text,
            "type": d.type,
            "value": d.value,
            "grain": d.grain,
            "mod": d.mod,
            "range_start": _iso(d.range_start),
            "range_end": _iso(d.range_end),
            "resolution": d.resolution,
            "confidence": d.confidence,
            "start_offset": d.start,
            "end_offset": d.end,
        }
        for d in dates
    ]
    resolved = [d for d in dates if d.range_start is not None and d.resolution != "unresolved"]
    mentioned_dates = sorted({d.range_start.isoformat() for d in resolved if d.range_start})
    periods: dict[tuple[str, str], dict[str, str]] = {}
    for d in resolved:
        start = d.range_start
        end = d.range_end if d.range_end is not None and d.range_end >= start else start
        periods[(start.isoformat(), end.isoformat())] = {"gte": start.isoformat(), "lte": end.isoformat()}
    return {
        "dates": nested,
        "mentioned_dates": mentioned_dates,
        "mentioned_periods": [periods[k] for k in sorted(periods)],
    }


# Below this confidence a publication date is stored as uncertain: kept in
# ``published_any_at`` (searchable) but not in ``published_at``, so it neither sorts
# nor passes the "since" filter unless asked. On the publication-date dev set the
# dates at or above it are right 96.6% of the time, those below 78% (see
# ``newsflow eval pubdates``). No confidence (a scraper's own field, older messages) is trusted.
TRUSTED_PUBLICATION_CONFIDENCE = 0.8


def _dated(
    value: datetime, text: str | None, resolution: str, origin: str | None, confidence: float | None
) -> dict[str, Any]:
    uncertain = confidence is not None and confidence < TRUSTED_PUBLICATION_CONFIDENCE
    return {
        "published_at": None if uncertain else _iso(value),
        "published_any_at": _iso(value),
        "published_uncertain": uncertain,
        "published_origin": origin,
        "published_confidence": confidence,
        "published_text": text,
        "published_resolution": resolution,
    }


def _publication(enriched: IndexRequest | EnrichedArticle) -> dict[str, Any]:
    """The enricher's resolved date wins; else the parser's absolute date, if any."""
    resolved = enriched.published
    if resolved is not None:
        return _dated(resolved.value, resolved.text, resolved.resolution, resolved.origin, resolved.confidence)
    page_date = enriched.article.published
    if page_date is not None and page_date.value is not None:
        return _dated(page_date.value, page_date.text, "absolute", page_date.origin, page_date.confidence)
    return {
        "published_at": None,
        "published_any_at": None,
        "published_uncertain": None,
        "published_origin": page_date.origin if page_date is not None else None,
        "published_confidence": None,
        "published_text": page_date.text if page_date is not None else None,
        "published_resolution": "unresolved" if page_date is not None else None,
    }


def to_document(enriched: IndexRequest | EnrichedArticle, *, indexed_at: datetime | None = None) -> dict[str, Any]:
    """The Elasticsearch ``_source`` for one enriched article."""
    article = enriched.article
    by_type: dict[str, list[str]] = {field: [] for field in ENTITY_FIELDS.values()}
    for entity in sorted(enriched.entities, key=lambda e: e.first_offset):
        by_type[ENTITY_FIELDS[entity.type]].append(entity.name)
    places_with_points = [p for p in enriched.places if p.location is not None]
    modified = article.modified.value if article.modified is not None else None

    return {
        "article_id": article.article_id,
        "raw_id": article.raw_id,
        "parent_id": article.parent_id,
        "position": article.position,
        "source_format": article.source_format,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "image_url": article.image_url,
        "encoding": article.encoding,
        "title": article.title,
        "body": article.body,
        "description": article.description,
        "source": article.source,
        "source_domain": article.source_domain,
        "authors": _unique(article.authors),
        "language": enriched.language or article.language,
        "language_confidence": enriched.language_confidence,
        "keywords": _unique(enriched.keywords),
        **{field: _unique(names) for field, names in by_type.items()},
        # Places found only by the geo step (no NER mention) still belong in the facet.
        "places": _unique(by_type["places"] + [p.name for p in enriched.places]),
        "people_aliases": _unique([a for e in enriched.entities if e.type == "person" for a in e.aliases]),
        "countries": _unique([p.country_code.upper() for p in enriched.places if p.country_code]),
        "entities": [
            {"type": e.type, "name": e.name, "count": e.count, "first_offset": e.first_offset}
            for e in enriched.entities
        ],
        "place_details": [
            {
                "name": p.name,
                "country_code": p.country_code,
                "location": {"lat": p.location.lat, "lon": p.location.lon} if p.location else None,
                "geonames_id": p.geonames_id,
            }
            for p in enriched.places
        ],
        "locations": [{"lat": p.location.lat, "lon": p.location.lon} for p in places_with_points if p.location],
        **_publication(enriched),
        "modified_at": _iso(modified),
        "fetched_at": _iso(article.fetched_at),
        "enriched_at": _iso(enriched.enriched_at),
        "indexed_at": _iso(indexed_at or utc_now()),
        **_date_fields(enriched.dates),
        "fingerprint": enriched.fingerprint,
        "duplicate_of": enriched.duplicate_of,
        "enrichment_partial": list(enriched.partial),
        "entities_total": enriched.entities_total,
        "dates_total": enriched.dates_total,
        "enricher_version": enriched.enricher_version,
        "mapping_version": MAPPING_VERSION,
        "metadata": dict(article.metadata),
        "parsed": article.model_dump(mode="json", exclude=PARSED_ELSEWHERE),
    }


@dataclass(frozen=True)
class BulkAction:
    """One ``index`` operation: the bulk API's action line plus the document.

    ``op`` is always ``index`` (create-or-overwrite by ``_id``), and the bulk
    writer reads each response item under this same key.
    """

    article_id: str
    index: str
    document: dict[str, Any]
    op: str = "index"

    def header(self) -> dict[str, Any]:
        return {self.op: {"_index": self.index, "_id": self.article_id}}


def bulk_actions(documents: Iterable[dict[str, Any]], alias: str) -> list[BulkAction]:
    """Bulk actions for documents from ``to_document``, each by its ``article_id``."""
    return [BulkAction(article_id=doc["article_id"], index=alias, document=doc) for doc in documents]
