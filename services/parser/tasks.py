"""Parse task: raw page reference in, one ``enrich`` message per article out.

Thin adapter: the raw bytes come from the raw store (claim check), the work is
``services.parser.parse.parse_page``, failures are classified by
``shared.stage``.
"""

from __future__ import annotations

from collections.abc import Callable

from celery import Celery

from services.parser.parse import parse_page
from shared.models import RawPageRef
from shared.queues import send
from shared.runtime import Runtime
from shared.stage import StageContext, stage_task


def register(app: Celery, runtime: Callable[[], Runtime]) -> None:
    """Register the parse task; the parser needs no warm-up (``shared.worker.run_worker``)."""

    @stage_task(app, runtime, "parse", RawPageRef)
    def parse(ref: RawPageRef, ctx: StageContext) -> None:
        settings = ctx.runtime.settings
        data = ctx.runtime.raw_store.get(ref.raw_id)
        articles = parse_page(
            data,
            ref,
            max_raw_bytes=settings.max_raw_bytes,
            max_decompressed_bytes=settings.max_decompressed_bytes,
            max_articles=settings.max_articles_per_page,
        )
        # Record what to expect before sending: accounting must never see an article it did not expect.
        ctx.runtime.status.set_parsed(ref.raw_id, [a.article_id for a in articles])
        for article in articles:
            send(ctx.app, "enrich", article.model_dump(mode="json"))
