"""``GET /v1/articles/{article_id}``: one article with its entities, dates and places."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path
from fastapi.concurrency import run_in_threadpool

from services.api.auth import require_token
from services.api.models import Article, Problem
from services.api.state import ApiState, api_state
from services.indexer.articles import article_detail
from services.indexer.es import get_article

from .responses import COMMON

router = APIRouter(prefix="/v1", tags=["articles"], dependencies=[Depends(require_token)], responses=COMMON)


@router.get("/articles/{article_id}", response_model=Article, responses={404: {"model": Problem}})
async def article(
    article_id: Annotated[str, Path(max_length=200)], state: Annotated[ApiState, Depends(api_state)]
) -> dict:
    """The whole article: entities with mentions and offsets, resolved dates, places with coordinates."""
    doc = await run_in_threadpool(get_article, state.es, state.settings.index_alias, article_id)
    if doc is None:
        raise HTTPException(404, detail=f"no article {article_id}")
    return article_detail(doc)
