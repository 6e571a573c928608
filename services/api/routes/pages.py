"""``POST /v1/pages`` (push a page in) and ``GET /v1/pages/{raw_id}`` (where is it now?).

A page is accepted all or nothing: its bytes are streamed into the raw store
(the size limit enforced while reading: a 413 keeps nothing), then the same
ingest code as ``newsflow ingest`` records its status and queues it for the
parser. The same bytes again are recognised by their sha256 (``duplicate:
true``, nothing stored twice). Back-pressure: while the parse queue is deeper
than ``NEWSFLOW_API_PARSE_QUEUE_HIGH_WATER`` the answer is 429 with
``Retry-After``, before any of the body is read.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from services.api.auth import require_token
from services.api.models import FileOutcome, MultipartAccepted, PageAccepted, PageStatus, Problem
from services.api.state import ApiState, api_state
from services.api.uploads import SpooledBlob, UploadError, read_body, read_multipart
from services.ingest.ingestor import Ingestor
from shared.errors import EMPTY_FILE_REASON, LimitExceededError

from .responses import COMMON

router = APIRouter(prefix="/v1", tags=["pages"], dependencies=[Depends(require_token)], responses=COMMON)

_HEX = re.compile(r"^[0-9a-f]{6,64}$")
BODY_SCHEMA = {
    "required": True,
    "content": {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        "text/html": {"schema": {"type": "string"}},
        "text/plain": {"schema": {"type": "string"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
            }
        },
    },
}


def _too_large(limit: int) -> HTTPException:
    return HTTPException(413, detail=f"the page is over the limit of {limit} bytes (NEWSFLOW_MAX_RAW_BYTES)")


async def _check_backlog(state: ApiState) -> None:
    """429 while the parser is this far behind; a Redis that cannot answer is a 503 (by the app's handler).

    A depth read moments ago under the mark is reused (services/api/backlog.py), so most pages skip
    the Redis round trip and the hop to a worker thread it needs."""
    depth = state.backlog.cached()
    if depth is None:
        depth = await run_in_threadpool(state.backlog.read)
    if depth > state.settings.api_parse_queue_high_water:
        raise HTTPException(
            429, detail=f"the parse queue holds {depth} pages; try again later",
            headers={"Retry-After": str(state.settings.api_retry_after_s)},
        )  # fmt: skip


def _accept(state: ApiState, blob: SpooledBlob, filename: str, fetched_at, url) -> dict:
    stored = blob.commit()
    result = Ingestor(state.runtime, state.celery).accept_stored(stored, filename, fetched_at=fetched_at, url=url)
    return {
        "raw_id": stored.raw_id, "status_url": f"/v1/pages/{stored.raw_id}",
        "duplicate": result.duplicate, "size_bytes": stored.size_bytes,
    }  # fmt: skip


@router.post(
    "/pages", status_code=202, response_model=PageAccepted | MultipartAccepted, openapi_extra={"requestBody": BODY_SCHEMA},
    responses={413: {"model": Problem}, 429: {"model": Problem}},
)  # fmt: skip
async def post_page(
    request: Request,
    state: Annotated[ApiState, Depends(api_state)],
    filename: Annotated[str | None, Query(max_length=500, description="name to show for the page")] = None,
    url: Annotated[str | None, Query(max_length=4000, description="where the page was fetched from")] = None,
    fetched_at: Annotated[datetime | None, Query(description="when it was crawled (ISO 8601; UTC if no zone)")] = None,
    x_filename: Annotated[str | None, Header(max_length=500)] = None,
    x_url: Annotated[str | None, Header(max_length=4000)] = None,
    x_fetched_at: Annotated[datetime | None, Header()] = None,
):
    """Push one page (the body: HTML, text dump, JSON lines, WARC, optionally gzipped), or several
    as ``multipart/form-data`` (one answer per file)."""
    settings = state.settings
    limit = settings.max_raw_bytes
    await _check_backlog(state)
    content_type = request.headers.get("content-type", "")
    multipart = content_type.lower().startswith("multipart/form-data")
    declared = request.headers.get("content-length")
    if not multipart and declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)  # said up front: refuse before reading a byte
    name = filename or x_filename or "upload"
    when = fetched_at or x_fetched_at
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    source_url = url or x_url
    if multipart:
        return await _post_multipart(request, state, content_type, when)
    try:
        blob = await read_body(request.stream(), state.runtime.raw_store, limit)
    except LimitExceededError as exc:
        raise _too_large(limit) from exc
    if blob.size == 0:
        blob.discard()
        raise HTTPException(400, detail=EMPTY_FILE_REASON)  # the sentence ingest dead-letters a file with
    try:
        return await run_in_threadpool(_accept, state, blob, name, when, source_url)
    finally:
        blob.discard()


async def _post_multipart(request: Request, state: ApiState, content_type: str, when) -> JSONResponse:
    limit = state.settings.max_raw_bytes
    try:
        parts = await read_multipart(request.stream(), content_type, state.runtime.raw_store, limit)
    except UploadError as exc:
        raise HTTPException(400, detail=str(exc)) from exc
    if not parts:
        raise HTTPException(400, detail="the multipart body has no file")
    outcomes: list[FileOutcome] = []
    try:
        for part in parts:
            if part.error == "too_large":
                outcomes.append(
                    FileOutcome(filename=part.filename, status=413, detail=f"over the limit of {limit} bytes")
                )
            elif part.blob is None or part.blob.size == 0:
                outcomes.append(FileOutcome(filename=part.filename, status=400, detail=EMPTY_FILE_REASON))
            else:
                accepted = await run_in_threadpool(_accept, state, part.blob, part.filename, when, None)
                outcomes.append(FileOutcome(filename=part.filename, status=202, **accepted))
    finally:
        for part in parts:
            if part.blob is not None:
                part.blob.discard()
    return JSONResponse(MultipartAccepted(files=outcomes).model_dump(mode="json"), status_code=202)


def _resolve(state: ApiState, raw_id: str) -> str:
    """A full raw id, or the unique one a short prefix names (as ``newsflow status --files`` shows)."""
    if not _HEX.match(raw_id):
        raise HTTPException(404, detail="not a raw id (hex, at least 6 characters)")
    if len(raw_id) == 64:
        return raw_id
    key = f"{state.settings.key_prefix}:files"
    matches = [m.decode() for m, _ in state.runtime.redis.zscan_iter(key, match=f"{raw_id}*", count=1000)]
    if not matches:
        raise HTTPException(404, detail=f"no page {raw_id}")
    if len(matches) > 1:
        raise HTTPException(409, detail=f"{raw_id} names {len(matches)} pages; give more characters")
    return matches[0]


def _page_status(state: ApiState, raw_id: str) -> dict:
    rt = state.runtime
    status = rt.status.get(_resolve(state, raw_id))
    if status is None:
        raise HTTPException(404, detail=f"no page {raw_id}")
    letters = [
        {"dead_letter_id": d.dead_letter_id, "stage": d.stage, "reason": d.reason, "article_id": d.article_id,
         "failed_at": d.failed_at.isoformat(), "attempts": d.attempts}
        for d in rt.dead_letters.list() if d.raw_id == status.raw_id
    ]  # fmt: skip
    return {**status.as_dict(), "dead_letters": letters}


@router.get(
    "/pages/{raw_id}", response_model=PageStatus,
    responses={404: {"model": Problem}, 409: {"model": Problem, "description": "the short id is ambiguous"}},
)  # fmt: skip
async def page_status(
    raw_id: Annotated[str, Path(max_length=64)], state: Annotated[ApiState, Depends(api_state)]
) -> dict:
    """Where a page is: its state, articles expected / enriched / indexed / failed, its dead letters."""
    return await run_in_threadpool(_page_status, state, raw_id.lower())
