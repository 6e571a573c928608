"""``GET /v1/search``: the search core (services.indexer.search) over HTTP."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool

from services.api.auth import require_token
from services.api.models import SearchAnswer
from services.api.routes.params import Filters, filters
from services.api.state import ApiState, api_state
from services.indexer.es import search_page
from services.indexer.search import MAX_SIZE, build_search, query_notice

from .responses import COMMON

router = APIRouter(prefix="/v1", tags=["search"], dependencies=[Depends(require_token)], responses=COMMON)


@router.get("/search", response_model=SearchAnswer)
async def search(
    where: Annotated[Filters, Depends(filters)],
    state: Annotated[ApiState, Depends(api_state)],
    sort: Annotated[Literal["relevance", "newest", "oldest"], Query()] = "relevance",
    size: Annotated[int, Query(ge=1, le=MAX_SIZE)] = 10,
    page: Annotated[int, Query(ge=1, le=10_000, description="page number (first 10,000 hits; then use cursor)")] = 1,
    cursor: Annotated[str | None, Query(max_length=2000, description="next_cursor of the previous answer")] = None,
    facets: bool = True,
    histograms: bool = True,
) -> dict:
    """Articles matching a query: hits with highlights, facets, day histograms and a cursor."""
    body = build_search(
        where.q,
        sort=sort,
        size=size,
        page=page,
        cursor=cursor,
        facets=facets,
        histograms=histograms,
        **where.search_kwargs(),
    )
    settings = state.settings
    return await run_in_threadpool(search_page, state.es, settings.index_alias, body, query_notice(where.q))
