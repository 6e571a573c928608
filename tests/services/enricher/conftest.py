"""Shared fixtures for enricher tests: the spaCy model is loaded once per session."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from shared.models import Article, PageDate
from services.enricher.dedup import MemoryDuplicateIndex
from services.enricher.entities import load_model
from services.enricher.pipeline import Enricher

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "enricher"
# The seed page was crawled on Thursday 5 June 2025 (its stories say "3 days ago" of Monday 2 June).
FETCHED = datetime(2025, 6, 5, 12, 0, tzinfo=timezone.utc)


def make_article(body: str, *, title: str = "", article_id: str = "a1", published: PageDate | None = None,
                 fetched_at: datetime | None = FETCHED) -> Article:
    return Article(
        article_id=article_id, raw_id="0" * 64, position=0, source_format="text", title=title, body=body,
        published=published, fetched_at=fetched_at,
    )


def published_on(value: datetime) -> PageDate:
    return PageDate(text=value.isoformat(), value=value, origin="meta")


@pytest.fixture(name="make_article")
def make_article_fixture():
    """Factory for ``Article``s fetched on ``FETCHED`` unless told otherwise."""
    return make_article


@pytest.fixture
def fetched() -> datetime:
    return FETCHED


@pytest.fixture(scope="session")
def nlp():
    return load_model()


@pytest.fixture
def enricher(nlp) -> Enricher:
    return Enricher(nlp=nlp, duplicates=MemoryDuplicateIndex())


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in FIXTURES.glob("seed_*.txt")}


@pytest.fixture(scope="session")
def seed_enriched(nlp, seed_texts):
    """The seed page's main article and two related ones, enriched in one batch."""
    stamps = {  # the relative stamps as they appear glued on the seed page
        "seed_main": "3 days ago", "seed_related_kim": "time44 minutes ago", "seed_related_pentagon": "timean hour ago",
    }
    articles = [
        make_article(seed_texts[name], article_id=name, published=PageDate(text=stamp, origin="visible-text"))
        for name, stamp in stamps.items()
    ]
    enriched = Enricher(nlp=nlp).enrich_batch(articles)
    return {e.article.article_id: e for e in enriched}
