"""``/healthz`` (public: the process answers), ``/readyz`` (its stores answer) and ``/metrics``."""

from __future__ import annotations

from typing import Annotated, Any

import redis
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from services.api.auth import require_token
from services.api.models import Health, Problem, Readiness
from services.api.state import ApiState, api_state

router = APIRouter(tags=["health"])
# Typed as FastAPI's ``responses`` parameter, so routes can merge it with their own entries.
AUTH: dict[int | str, dict[str, Any]] = {401: {"model": Problem, "description": "missing or invalid bearer token"}}


@router.get("/healthz", response_model=Health)
async def healthz() -> dict:
    """Liveness: the API process is up (no token needed, checks nothing else)."""
    return {"status": "ok"}


def _readiness(state: ApiState) -> dict:
    try:
        redis_ok = bool(state.runtime.redis.ping())
    except redis.RedisError:
        redis_ok = False
    try:
        es_ok = bool(state.es.options(request_timeout=3).ping())
    except Exception:  # noqa: BLE001 - any failure to answer means not ready
        es_ok = False
    raw_dir = state.settings.raw_dir
    raw_ok = raw_dir.is_dir() or not raw_dir.exists()  # created on the first write
    return {"redis": redis_ok, "elasticsearch": es_ok, "raw_store": raw_ok}


@router.get(
    "/readyz", response_model=Readiness, dependencies=[Depends(require_token)],
    responses={**AUTH, 503: {"model": Readiness, "description": "a store is unavailable"}},
)  # fmt: skip
async def readyz(state: Annotated[ApiState, Depends(api_state)]):
    """Readiness: Redis and Elasticsearch answer and the raw store is usable."""
    parts = await run_in_threadpool(_readiness, state)
    ready = all(parts.values())
    body = {"status": "ready" if ready else "unavailable", **parts}
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get(
    "/metrics", dependencies=[Depends(require_token)], response_class=Response,
    responses={**AUTH, 200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}},
)  # fmt: skip
async def metrics(request: Request) -> Response:
    """Prometheus metrics: files by state, queue depths, dead letters, stage timings, API requests."""
    registry = request.app.state.metrics.registry
    return Response(await run_in_threadpool(generate_latest, registry), media_type=CONTENT_TYPE_LATEST)
