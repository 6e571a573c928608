"""Per-stage processing times, kept in Redis so that ``/metrics`` can show every worker's.

Workers are separate processes (and containers), so an in-process Prometheus
histogram in each would be invisible to the API. Instead each finished task
adds its duration to one Redis hash per stage: a counter per histogram bucket,
a count and a sum. ``services.api.metrics`` reads the hashes on each scrape
and exposes them as the Prometheus histogram ``newsflow_stage_seconds``.

Keys: ``{prefix}:timings:{stage}`` hash with fields ``le:{bound}``, ``count``, ``sum``.
Recording is best effort: a timing that cannot be written never fails a task.

    >>> bucket_for(0.03)
    '0.05'
"""

from __future__ import annotations

import logging

import redis

from shared.redis_replies import text_mapping

log = logging.getLogger(__name__)

# Upper bounds in seconds; the last bucket (+Inf) is the count itself.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def bucket_for(seconds: float) -> str:
    for bound in BUCKETS:
        if seconds <= bound:
            return repr(bound)
    return "+Inf"


class StageTimings:
    def __init__(self, client: redis.Redis, prefix: str):
        self.r = client
        self.prefix = prefix

    def _key(self, stage: str) -> str:
        return f"{self.prefix}:timings:{stage}"

    def observe(self, stage: str, seconds: float, count: int = 1) -> None:
        """Record ``count`` messages that took ``seconds`` each (a batch's share per message)."""
        try:
            pipe = self.r.pipeline(transaction=False)
            key = self._key(stage)
            pipe.hincrby(key, f"le:{bucket_for(seconds)}", count)
            pipe.hincrby(key, "count", count)
            pipe.hincrbyfloat(key, "sum", seconds * count)
            pipe.execute()
        except redis.RedisError as exc:
            log.debug("stage timing not recorded: %s", exc)

    def histogram(self, stage: str) -> tuple[list[tuple[str, int]], int, float]:
        """Cumulative ``[(upper bound, count)...]`` ending with ``+Inf``, the count and the sum."""
        raw = text_mapping(self.r.hgetall(self._key(stage)))
        cumulative, running = [], 0
        for bound in (*map(repr, BUCKETS), "+Inf"):
            running += int(raw.get(f"le:{bound}", 0))
            cumulative.append((bound, running))
        return cumulative, int(raw.get("count", 0)), float(raw.get("sum", 0.0))
