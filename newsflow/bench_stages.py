"""Single-stage timings for ``newsflow bench``: what each stage costs alone, and the ceilings they give.

Every stage runs alone in the bench process on the same pages as the pipeline run
(ingest, parse, spaCy NER alone, full enrichment, indexing), timed in core-seconds;
``core_second_budget`` then sets what each stage cost per article in the pipeline beside it.
"""

from __future__ import annotations

import time
from pathlib import Path

import psutil

from newsflow.bench_sampling import cpu_seconds, server_process
from shared.models import RawPageRef, utc_now
from shared.settings import Settings

# ``cpu_s`` entry for the bench process: it ingests the pages (and polls for completion).
INGEST_CPU_KEY = "bench (ingest, probes)"


def stage_timings(pages: list[tuple[str, bytes]], settings: Settings, es_client, scratch: str, workdir: Path) -> dict:
    """Core-seconds per article for each stage alone, in this process, on ``pages``.

    Every stage does the work it does in the pipeline: ingest stores each page (fsynced) and
    records and queues it on a private key prefix; enrichment runs with the Redis-backed
    duplicate index and entity registry a worker uses (on that prefix); indexing counts this
    process and the Elasticsearch server, refresh included. Core-seconds (user + system CPU),
    not wall time: the machine is shared, and a stage waiting for a core costs nobody anything.
    """
    from newsflow.stack import isolated_pipeline
    from services.enricher.dedup_store import RedisDuplicateIndex
    from services.enricher.pipeline import Enricher
    from services.enricher.registry_store import RedisRegistry
    from services.indexer import es as es_io
    from services.indexer.documents import bulk_actions, to_document
    from services.parser.parse import parse_page
    from shared.errors import PermanentError
    from shared.identity import raw_id
    from shared.runtime import Runtime
    from shared.worker import freeze_long_lived

    own = [psutil.Process()]
    private, _ = isolated_pipeline(settings, scratch, workdir / scratch)
    rt = Runtime(private)
    try:
        ingest_s = _cpu_of(own, lambda: _ingest_all(rt, private, pages))
        articles: list = []

        def parse_all() -> None:
            for name, data in pages:
                ref = RawPageRef(raw_id=raw_id(data), filename=name, size_bytes=len(data), received_at=utc_now())
                try:
                    articles.extend(
                        parse_page(
                            data,
                            ref,
                            max_raw_bytes=settings.max_raw_bytes,
                            max_decompressed_bytes=settings.max_decompressed_bytes,
                            max_articles=settings.max_articles_per_page,
                        )
                    )
                except PermanentError:
                    continue

        parse_s = _cpu_of(own, parse_all)
        enricher = Enricher(
            duplicates=RedisDuplicateIndex(rt.redis, prefix=f"{scratch}:dedup", ttl_s=3600),
            registry=RedisRegistry(rt.redis, prefix=f"{scratch}:registry"),
            vocab_limit=settings.enrich_vocab_limit,
        )
        freeze_long_lived()  # as a worker does once it has loaded the model (shared.worker)
        Enricher(nlp=enricher.nlp).enrich_batch(articles[:2])  # warm-up outside the clock, no stores
        bodies = [a.body for a in articles]

        def ner_all() -> None:
            for _ in enricher.nlp.pipe(bodies, batch_size=32):
                pass

        ner_s = _cpu_of(own, ner_all)
        enriched: list = []
        batch = settings.enrich_batch_size  # the batches a worker enriches

        def enrich_all() -> None:
            for start in range(0, len(articles), batch):
                enriched.extend(enricher.enrich_batch(articles[start : start + batch]))

        enrich_s = _cpu_of(own, enrich_all)
        alias = f"{scratch}-articles"
        es_io.ensure_index(es_client, alias)
        index_s = _index_cost_s(
            es_client,
            alias,
            lambda: es_io.write_bulk(
                es_client,
                bulk_actions([to_document(e) for e in enriched], alias),
                max_docs=settings.bulk_max_docs,
                max_bytes=settings.bulk_max_bytes,
            ),
            settings,
        )
    finally:
        delete_keys(rt.redis, scratch)
    n = max(len(articles), 1)
    return stage_figures(
        len(articles),
        {
            "ingest": ingest_s / n,
            "parse": parse_s / n,
            "ner": ner_s / n,
            "enrich": enrich_s / n,
            "index": index_s / n,
        },
    )


def _ingest_all(rt, settings: Settings, pages: list[tuple[str, bytes]]) -> None:
    """Every page through ingest as the bench's pipeline run hands it over: stored, recorded, queued."""
    from services.ingest.ingestor import Ingestor
    from shared.queues import make_celery

    ingestor = Ingestor(rt, make_celery(settings))
    for name, data in pages:
        ingestor.ingest_bytes(data, name)


def _cpu_of(processes: list[psutil.Process], work) -> float:
    before = cpu_seconds(processes)
    work()
    return cpu_seconds(processes) - before


def delete_keys(client, prefix: str) -> None:
    """Every Redis key under ``prefix`` (and its Celery queue bindings), in chunks."""
    keys = [*client.scan_iter(match=f"{prefix}*", count=1000), *client.scan_iter(match=f"_kombu.binding.{prefix}*")]
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


def _index_cost_s(es_client, alias: str, write, settings: Settings) -> float:
    """Core-seconds the index stage spends on ``write``: this process plus the Elasticsearch server.

    The bulk call's wall time would leave out what the server does on other threads and after
    it answers (the refresh that makes the documents searchable), so where the local stack runs
    the server, its CPU is measured with the refresh included. A remote server: wall time.
    """
    server = server_process("elasticsearch", settings.elasticsearch_url, settings)
    processes = [psutil.Process(), *([server] if server is not None else [])]
    wall, cpu_before = time.perf_counter(), cpu_seconds(processes)
    write()
    if server is None:
        return time.perf_counter() - wall
    es_client.indices.refresh(index=alias)
    return cpu_seconds(processes) - cpu_before


# What each stage of the pipeline must do, alone: the full-work ceiling counts all of it.
FULL_WORK = ("ingest", "parse", "enrich", "index")
# The earlier ceiling (kept as ``ner_ceiling_articles_per_s``): spaCy NER alone for enrichment, no ingest.
NER_ONLY = ("parse", "ner", "index")


def stage_figures(articles: int, s_per_article: dict[str, float]) -> dict:
    """Core-seconds per article per stage, their rates and the ceilings they give on this machine's cores.

    ``ceiling_articles_per_s`` is the full-work ceiling: the cores (at most 2, the target machine)
    divided by the core-seconds every stage needs alone (``FULL_WORK``). Whatever the pipeline
    falls short of it is its own waste: queues, serialisation, scheduling, contention.
    """
    cores = min(2, psutil.cpu_count() or 1)
    return {
        "articles": articles,
        "cores": cores,
        "s_per_article": s_per_article,
        "articles_per_s": {stage: 1 / s if s else None for stage, s in s_per_article.items()},
        "ceiling_articles_per_s": cores / sum(s_per_article[stage] for stage in FULL_WORK),
        "ner_ceiling_articles_per_s": cores / sum(s_per_article[stage] for stage in NER_ONLY),
    }


def average_timings(before: dict, after: dict) -> dict:
    """Stage timings measured before and after the pipeline run, averaged, with the ceiling they give."""
    sides = before["s_per_article"], after["s_per_article"]
    per = {stage: (sides[0][stage] + sides[1][stage]) / 2 for stage in sides[0]}
    return {
        **stage_figures(before["articles"], per),
        "drift": {stage: sides[1][stage] / sides[0][stage] - 1 for stage in per if sides[0][stage]},
    }


def core_second_budget(newsflow: dict, alone: dict[str, float]) -> dict:
    """Core-seconds per article each stage spent in the pipeline run, beside what it costs alone.

    ``pipeline`` comes from the CPU the run's processes used (``newsflow["cpu_s"]``), ``alone``
    from ``stage_timings``; ``ratio`` is how much more a stage needs in the pipeline. The Redis
    server (broker, status, duplicate index and registry for every stage) has no alone figure:
    the server is shared, so only the pipeline run's own total is known, and the ceiling leaves
    it out. ``available`` is what the machine's cores gave per article during the run; what
    nobody above used is ``idle, stolen or other``.
    """
    articles, machine = newsflow["articles_indexed"], newsflow.get("machine")
    if not articles or not newsflow.get("articles_per_s"):
        return {}
    per = {name: cpu / articles for name, cpu in newsflow["cpu_s"].items()}
    pipeline = {
        "ingest": per.get(INGEST_CPU_KEY),
        "parse": per.get("parser"),
        "enrich": per.get("enricher"),
        "index": per.get("indexer", 0.0) + per.get("elasticsearch", 0.0),
        "redis": per.get("redis"),
    }
    rows = {
        stage: {
            "pipeline": spent,
            "alone": alone.get(stage),
            "ratio": spent / alone[stage] if spent is not None and alone.get(stage) else None,
        }
        for stage, spent in pipeline.items()
    }
    spent_total = sum(v for v in pipeline.values() if v is not None)
    alone_total = sum(alone[stage] for stage in FULL_WORK)
    out = {
        "rows": rows,
        "total": {"pipeline": spent_total, "alone": alone_total, "ratio": spent_total / alone_total},
        # The fraction of the ceiling the pipeline would reach had it every core to itself: what the
        # stages need alone over what the run's own processes spent (a shared machine's other
        # tenants take cores from the wall-clock fraction, not from this one).
        "fraction_of_ceiling_in_core_seconds": alone_total / spent_total if spent_total else None,
    }
    if machine:
        cores = machine["cores_busy"] + machine["cores_idle"] + machine["cores_stolen"]
        out["available"] = cores / newsflow["articles_per_s"]
        out["idle_stolen_or_other"] = out["available"] - spent_total
    return out
