"""Messages exchanged between newsflow stages.

Data flows ingest -> parse -> enrich -> index. Each hop carries one of these
pydantic models serialised as JSON; every model has a ``schema_version`` so a
worker can refuse (dead-letter) a message it does not understand instead of
guessing. Models are frozen: a stage builds a new message, it never mutates
the one it received.

    >>> ref = RawPageRef(raw_id="ab" * 32, filename="page.html", size_bytes=10,
    ...                  received_at=utc_now())
    >>> RawPageRef.model_validate_json(ref.model_dump_json()) == ref
    True
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1

Stage = Literal["ingest", "parse", "enrich", "index"]
SourceFormat = Literal["html", "text_dump", "json", "warc", "text"]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _require_aware(value: datetime | None) -> datetime | None:
    """Storage times are timezone-aware UTC; a naive time is a contract bug."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return value.astimezone(timezone.utc)


class Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = SCHEMA_VERSION


class RawPageRef(Message):
    """Claim check for one dropped file: the bytes live in the raw store."""

    raw_id: str = Field(pattern=r"^[0-9a-f]{64}$", description="sha256 of the raw bytes")
    filename: str = Field(description="name the user dropped, for display only")
    size_bytes: int = Field(ge=0)
    received_at: datetime
    fetched_at: datetime | None = Field(
        default=None,
        description="when the page was crawled; reference time for relative stamps",
    )
    url: str | None = Field(default=None, description="where the page was fetched from, when the sender said")

    _aware = field_validator("received_at", "fetched_at")(_require_aware)


DateOrigin = Literal["json-ld", "meta", "itemprop", "time-element", "url", "visible-text", "relative", "record", "warc"]


class PageDate(Message):
    """A date exactly as the parser found it, before any resolution."""

    text: str = Field(description="the raw string, e.g. '2025-06-02T10:00:00Z' or '3 days ago'")
    value: datetime | None = Field(default=None, description="absolute UTC time when the text was absolute")
    origin: DateOrigin
    day: date | None = Field(
        default=None, description="the calendar day the page wrote, in its own time zone (value is UTC)"
    )
    confidence: float | None = Field(
        default=None, ge=0, le=1, description="how sure the parser is that this is the publication date"
    )

    _aware = field_validator("value")(_require_aware)


class Article(Message):
    """One article found by the parser in a raw page."""

    article_id: str = Field(description="deterministic; see shared.identity")
    raw_id: str
    position: int = Field(ge=0, description="0 = the page's main article")
    parent_id: str | None = Field(default=None, description="article_id of the page's main article, for related ones")
    source_format: SourceFormat
    title: str
    body: str
    url: str | None = None
    canonical_url: str | None = None
    source: str | None = Field(default=None, description="site or outlet name")
    source_domain: str | None = Field(
        default=None, description="registered domain of the outlet, e.g. 'nytimes.com' (services/parser/source.py)"
    )
    authors: list[str] = Field(default_factory=list)
    published: PageDate | None = None
    modified: PageDate | None = None
    language: str | None = Field(default=None, description="as declared by the page")
    description: str | None = None
    image_url: str | None = None
    encoding: str | None = Field(default=None, description="text encoding used to decode")
    fetched_at: datetime | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    _aware = field_validator("fetched_at")(_require_aware)


class SkippedRecord(Message):
    """One record inside a file that the parser did not turn into an article, and why.

    A JSON-lines file, a JSON array or a WARC holds many records; a record that
    yields nothing (a line that is not JSON, a record without text, a 404
    response) is counted on its file's status with this, never dropped silently.

    >>> SkippedRecord(reason="line 3 is not valid JSON").reason
    'line 3 is not valid JSON'
    """

    reason: str = Field(description="where in the file and why, e.g. 'line 5 has no text'")
    record_id: str | None = Field(default=None, description="the record's own id or URL, when it has one")


class Mention(Message):
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


EntityType = Literal["person", "organization", "place", "group"]


class Entity(Message):
    type: EntityType
    name: str = Field(description="canonical name within the article")
    count: int = Field(ge=1)
    first_offset: int = Field(ge=0)
    mentions: list[Mention]
    entity_id: str | None = Field(default=None, description="corpus-wide id (services/enricher/registry.py)")
    aliases: list[str] = Field(
        default_factory=list, description="this article's other names for the entity, e.g. 'Trump' of 'Donald Trump'"
    )


class IndexedEntity(Message):
    """What the index keeps of an ``Entity``: no mention list, no registry id.

    The page and the API find an entity's mentions in the body at read time
    (``services/indexer/articles.py``), so the mention list, a fifth of an
    enriched message, stays with the enricher and its evaluations.
    """

    type: EntityType
    name: str
    count: int = Field(ge=1)
    first_offset: int = Field(ge=0)
    aliases: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _without_enricher_only_fields(cls, data: Any) -> Any:
        """An ``Entity`` read as an ``IndexedEntity`` loses what the index never used. This keeps
        index messages sent before ``IndexRequest`` (full ``EnrichedArticle``s still queued or
        dead-lettered during an upgrade) valid, while any other unknown field is still refused."""
        if isinstance(data, Entity):
            data = data.model_dump()
        if isinstance(data, dict) and ("mentions" in data or "entity_id" in data):
            data = {k: v for k, v in data.items() if k not in ("mentions", "entity_id")}
        return data


class GeoPoint(Message):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Place(Message):
    name: str
    country_code: str | None = None
    location: GeoPoint | None = None
    geonames_id: int | None = None


TemporalType = Literal["date", "time", "duration", "set"]
Grain = Literal["second", "minute", "hour", "day", "week", "month", "season", "quarter", "year", "decade", "century"]
Resolution = Literal[
    "absolute",
    "relative_to_publication",
    "relative_to_fetch",
    "weekday_anchored",
    "inferred",
    "unresolved",
    "relative_to_mention",  # anchored on the last date the story mentioned ("two days later", "that year")
    "calendar_table",  # a named day looked up in a holiday table ("Thanksgiving", "Christmas Eve")
]


# TIMEX3 ``mod``: which part of the period is meant ("early 2020", "mid-2011", "late last year").
Modifier = Literal["START", "MID", "END"]


class TemporalExpression(Message):
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    type: TemporalType
    value: str | None = Field(default=None, description="TIMEX3-style value: 2025-06-02, 2024-FA, P3Y, 1950/1953")
    grain: Grain | None = None
    range_start: date | None = Field(default=None, description="first calendar day covered")
    range_end: date | None = Field(default=None, description="last calendar day covered")
    resolution: Resolution
    mod: Modifier | None = Field(
        default=None, description="part of the period meant (TIMEX3 mod); value and range cover the whole period"
    )
    confidence: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="how sure the resolution is (1: written out in full; lower where tense or context decided)",
    )


class ResolvedPublication(Message):
    value: datetime
    text: str | None = None
    resolution: Resolution
    origin: DateOrigin | None = Field(default=None, description="where the parser found it; None when inferred")
    confidence: float | None = Field(default=None, ge=0, le=1, description="see PageDate.confidence")

    _aware = field_validator("value")(_require_aware)


class _Enrichment(Message):
    """Everything the enricher found about one article except its entities (see the two messages below)."""

    article: Article
    enricher_version: str
    enriched_at: datetime
    language: str | None = None
    language_confidence: float | None = None
    published: ResolvedPublication | None = None
    places: list[Place] = Field(default_factory=list)
    dates: list[TemporalExpression] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    fingerprint: str | None = Field(default=None, description="near-duplicate signature")
    duplicate_of: str | None = None
    # Bounds per article (services/enricher/limits.py): what was cut is said, and the totals are exact.
    partial: list[str] = Field(default_factory=list, description="one sentence per enrichment limit that was hit")
    entities_total: int | None = Field(default=None, ge=0, description="entities found, before the cap on kept ones")
    dates_total: int | None = Field(default=None, ge=0, description="dates found, before the cap on kept ones")

    _aware = field_validator("enriched_at")(_require_aware)


# Entity fields the index never reads (IndexedEntity): left out of the index queue's message.
_ENRICHER_ONLY: dict[str, Any] = {"entities": {"__all__": {"mentions", "entity_id"}}}


class EnrichedArticle(_Enrichment):
    """The enricher's whole result, mentions included (its evaluations read them)."""

    entities: list[Entity] = Field(default_factory=list)

    def index_payload(self) -> dict[str, Any]:
        """The ``index`` queue's message as JSON: an ``IndexRequest`` (entities without mention lists),
        fields at their default left out. Dumped straight from this result: no model built in between."""
        return self.model_dump(mode="json", exclude=_ENRICHER_ONLY, exclude_defaults=True)

    def for_index(self) -> IndexRequest:
        """The ``IndexRequest`` the indexer reads from ``index_payload()``."""
        return IndexRequest.model_validate(self.index_payload())


class IndexRequest(_Enrichment):
    """The enricher -> indexer message: the article and its enrichment, entities without mentions.

    The article travels whole because the document keeps all of it (the text for search,
    the rest under ``parsed`` for ``reprocess --stage enrich``). The enricher sends
    ``EnrichedArticle.index_payload()``; fields at their default are left out, the reader
    restores them.

        >>> entity = Entity(type="person", name="Kim", count=2, first_offset=0,
        ...                 mentions=[Mention(text="Kim", start=0, end=3), Mention(text="Kim", start=9, end=12)])
        >>> article = Article(article_id="a1", raw_id="f" * 64, position=0, source_format="text",
        ...                   title="Kim", body="Kim said Kim")
        >>> request = EnrichedArticle(article=article, enricher_version="1", enriched_at=utc_now(),
        ...                           entities=[entity]).for_index()
        >>> request.entities[0].model_dump()
        {'schema_version': 1, 'type': 'person', 'name': 'Kim', 'count': 2, 'first_offset': 0, 'aliases': []}
    """

    entities: list[IndexedEntity] = Field(default_factory=list)


class DeadLetter(Message):
    """A message that could not be processed, kept with everything needed to replay it."""

    dead_letter_id: str
    stage: Stage
    raw_id: str | None
    raw_path: str | None = Field(default=None, description="where the raw bytes are kept")
    article_id: str | None = None
    filename: str | None = None
    reason: str = Field(description="one readable sentence for the user")
    error_type: str
    traceback: str | None = None
    attempts: int = Field(ge=1, default=1)
    failed_at: datetime
    payload: dict[str, Any] | None = Field(default=None, description="the message the stage received, for replay")

    _aware = field_validator("failed_at")(_require_aware)
