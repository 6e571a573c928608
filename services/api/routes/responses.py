"""Error answers every protected route can give, for the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from services.api.models import Problem

COMMON: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "a request that cannot be run (the message says why)"},
    401: {"model": Problem, "description": "missing or invalid bearer token"},
    503: {"model": Problem, "description": "Redis, Elasticsearch or the raw store is unavailable"},
}
