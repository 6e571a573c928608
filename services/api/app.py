"""The FastAPI application: ``create_app(settings)`` builds it, ``newsflow api`` serves it.

Routes live in ``services/api/routes/`` (one module per group), each an
``APIRouter`` included here; another face (the analyst page) passes its own as
``create_app(settings, routers=[...])`` (or ``include_routers(app, router)``)
and protects them with ``services.api.auth.token_dependency(cookie_name=...)``. Errors a
user can cause or a store can have are mapped to answers in one place below:
a request that cannot be run is a 400 with the reason, a store that is down a
503, never a 500 with a traceback.

    >>> app = create_app(Settings(api_tokens="secret"))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import asynccontextmanager

import redis
from elastic_transport import TransportError
from elasticsearch import ApiError
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from kombu.exceptions import OperationalError

from services.api.auth import load_tokens
from services.api.docs import mount_docs
from services.api.metrics import ApiMetrics, MetricsMiddleware
from services.api.page import page_router
from services.api.routes import articles, export, health, pages, search
from services.api.state import ApiState
from services.indexer.query_language import QueryError
from shared.errors import TransientError
from shared.settings import Settings

log = logging.getLogger(__name__)

DESCRIPTION = """Push raw news pages in, follow them through the pipeline, search and export the articles.

Every route but `/healthz` needs `Authorization: Bearer <token>` (see `.runtime/api-token` on the local stack).
The query language of `q` is described in docs/API.md."""


def include_routers(app: FastAPI, *routers: APIRouter) -> None:
    for router in routers:
        app.include_router(router)


def create_app(settings: Settings, routers: Iterable[APIRouter] = ()) -> FastAPI:
    """The app with every API route, plus ``routers`` (another face's, e.g. the analyst page)."""
    state = ApiState.build(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        state.close()

    app = FastAPI(
        title="newsflow API", version="1", description=DESCRIPTION, lifespan=lifespan,
        openapi_url=None, docs_url=None, redoc_url=None,  # served offline by services/api/docs.py
        # newsflow reports through Prometheus (/metrics), not OpenTelemetry; left on, FastAPI looks
        # for an OpenTelemetry provider on every request (3% of a page's CPU).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )  # fmt: skip
    app.state.newsflow = state
    app.state.api_tokens = load_tokens(settings)
    app.state.metrics = ApiMetrics(state.runtime)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    include_routers(app, health.router, pages.router, search.router, articles.router, export.router, *routers)
    include_routers(app, page_router())  # the analyst page (services/api/page): /, /articles/..., /pipeline
    mount_docs(app)
    _error_answers(app)
    return app


def _error_answers(app: FastAPI) -> None:
    @app.exception_handler(QueryError)
    async def query_error(_request: Request, exc: QueryError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    async def unavailable(_request: Request, exc: Exception) -> JSONResponse:
        log.warning("store unavailable: %s", exc)
        return JSONResponse(
            {"detail": f"a store is unavailable, try again later ({type(exc).__name__})"},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    for kind in (redis.RedisError, TransportError, ApiError, TransientError, OperationalError, OSError):
        app.add_exception_handler(kind, unavailable)
