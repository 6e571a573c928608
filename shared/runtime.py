"""Per-process handles to the stores every stage uses (Redis, raw store, status, dead letters).

Built lazily on first use so that importing a module never connects to anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import redis

from shared.dead_letters import DeadLetterStore
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
    def raw_store(self) -> RawStore:
        return RawStore(self.settings.raw_dir)

    @cached_property
    def status(self) -> StatusStore:
        return StatusStore(self.redis, self.settings.key_prefix)

    @cached_property
    def dead_letters(self) -> DeadLetterStore:
        return DeadLetterStore(self.redis, self.settings.key_prefix)
