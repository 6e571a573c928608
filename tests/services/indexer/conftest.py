"""Realistic ``EnrichedArticle`` messages for indexer tests, built through the real models."""

from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace
from typing import Any

import pytest

from shared.models import (
    Article,
    EnrichedArticle,
    Entity,
    GeoPoint,
    Mention,
    PageDate,
    Place,
    ResolvedPublication,
    TemporalExpression,
)

RAW_ID = "ab" * 32
ENRICHED_AT = datetime(2025, 6, 3, 8, 0, tzinfo=timezone.utc)


def entity(kind: str, name: str, offset: int, count: int = 1) -> Entity:
    return Entity(
        type=kind,
        name=name,
        count=count,
        first_offset=offset,
        mentions=[Mention(text=name, start=offset, end=offset + len(name))],
    )


def june_2025_dates() -> list[TemporalExpression]:
    return [
        TemporalExpression(
            text="last Monday", start=10, end=21, type="date", value="2025-06-02", grain="day",
            range_start=date(2025, 6, 2), range_end=date(2025, 6, 2), resolution="relative_to_publication",
        ),
        TemporalExpression(
            text="March 2024", start=40, end=50, type="date", value="2024-03", grain="month",
            range_start=date(2024, 3, 1), range_end=date(2024, 3, 31), resolution="absolute",
        ),
        TemporalExpression(
            text="three years", start=60, end=71, type="duration", value="P3Y", grain="year",
            resolution="unresolved",
        ),
    ]  # fmt: skip


def enriched_article(
    article_id: str = "a" * 32,
    *,
    title: str = "Floods hit Valencia as Pedro Sánchez visits",
    body: str = "Heavy rain flooded Valencia last Monday. Pedro Sánchez met the Red Cross.",
    source: str | None = "El País",
    published: datetime | None = datetime(2025, 6, 3, 7, 30, tzinfo=timezone.utc),
    entities: list[Entity] | None = None,
    places: list[Place] | None = None,
    dates: list[TemporalExpression] | None = None,
    language: str | None = "en",
    **article_fields: Any,
) -> EnrichedArticle:
    article = Article(
        article_id=article_id,
        raw_id=RAW_ID,
        position=article_fields.pop("position", 0),
        source_format=article_fields.pop("source_format", "html"),
        title=title,
        body=body,
        source=source,
        url=article_fields.pop("url", f"https://example.org/news/{article_id}"),
        **article_fields,
    )
    if entities is None:
        entities = [
            entity("organization", "Red Cross", 58),
            entity("person", "Pedro Sánchez", 41, count=2),
            entity("place", "Valencia", 19),
        ]
    if places is None:
        places = [Place(name="Valencia", country_code="es", location=GeoPoint(lat=39.47, lon=-0.376), geonames_id=2509954)]
    return EnrichedArticle(
        article=article,
        enricher_version="test-1",
        enriched_at=ENRICHED_AT,
        language=language,
        language_confidence=0.99 if language else None,
        published=ResolvedPublication(value=published, text=published.isoformat(), resolution="absolute")
        if published
        else None,
        entities=entities,
        places=places,
        dates=june_2025_dates() if dates is None else dates,
        keywords=["floods", "valencia"],
        fingerprint="f" * 16,
    )


def page_date(text: str, value: datetime | None, origin: str = "meta") -> PageDate:
    return PageDate(text=text, value=value, origin=origin)


@pytest.fixture
def make():
    """The factories above, for test modules (importlib import mode: no sibling imports)."""
    return SimpleNamespace(article=enriched_article, entity=entity, page_date=page_date)
