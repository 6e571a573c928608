"""Index task: ``IndexRequest`` messages in, Elasticsearch documents out, one bulk request per batch.

The worker buffers messages (celery-batches, via ``shared.stage.stage_batch_task``)
up to ``bulk_max_docs`` or ``bulk_flush_interval_s`` and writes them with one
bulk request: measured here, a single-document bulk costs Elasticsearch ~11 ms
of CPU per article against ~2-4 ms batched, on two cores the pipeline shares.

The index template, versioned index and alias are ensured once per worker
process. The bulk response is read item by item: a retryable item becomes a
``TransientError`` (that message alone is retried with backoff), a rejected
document a ``PermanentError`` (dead letter with Elasticsearch's reason).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from celery import Celery
from elasticsearch import Elasticsearch

from services.indexer import es
from services.indexer.documents import bulk_actions, to_document
from shared.errors import PermanentError, TransientError
from shared.models import IndexRequest
from shared.runtime import Runtime
from shared.stage import StageContext, stage_batch_task


def register(app: Celery, runtime: Callable[[], Runtime]) -> None:
    """Register the batched index task; no warm-up (``shared.worker.run_worker``)."""
    settings = runtime().settings

    @lru_cache(maxsize=1)
    def client() -> Elasticsearch:
        """The runtime's client, once the index behind the alias is ensured (once per process)."""
        c = runtime().elasticsearch
        es.ensure_index(c, settings.index_alias)
        return c

    @stage_batch_task(
        app,
        runtime,
        "index",
        IndexRequest,
        flush_every=settings.bulk_max_docs,
        flush_interval_s=settings.bulk_flush_interval_s,
    )
    def index(batch: list[IndexRequest], ctx: StageContext) -> list[BaseException | None]:
        actions = bulk_actions([to_document(e) for e in batch], settings.index_alias)
        report = es.write_bulk(client(), actions, max_docs=settings.bulk_max_docs, max_bytes=settings.bulk_max_bytes)
        # On the batch's one log line (the bench reads it): how many bulk requests, how long each took.
        ctx.log_extra["bulk_s"] = [round(s, 4) for s in report.request_s]
        if any(o.error_type == "index_not_found_exception" for o in report.outcomes):
            # The alias and its indices were deleted (a rebuild from the raw store: README,
            # "Rebuilding"): make them again, so the retry of these articles lands.
            es.ensure_index(client(), settings.index_alias)
        outcomes: list[BaseException | None] = []
        indexed: list[tuple[str, str]] = []
        for enriched, outcome in zip(batch, report.outcomes, strict=True):
            if outcome.status == "indexed":
                indexed.append((enriched.article.raw_id, enriched.article.article_id))
                outcomes.append(None)
            elif outcome.status == "retryable":
                outcomes.append(TransientError(f"Elasticsearch asked to retry: {outcome.reason}"))
            else:
                outcomes.append(PermanentError(f"Elasticsearch rejected the document: {outcome.reason}"))
        ctx.runtime.status.mark_articles(indexed, "indexed")
        return outcomes
