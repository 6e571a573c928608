"""Parse task: raw page reference in, one ``enrich`` message per article out.

Thin adapter: the raw bytes come from the raw store (claim check), the work is
``services.parser.parse.parse_file``, failures are classified by
``shared.stage``. Records skipped inside the file are recorded on its status
(and logged with the file's name and raw id), so none disappears silently.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import Celery

from services.parser.parse import parse_file
from shared.models import RawPageRef
from shared.queues import send
from shared.runtime import Runtime
from shared.stage import StageContext, stage_task

log = logging.getLogger(__name__)


def register(app: Celery, runtime: Callable[[], Runtime]) -> None:
    """Register the parse task; the parser needs no warm-up (``shared.worker.run_worker``)."""

    @stage_task(app, runtime, "parse", RawPageRef)
    def parse(ref: RawPageRef, ctx: StageContext) -> None:
        settings = ctx.runtime.settings
        data = ctx.runtime.raw_store.get(ref.raw_id)
        reading = parse_file(
            data,
            ref,
            max_raw_bytes=settings.max_raw_bytes,
            max_decompressed_bytes=settings.max_decompressed_bytes,
            max_articles=settings.max_articles_per_page,
            min_article_words=settings.min_article_words,
        )
        for skip in reading.skipped:
            log.warning(
                "%s (%s): skipped %s",
                ref.filename,
                ref.raw_id[:12],
                skip.reason,
                extra={
                    "stage": "parse",
                    "raw_id": ref.raw_id,
                    "file": ref.filename,
                    "record_id": skip.record_id,
                    "task_id": ctx.task_id,
                },
            )
        # Record what to expect before sending: accounting must never see an article it did not expect.
        ctx.runtime.status.set_parsed(
            ref.raw_id, [a.article_id for a in reading.articles], records=reading.records, skipped=reading.skipped
        )
        for article in reading.articles:
            send(ctx.app, "enrich", article.model_dump(mode="json"))
