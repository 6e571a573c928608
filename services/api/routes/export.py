"""``GET /v1/export``: every match of a search, streamed as NDJSON or CSV (no cap)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from services.api.auth import require_token
from services.api.routes.params import Filters, filters
from services.api.state import ApiState, api_state
from services.indexer.es import iter_matches
from services.indexer.export import EXPORT_SORT, MEDIA_TYPES, export_lines, source_fields
from services.indexer.search import build_query

from .responses import COMMON

router = APIRouter(prefix="/v1", tags=["export"], dependencies=[Depends(require_token)], responses=COMMON)


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}, "description": "every match"}},
)
def export(
    where: Annotated[Filters, Depends(filters)],
    state: Annotated[ApiState, Depends(api_state)],
    format: Annotated[Literal["ndjson", "csv"], Query()] = "ndjson",  # noqa: A002 - the public parameter name
) -> StreamingResponse:
    """Every matching article, newest first: NDJSON (whole articles) or CSV (one row each, no body)."""
    query, _ = build_query(where.q, **where.search_kwargs())
    docs = iter_matches(state.es, state.settings.index_alias, query, sort=EXPORT_SORT, source=source_fields(format))
    # Open the point in time now, so a store that is down is a 503 and not a broken stream.
    first = next(docs, None)

    def lines():
        if first is None:
            yield from export_lines([], format)
            return
        yield from export_lines(_chain(first, docs), format)

    name = f"newsflow-export.{'csv' if format == 'csv' else 'ndjson'}"
    return StreamingResponse(
        (line.encode() for line in lines()),
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _chain(first, rest):
    yield first
    yield from rest
