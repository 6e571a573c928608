"""Index task: one ``EnrichedArticle`` in, one Elasticsearch document out.

The index template, versioned index and alias are ensured once per worker
process. The bulk response is read item by item: a retryable item raises a
``TransientError`` (the task retries with backoff), a rejected document is a
``PermanentError`` (dead letter with Elasticsearch's reason).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from celery import Celery

from services.indexer import es
from services.indexer.documents import bulk_actions, to_document
from shared.errors import PermanentError, TransientError
from shared.models import EnrichedArticle
from shared.runtime import Runtime
from shared.stage import StageContext, stage_task


def register(app: Celery, runtime: Callable[[], Runtime]) -> None:
    @lru_cache(maxsize=1)
    def client():
        settings = runtime().settings
        c = es.make_client(settings)
        es.ensure_index(c, settings.index_alias)
        return c

    @stage_task(app, runtime, "index", EnrichedArticle)
    def index(enriched: EnrichedArticle, ctx: StageContext) -> None:
        settings = ctx.runtime.settings
        actions = bulk_actions([to_document(enriched)], settings.index_alias)
        (outcome,) = es.write_bulk(client(), actions, settings)
        if outcome.status == "retryable":
            raise TransientError(f"Elasticsearch asked to retry: {outcome.reason}")
        if outcome.status == "permanent":
            raise PermanentError(f"Elasticsearch rejected the document: {outcome.reason}")
        ctx.runtime.status.mark_article(enriched.article.raw_id, enriched.article.article_id, "indexed")
