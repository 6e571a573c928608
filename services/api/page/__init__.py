"""The analyst's page, served by the API: search, facets, timeline, map, article, pipeline.

``page_router()`` is the one thing ``services.api.app.create_app`` includes.
The page uses the app's own state: its tokens (``app.state.api_tokens``, the
API's bearer tokens, so signing in takes exactly a token the API accepts) and
its Elasticsearch client and stores (``app.state.newsflow``). Templates, styles
and scripts are in this package; the front-end libraries come from
``node_modules/`` beside it (``npm ci``, run by scripts/bootstrap.sh).

    >>> include_routers(app, page_router())  # in create_app  # doctest: +SKIP
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from .backend import CoreBackend
from .routes import make_router


def _backend(request: Request) -> CoreBackend:
    app = request.app
    backend = getattr(app.state, "page_backend", None)
    if backend is None:
        state = app.state.newsflow
        backend = CoreBackend(state.settings, lambda: app.state.api_tokens, es=state.es, runtime=state.runtime)
        app.state.page_backend = backend
    return backend


def page_router() -> APIRouter:
    return make_router(_backend)


__all__ = ["page_router"]
