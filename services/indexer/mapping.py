"""The Elasticsearch mapping for articles: code, versioned, never dynamic.

Documents built by ``services.indexer.documents`` land in ``{alias}-v{MAPPING_VERSION}``
behind the alias ``{alias}``. The composable index template below owns the
mapping of every ``{alias}-v*`` index, so creating the next version is a new
template plus a reindex and an alias swap, never an in-place change.

``dynamic: strict`` everywhere: a field the mapping does not know is a
rejected document (reported per item by the bulk writer), not a silently
guessed type. Dates, entities and places are therefore always what this file
says they are.

Field choices worth knowing:

* ``title``, ``body``, ``description``: ``english`` analyser (stemming, stop
  words) for full-text search. ``title.keyword`` and ``source.keyword`` are
  for facets; ``ignore_above`` keeps over-long values out of the keyword
  index only (the text field still finds them), which is the standard limit of
  Lucene terms (32 KiB), not a silent cap on search.
* ``people`` / ``organizations`` / ``places`` / ``groups``: keyword arrays of
  canonical names for Kibana terms aggregations, each with a ``.text``
  sub-field (``standard`` analyser) so the CLI filters ``--person biden``
  case-insensitively and by partial name.
* ``locations``: flat ``geo_point`` array (one per place with coordinates) for
  maps.
* ``place_details`` is the one ``nested`` field: the page's map counts matching
  articles per place and puts each place at its own point (a terms aggregation
  on ``place_details.name`` with a ``geo_centroid`` of ``place_details.location``
  under it, ``services/api/page/backend.py``), which needs each name paired with
  its own coordinates. Flattened, an article naming Kyiv and Lisbon would pull
  both places to the midpoint. One Lucene document per place (about 4 an article).
* ``entities`` and ``dates`` are plain objects (mapping version 4; nested
  before): no query matches two of their sub-fields on the same object (the
  filters and facets use the flat arrays below and above), and as nested they
  were about 26 hidden Lucene documents per article, each indexed, stored and
  merged. Their offsets and counts are kept for display only, not indexed.
* ``dates``: resolved temporal expressions, exactly as the enricher
  produced them. Two flat fields derive from them:
  ``mentioned_dates`` (``date``): the first day (``range_start``) of every
  resolved expression; cheap to histogram in Kibana ("what period do the
  stories talk about") and to sort on.
  ``mentioned_periods`` (``date_range``): the whole ``range_start..range_end``
  of every resolved expression. Range filters use this one with
  ``relation: intersects`` so that "June 2025" (a month) matches a filter that
  starts on 10 June, which a first-day-only field would miss.

    >>> template = index_template("newsflow-articles")
    >>> template["index_patterns"]
    ['newsflow-articles-v*']
    >>> field_type(template, "locations")
    'geo_point'
"""

from __future__ import annotations

from typing import Any

# 2: ``parsed`` (the parser's article, for enrich-only reprocessing), dates.mod
# 3: source_domain, people_aliases; dates.confidence; publication confidence: published_any_at / _origin / _confidence / _uncertain;
#    enrichment_partial, entities_total, dates_total (the enricher's limits, services/enricher/limits.py)
# 4: entities and dates plain objects (were nested), their offsets and counts stored only: one Lucene document
#    per article plus one per place instead of ~31 (docs/MAPPING.md)
MAPPING_VERSION = 4

# Lucene rejects single terms above 32766 bytes; UTF-8 may need 4 bytes a character.
_MAX_KEYWORD_CHARS = 8191


def _keyword(**extra: Any) -> dict[str, Any]:
    return {"type": "keyword", **extra}


def _text_with_keyword(analyzer: str, ignore_above: int = _MAX_KEYWORD_CHARS) -> dict[str, Any]:
    return {
        "type": "text",
        "analyzer": analyzer,
        "fields": {"keyword": {"type": "keyword", "ignore_above": ignore_above}},
    }


def _name_array() -> dict[str, Any]:
    """Canonical names: exact keyword for facets, ``.text`` for forgiving filters."""
    return {
        "type": "keyword",
        "ignore_above": _MAX_KEYWORD_CHARS,
        "fields": {"text": {"type": "text", "analyzer": "standard"}},
    }


def _date() -> dict[str, Any]:
    return {"type": "date", "format": "strict_date_optional_time||epoch_millis"}


def _day() -> dict[str, Any]:
    return {"type": "date", "format": "strict_date"}


def _stored_only(kind: str = "keyword") -> dict[str, Any]:
    """Kept in _source for display, not searchable: nobody filters, sorts or aggregates on it."""
    return {"type": kind, "index": False, "doc_values": False}


def mappings() -> dict[str, Any]:
    return {
        "dynamic": "strict",
        "_meta": {"mapping_version": MAPPING_VERSION, "owner": "newsflow indexer"},
        "properties": {
            # Identity and provenance.
            "article_id": _keyword(),
            "raw_id": _keyword(),
            "parent_id": _keyword(),
            "position": {"type": "integer"},
            "source_format": _keyword(),
            "url": _keyword(ignore_above=_MAX_KEYWORD_CHARS),
            "canonical_url": _keyword(ignore_above=_MAX_KEYWORD_CHARS),
            "image_url": _stored_only(),
            "encoding": _keyword(),
            # What.
            "title": _text_with_keyword("english", ignore_above=1024),
            "body": {"type": "text", "analyzer": "english"},
            "description": {"type": "text", "analyzer": "english"},
            "source": _text_with_keyword("standard", ignore_above=512),
            "source_domain": _keyword(ignore_above=512),  # registered domain: "nytimes.com"
            "authors": _name_array(),
            "language": _keyword(),
            "language_confidence": {"type": "float"},
            "keywords": _name_array(),
            # Who and where.
            "people": _name_array(),
            "people_aliases": _name_array(),  # other names of the people above ("Trump"): the person filter's too
            "organizations": _name_array(),
            "places": _name_array(),
            "groups": _name_array(),
            "countries": _keyword(),
            # Plain objects, not nested: see the module docstring.
            "entities": {
                "properties": {
                    "type": _keyword(),
                    "name": _keyword(ignore_above=_MAX_KEYWORD_CHARS),
                    "count": _stored_only("integer"),
                    "first_offset": _stored_only("integer"),
                },
            },
            "place_details": {
                "type": "nested",
                "properties": {
                    "name": _keyword(ignore_above=_MAX_KEYWORD_CHARS),
                    "country_code": _keyword(),
                    "location": {"type": "geo_point"},
                    "geonames_id": {"type": "long"},
                },
            },
            "locations": {"type": "geo_point"},
            # When.
            # The publication date a timeline can trust (confidence at or above the indexer's
            # threshold): the default sort and the "since" filter use this one.
            "published_at": _date(),
            # The chosen date whatever its confidence, searchable when a user asks for uncertain dates.
            "published_any_at": _date(),
            "published_uncertain": {"type": "boolean"},
            "published_origin": _keyword(),  # json-ld, meta, itemprop, time-element, url, visible-text, ...
            "published_confidence": {"type": "float"},
            "published_text": _keyword(ignore_above=_MAX_KEYWORD_CHARS),
            "published_resolution": _keyword(),
            "modified_at": _date(),
            "fetched_at": _date(),
            "enriched_at": _date(),
            "indexed_at": _date(),
            "dates": {
                "properties": {
                    "text": _keyword(ignore_above=_MAX_KEYWORD_CHARS),
                    "type": _keyword(),
                    "value": _keyword(),
                    "grain": _keyword(),
                    "mod": _keyword(),  # TimeML START / MID / END: "early 2020", "mid-2011"
                    "range_start": _day(),
                    "range_end": _day(),
                    "resolution": _keyword(),
                    "confidence": {"type": "half_float"},  # prefer certain dates in filters
                    "start_offset": _stored_only("integer"),
                    "end_offset": _stored_only("integer"),
                },
            },
            "mentioned_dates": _day(),
            "mentioned_periods": {"type": "date_range", "format": "strict_date"},
            # Pipeline bookkeeping.
            "fingerprint": _keyword(),
            "duplicate_of": _keyword(),
            # Enrichment limits that were hit (services/enricher/limits.py) and the exact totals.
            "enrichment_partial": _keyword(ignore_above=_MAX_KEYWORD_CHARS),
            "entities_total": {"type": "integer"},
            "dates_total": {"type": "integer"},
            "enricher_version": _keyword(),
            "mapping_version": {"type": "integer"},
            # Free-form parser metadata: kept for display, never indexed, never rejected.
            "metadata": {"type": "object", "enabled": False},
            # The parser's article as it was sent to the enricher (less body and metadata, stored
            # above): `newsflow reprocess --stage enrich` rebuilds the exact input from it.
            "parsed": {"type": "object", "enabled": False},
        },
    }


def index_settings(*, shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    """One shard and no replica by default: the local stack is a single node."""
    return {"index": {"number_of_shards": shards, "number_of_replicas": replicas}}


def index_name(alias: str, version: int = MAPPING_VERSION) -> str:
    return f"{alias}-v{version}"


def index_template(alias: str, *, shards: int = 1, replicas: int = 0) -> dict[str, Any]:
    """Body for ``PUT _index_template/{alias}``: every ``{alias}-v*`` index gets this mapping."""
    return {
        "index_patterns": [f"{alias}-v*"],
        "priority": 200,
        "version": MAPPING_VERSION,
        "template": {
            "settings": index_settings(shards=shards, replicas=replicas),
            "mappings": mappings(),
        },
    }


def field_type(template: dict[str, Any], path: str) -> str | None:
    """Type of a dotted field path (``title.keyword``, ``place_details.location``) or None.

    Used by tests and by the Kibana object builder to prove that every field
    a saved object names exists with a type that fits its use.
    """
    properties = template["template"]["mappings"]["properties"]
    parts = path.split(".")
    node: dict[str, Any] | None = None
    for i, part in enumerate(parts):
        if node is not None and "fields" in node and part in node["fields"]:
            node = node["fields"][part]
            continue
        if part not in properties:
            return None
        node = properties[part]
        properties = node.get("properties", {})
        if i < len(parts) - 1 and not properties and "fields" not in node:
            return None
    return node.get("type", "object") if node is not None else None
