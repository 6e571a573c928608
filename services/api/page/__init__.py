"""The analyst's page, served by the API: search, facets, timeline, map, article, pipeline.

``page_router(settings, tokens)`` is the one thing the API's ``create_app``
includes; ``tokens`` returns the bearer tokens the API accepts right now, so the
page signs in with exactly the API's tokens. Templates, styles and scripts are
in this package; the front-end libraries come from ``node_modules/`` (npm ci).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from fastapi import APIRouter

from shared.settings import Settings

from .backend import CoreBackend
from .routes import make_router


def page_router(settings: Settings, tokens: Callable[[], Iterable[str]]) -> APIRouter:
    return make_router(CoreBackend(settings, tokens))


__all__ = ["page_router"]
