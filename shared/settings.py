"""All newsflow configuration: one pydantic-settings class, env prefix ``NEWSFLOW_``.

Defaults work for the local (Docker-less) stack started by ``newsflow up``;
docker-compose.yml overrides the URLs and paths through the same variables.

    >>> Settings(redis_url="redis://127.0.0.1:6390/0").redis_url
    'redis://127.0.0.1:6390/0'
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSFLOW_", extra="ignore")

    # Where things live.
    runtime_dir: Path = Field(default=PROJECT_ROOT / ".runtime", description="state, logs, data")
    raw_store_dir: Path | None = Field(default=None, description="defaults to runtime_dir/raw")
    drop_dir: Path | None = Field(default=None, description="defaults to runtime_dir/drop")
    # The drop-folder watcher takes a file when its writer closes it (inotify, where events arrive);
    # without an event (network mounts, files there before the watcher) once its size and mtime have
    # not changed for this long. Write-then-rename is the safe way either way (README).
    drop_stable_s: float = Field(default=3.0, ge=0)

    # Services.
    redis_port: int = 6379
    redis_url: str = "redis://127.0.0.1:6379/0"
    elasticsearch_port: int = 9200
    elasticsearch_url: str = "http://127.0.0.1:9200"
    elasticsearch_username: str | None = None
    elasticsearch_password: SecretStr | None = None
    elasticsearch_heap_mb: int = 768
    index_alias: str = "newsflow-articles"
    kibana_url: str = "http://127.0.0.1:5601"
    key_prefix: str = Field(default="newsflow", description="namespace for every Redis key")

    # Limits: each is reported when hit, never applied silently.
    max_raw_bytes: int = 50 * 1024 * 1024
    max_decompressed_bytes: int = 200 * 1024 * 1024
    max_articles_per_page: int = 500
    # A page or text file with fewer words is a dead letter "too short to be an article"
    # (services/parser/parse.py says why 10).
    min_article_words: int = Field(default=10, ge=0)

    # Workers.
    # Processes per worker. NER is ~80% of the CPU an article costs (docs/bench-results.md),
    # so on 2 cores the enricher gets two processes. The parser gets two as
    # well, at idle priority (below): they run only on a core no enricher wants, and with
    # one parser the second core sat idle whenever both enrichers had drained their queue
    # at once (fraction of the ceiling 0.67-0.68 with one, 0.71-0.74 with two, same day).
    parser_concurrency: int = 2
    enricher_concurrency: int = 2
    indexer_concurrency: int = 1
    # Linux scheduling policy per worker (docs/bench-results.md): the parser
    # only takes a core the enrichers leave free, so two cores never run three CPU-bound
    # processes; "normal" turns a policy off (e.g. a host shared with other work).
    parser_scheduling: Literal["idle", "batch", "normal"] = "idle"
    enricher_scheduling: Literal["idle", "batch", "normal"] = "batch"
    indexer_scheduling: Literal["idle", "batch", "normal"] = "batch"

    # Delivery.
    task_max_retries: int = Field(default=10, description="with the backoff below: retries span at least ~150 s")
    retry_backoff_s: float = 1.0
    retry_backoff_max_s: float = 60.0
    visibility_timeout_s: int = 3600
    stalled_after_s: float = Field(default=30.0, description="idle pipeline + no progress this long: redrive")
    sweep_interval_s: float = 5.0
    bulk_max_docs: int = 200
    bulk_max_bytes: int = 5 * 1024 * 1024
    bulk_flush_interval_s: float = 0.5
    # The enricher takes articles in batches too (one spaCy pass and a few
    # Redis round trips per batch), waiting at most this long for a batch to fill.
    enrich_batch_size: int = Field(default=8, ge=1)
    enrich_batch_interval_s: float = 0.05
    # spaCy's vocabulary keeps the words it meets until its string store holds this many
    # (the model ships ~85,000); after that, words new to it are freed after each batch.
    # Measured: 150,000 more strings cost ~48 MB per enricher process, so this bounds the
    # growth to ~37 MB (of ~500 MB); 0 frees every batch's new words (the slower way).
    enrich_vocab_limit: int = Field(default=200_000, ge=0)

    # Bounds per article and per process (services/enricher/limits.py, issue 22): any page,
    # however hostile, costs at most this much; each bound that bites is recorded on the article.
    # NER reads ~20 kB/s per core here (2026-12-02) and a 100,000-character piece peaks at ~1.2 GB
    # RSS, so 200,000 characters (a very long live blog) take ~10 s and stay inside the memory
    # ceiling; the rest of such a body is still indexed for full-text search.
    enrich_max_chars: int = Field(default=200_000, ge=1000)
    enrich_max_entities: int = Field(default=1000, ge=1)
    enrich_max_mentions_per_entity: int = Field(default=100, ge=1)
    enrich_max_dates: int = Field(default=1000, ge=1)
    enrich_time_limit_s: float = Field(default=120.0, gt=0, description="per article; what was found is kept")
    # Per-process memory ceiling (address space, RLIMIT_AS) of each worker's pool processes: an
    # allocation past it fails with MemoryError inside the task, which dead-letters that message
    # with the reason instead of taking the machine down. 0: no ceiling.
    parser_max_memory_mb: int = Field(default=3072, ge=0)
    enricher_max_memory_mb: int = Field(default=2048, ge=0)
    indexer_max_memory_mb: int = Field(default=2048, ge=0)
    # Time limit of a parse task (Celery's soft limit; the hard one kills the process later, below).
    # Wall time, and the parser runs at idle priority: a 50 MB page parses in ~50 s on an idle
    # core, far longer while both enrichers are busy, so the limit is generous.
    parse_time_limit_s: float = Field(default=900.0, gt=0)
    # A task that ignores its soft limit (stuck in C code) is killed this much later; its message is
    # then a dead letter with that reason (shared/stage.py), never redelivered to kill the next process.
    hard_time_limit_grace_s: float = Field(default=30.0, gt=0)
    # HTTP API (services/api/). Tokens: NEWSFLOW_API_TOKENS (comma-separated) and/or the token
    # file (one a line); `newsflow up` writes a random one to runtime_dir/api-token.
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    api_tokens: SecretStr | None = None
    api_token_file: Path | None = Field(default=None, description="defaults to runtime_dir/api-token")
    # Back-pressure: POST /v1/pages answers 429 while the parse queue holds more than this.
    api_parse_queue_high_water: int = Field(default=10_000, ge=0)
    api_retry_after_s: int = Field(default=5, ge=1)
    # API processes sharing the port: one is bound to one core (services/api/serve.py).
    api_workers: int = Field(default=2, ge=1)

    # Enrichment.
    dedup_ttl_days: float = Field(
        default=30.0, gt=0, description="near-duplicate fingerprints are forgotten this long after last seen"
    )

    @property
    def raw_dir(self) -> Path:
        return self.raw_store_dir or self.runtime_dir / "raw"

    @property
    def drop_folder(self) -> Path:
        return self.drop_dir or self.runtime_dir / "drop"

    @property
    def api_token_path(self) -> Path:
        return self.api_token_file or self.runtime_dir / "api-token"

    @property
    def log_dir(self) -> Path:
        return self.runtime_dir / "logs"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The environment's settings, read once per process: for entry points only (the CLI commands,
    which include ``newsflow worker``); everything below them gets a ``Runtime`` or ``Settings``."""
    return Settings()
