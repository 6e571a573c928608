"""Shared fixtures for parser tests: a RawPageRef factory and generous limits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from shared.identity import raw_id
from shared.models import RawPageRef

RECEIVED = datetime(2025, 6, 5, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def make_ref() -> Callable[..., RawPageRef]:
    def make(data: bytes, filename: str = "page", fetched_at: datetime | None = None) -> RawPageRef:
        return RawPageRef(raw_id=raw_id(data), filename=filename, size_bytes=len(data), received_at=RECEIVED,
                          fetched_at=fetched_at)

    return make


@pytest.fixture
def limits() -> dict[str, int]:
    return {"max_raw_bytes": 10_000_000, "max_decompressed_bytes": 50_000_000, "max_articles": 500}


@pytest.fixture
def article_html() -> bytes:
    """A realistic news page: nav, JSON-LD, byline with a job title, comments, a most-read box."""
    return (Path(__file__).resolve().parents[2] / "fixtures" / "parser" / "news_article.html").read_bytes()
