"""Per-process handles to what every stage uses: the settings, Redis, Elasticsearch and the stores on them.

An entry point (a CLI command, a worker) reads the settings once and builds one
``Runtime``; everything below it receives that runtime (or what it holds) as an
argument and never reads the environment itself. Handles are built lazily on
first use, so that building a runtime, like importing a module, connects to
nothing; a worker's pool processes each build their own connections after the
fork. A service's own long-lived object on these clients (the enricher's
duplicate index) is owned the same way, through ``handle``: ``shared`` never
imports a service, so the service says how its object is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar, cast

import redis
from elasticsearch import Elasticsearch

from shared.dead_letters import DeadLetterStore
from shared.elastic import make_client
from shared.raw_store import RawStore
from shared.settings import Settings
from shared.status import StatusStore

T = TypeVar("T")


@dataclass
class Runtime:
    settings: Settings
    _handles: dict[Callable[[Runtime], object], object] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def handle(self, build: Callable[[Runtime], T]) -> T:
        """The object ``build(self)`` returns, built on first use and kept for this runtime's life.

        >>> rt = Runtime(Settings())
        >>> def index(rt: Runtime) -> dict[str, str]:
        ...     return {"prefix": rt.settings.key_prefix}
        >>> rt.handle(index) is rt.handle(index), rt.handle(index) is Runtime(Settings()).handle(index)
        (True, False)
        """
        if build not in self._handles:
            self._handles[build] = build(self)
        return cast(T, self._handles[build])  # stored under its own builder, so it is what that builder returns

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
