"""Per-process handles to what every stage uses: the settings, Redis, Elasticsearch and the stores on them.

An entry point (a CLI command, a worker) reads the settings once and builds one
``Runtime``; everything below it receives that runtime (or what it holds) as an
argument and never reads the environment itself. Handles are built lazily on
first use, so that building a runtime, like importing a module, connects to
nothing; a worker's pool processes each build their own connections after the
fork.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import redis
from elasticsearch import Elasticsearch

from shared.dead_letters import DeadLetterStore
from shared.elastic import make_client
from shared.raw_store import RawStore
from shared.settings import Settings
from shared.status import StatusStore


@dataclass
class Runtime:
    settings: Settings

    @cached_property
    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(
            self.settings.redis_url, socket_timeout=10, socket_connect_timeout=5, health_check_interval=30
        )

    @cached_property
    def elasticsearch(self) -> Elasticsearch:
        return make_client(self.settings)

    @cached_property
    def raw_store(self) -> RawStore:
        return RawStore(self.settings.raw_dir)

    @cached_property
    def status(self) -> StatusStore:
        return StatusStore(self.redis, self.settings.key_prefix)

    @cached_property
    def dead_letters(self) -> DeadLetterStore:
        return DeadLetterStore(self.redis, self.settings.key_prefix)
