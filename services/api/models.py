"""The API's answers as pydantic models: they are the OpenAPI schema schemathesis checks answers against."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Problem(BaseModel):
    detail: str = Field(description="what went wrong, in one sentence")


class PageAccepted(BaseModel):
    raw_id: str = Field(description="sha256 of the bytes: the page's identity")
    status_url: str
    duplicate: bool = Field(description="true when the same bytes were received before (nothing new is stored)")
    size_bytes: int


class FileOutcome(BaseModel):
    """One file of a multipart upload: accepted (202) or refused, on its own."""

    filename: str
    status: int = Field(description="202, or 400 (empty) / 413 (too large) for this file alone")
    raw_id: str | None = None
    status_url: str | None = None
    duplicate: bool | None = None
    size_bytes: int | None = None
    detail: str | None = None


class MultipartAccepted(BaseModel):
    files: list[FileOutcome]


class ArticleCounts(BaseModel):
    expected: int
    enriched: int
    indexed: int
    failed: int


class DeadLetterSummary(BaseModel):
    dead_letter_id: str
    stage: str
    reason: str
    article_id: str | None = None
    failed_at: str
    attempts: int


class Skipped(BaseModel):
    reason: str = Field(description="where in the file and why, e.g. 'line 5 has no text'")
    record_id: str | None = None


class PageStatus(BaseModel):
    raw_id: str
    filename: str
    state: str = Field(description="received, parsed, indexed, partial or failed")
    reason: str | None = None
    received_at: str | None = None
    updated_at: str | None = None
    articles: ArticleCounts
    records: int | None = Field(None, description="records the file held (JSON lines, WARC), once parsed")
    skipped: list[Skipped] = Field([], description="records that gave no article, with the reason")
    dead_letters: list[DeadLetterSummary]


class Hit(BaseModel):
    id: str
    title: str | None = None
    title_highlight: str | None = None
    source: str | None = None
    url: str | None = None
    score: float | None = None
    published_at: str | None = None
    language: str | None = None
    people: list[str] = []
    organizations: list[str] = []
    places: list[str] = []
    duplicate_of: str | None = None
    snippet: str = Field("", description="body fragments with matches in <em>…</em>")


class FacetValue(BaseModel):
    value: str
    count: int


class DayCount(BaseModel):
    day: str
    count: int


class SearchAnswer(BaseModel):
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = Field(description="people, organizations, places, sources, languages")
    histograms: dict[str, list[DayCount]] = Field(description="published and mentioned: matching articles per day")
    next_cursor: str | None = Field(description="pass as cursor for the next page; null on the last page")
    notice: str | None = Field(description="set when the query was not valid syntax and was searched as words")


class Article(BaseModel):
    """The stored article: text, entities with mentions, resolved dates, places with coordinates."""

    model_config = ConfigDict(extra="allow")

    article_id: str
    raw_id: str
    title: str | None = None
    body: str | None = None
    entities: list[dict[str, Any]] = []
    dates: list[dict[str, Any]] = []
    place_details: list[dict[str, Any]] = []


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str = Field(description="ready, or unavailable when a store cannot be reached")
    redis: bool
    elasticsearch: bool
    raw_store: bool
