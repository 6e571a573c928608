"""Enrich task: ``Article`` messages in, one ``IndexRequest`` each to the ``index`` queue.

Articles arrive in batches (celery-batches, via ``shared.stage.stage_batch_task``:
up to ``enrich_batch_size``, or whatever came within ``enrich_batch_interval_s``):
one spaCy pass per batch, and the status bookkeeping in
a few Redis round trips instead of a few per article. An article
that fails is settled on its own; the rest of its batch goes on.

The spaCy pipeline is loaded once per worker process, when it starts, never
per message. Duplicate detection shares its MinHash index through Redis so every
enricher process sees what the others have seen; so does the entity registry
(``registry_store``), which gives names one canonical form across the corpus.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from celery import Celery

from services.enricher.dedup_store import RedisDuplicateIndex
from services.enricher.limits import EnrichLimits
from services.enricher.pipeline import Enricher
from services.enricher.registry_store import RedisRegistry
from shared.models import Article, EnrichedArticle, PageDate
from shared.queues import send
from shared.runtime import Runtime
from shared.stage import StageContext, stage_batch_task


def register(app: Celery, runtime: Callable[[], Runtime]) -> Callable[[], None]:
    """Register the batched enrich task; returns the warm-up each pool process runs when it starts.

    Each pool process loads spaCy and pays every first-use cost before its first
    article, not on it (``shared.worker.run_worker`` runs the warm-up, then freezes
    what it loaded out of the garbage collector's reach).
    """
    settings = runtime().settings

    @lru_cache(maxsize=1)
    def enricher() -> Enricher:
        rt = runtime()
        return Enricher(
            duplicates=rt.handle(duplicate_index),
            registry=RedisRegistry(rt.redis, prefix=f"{rt.settings.key_prefix}:registry"),
            vocab_limit=rt.settings.enrich_vocab_limit,
            limits=EnrichLimits.from_settings(rt.settings),
        )

    @stage_batch_task(
        app,
        runtime,
        "enrich",
        Article,
        flush_every=settings.enrich_batch_size,
        flush_interval_s=settings.enrich_batch_interval_s,
    )
    def enrich(batch: list[Article], ctx: StageContext) -> list[BaseException | None]:
        outcomes = enricher().enrich_each(batch)
        done = [e for e in outcomes if isinstance(e, EnrichedArticle)]
        ctx.runtime.status.mark_articles([(e.article.raw_id, e.article.article_id) for e in done], "enriched")
        for enriched in done:
            # What the indexer needs, not the whole result: entities without their mention lists.
            send(ctx.app, "index", enriched.index_payload())
        return [outcome if isinstance(outcome, Exception) else None for outcome in outcomes]

    return lambda: warm_up(enricher())


def duplicate_index(rt: Runtime) -> RedisDuplicateIndex:
    """Builds the near-duplicate index all enricher processes share on Redis; the runtime owns it
    (``rt.handle(duplicate_index)``: one per runtime, on the runtime's Redis client and settings)."""
    return RedisDuplicateIndex(
        rt.redis, prefix=f"{rt.settings.key_prefix}:dedup", ttl_s=rt.settings.dedup_ttl_days * 86400
    )


_WARM_UP = Article(
    article_id="warm-up",
    raw_id="0" * 64,
    position=0,
    source_format="text",
    title="Ministers meet in Istanbul",
    body="On Monday, June 2, 2025, Ukraine's defence minister Rustem Umerov met Russian officials in Istanbul. "
    "Talks resumed last fall, three days ago and again this week.",
    published=PageDate(text="June 5, 2025 10:30 IST", origin="visible-text"),
)


def warm_up(enricher: Enricher) -> None:
    """One article through everything (spaCy, date rules, dateparser's time-zone tables: ~0.3 s on
    first use) without touching the shared duplicate index."""
    Enricher(nlp=enricher.nlp).enrich_batch([_WARM_UP])
