"""Enrich task: one ``Article`` in, one ``EnrichedArticle`` to the ``index`` queue.

The spaCy pipeline is loaded once per worker process (first task), never per
message. Duplicate detection shares its MinHash index through Redis so every
enricher process sees what the others have seen.
"""

from __future__ import annotations

import gc

from collections.abc import Callable
from functools import lru_cache

from celery import Celery
from celery.signals import worker_process_init

from services.enricher.dedup_store import RedisDuplicateIndex
from services.enricher.pipeline import Enricher
from shared.models import Article, PageDate
from shared.queues import send
from shared.runtime import Runtime
from shared.stage import StageContext, stage_task


def register(app: Celery, runtime: Callable[[], Runtime]) -> None:
    @lru_cache(maxsize=1)
    def enricher() -> Enricher:
        rt = runtime()
        return Enricher(duplicates=RedisDuplicateIndex(
            rt.redis, prefix=f"{rt.settings.key_prefix}:dedup", ttl_s=rt.settings.dedup_ttl_days * 86400
        ))

    @worker_process_init.connect(weak=False)
    def load_model_at_start(**_) -> None:
        """Each pool process loads spaCy and pays every first-use cost when it starts, not on its first article."""
        warm_up(enricher())

    @stage_task(app, runtime, "enrich", Article)
    def enrich(article: Article, ctx: StageContext) -> None:
        (enriched,) = enricher().enrich_batch([article])
        ctx.runtime.status.mark_article(article.raw_id, article.article_id, "enriched")
        send(ctx.app, "index", enriched.model_dump(mode="json"))


_WARM_UP = Article(
    article_id="warm-up", raw_id="0" * 64, position=0, source_format="text",
    title="Ministers meet in Istanbul",
    body="On Monday, June 2, 2025, Ukraine's defence minister Rustem Umerov met Russian officials in Istanbul. "
         "Talks resumed last fall, three days ago and again this week.",
    published=PageDate(text="June 5, 2025 10:30 IST", origin="visible-text"),
)


def warm_up(enricher: Enricher) -> None:
    """One article through everything (spaCy, date rules, dateparser's time-zone tables: ~0.3 s on
    first use) without touching the shared duplicate index."""
    Enricher(nlp=enricher.nlp).enrich_batch([_WARM_UP])
    # What first use loaded lives as long as the process: keep full collections from rescanning it.
    gc.collect()
    gc.freeze()
