"""Prometheus metrics for ``GET /metrics``: the pipeline's state and the API's own requests.

* Pipeline (read from Redis at scrape time, so every worker's work counts):
  ``newsflow_files{state}``, ``newsflow_queue_depth{stage}``,
  ``newsflow_dead_letters``, and the histogram ``newsflow_stage_seconds{stage}``
  of per-message processing time (shared/stage_timings.py).
* API: ``newsflow_api_requests_total{route,method,status}`` and the histogram
  ``newsflow_api_request_seconds{route}``. ``route`` is the route's template
  (``/v1/pages/{raw_id}``), never the raw path, so labels stay few.

Each app has its own registry (tests build many apps in one process). When the
API runs in several processes (``NEWSFLOW_API_WORKERS``, services/api/serve.py)
``PROMETHEUS_MULTIPROC_DIR`` is set: each process writes its request counts to
a file there, and a scrape adds up every process's (``MultiProcessCollector``).
"""

from __future__ import annotations

import os
import time

import redis
from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily

from shared.queues import STAGES, queue_name
from shared.runtime import Runtime
from shared.stage_timings import StageTimings


class PipelineCollector:
    """Files by state, queue depths, dead letters and stage timings, read from Redis per scrape."""

    def __init__(self, runtime: Runtime):
        self.rt = runtime

    def collect(self):
        rt = self.rt
        try:
            states = rt.status.states(rt.status.raw_ids())
            depths = {stage: int(rt.redis.llen(queue_name(rt.settings, stage))) for stage in STAGES}
            dead = rt.dead_letters.count()
            timings = StageTimings(rt.redis, rt.settings.key_prefix)
            histograms = {stage: timings.histogram(stage) for stage in STAGES}
        except redis.RedisError:
            up = GaugeMetricFamily("newsflow_redis_up", "1 when Redis answered this scrape")
            up.add_metric([], 0)
            yield up
            return
        up = GaugeMetricFamily("newsflow_redis_up", "1 when Redis answered this scrape")
        up.add_metric([], 1)
        yield up
        files = GaugeMetricFamily("newsflow_files", "files received, by state", labels=["state"])
        counts: dict[str, int] = {state: 0 for state in ("received", "parsed", "indexed", "partial", "failed")}
        for state in states:
            if state:
                counts[state] = counts.get(state, 0) + 1
        for state, count in sorted(counts.items()):
            files.add_metric([state], count)
        yield files
        queues = GaugeMetricFamily("newsflow_queue_depth", "messages waiting per stage", labels=["stage"])
        for stage, depth in depths.items():
            queues.add_metric([stage], depth)
        yield queues
        letters = GaugeMetricFamily("newsflow_dead_letters", "dead letters waiting for a fix and a replay")
        letters.add_metric([], dead)
        yield letters
        seconds = HistogramMetricFamily(
            "newsflow_stage_seconds", "processing time per message, by stage", labels=["stage"]
        )
        for stage, (buckets, _count, total) in histograms.items():
            seconds.add_metric([stage], buckets, total)
        yield seconds


class ApiMetrics:
    def __init__(self, runtime: Runtime):
        self.registry = CollectorRegistry(auto_describe=False)
        self.requests = Counter(
            "newsflow_api_requests", "API requests by route, method and status",
            ["route", "method", "status"], registry=self.registry,
        )  # fmt: skip
        self.latency = Histogram(
            "newsflow_api_request_seconds", "API request time by route", ["route"], registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
        )  # fmt: skip
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            # The counters above count this process's requests only: scrape every process's files.
            self.registry = CollectorRegistry(auto_describe=False)
            multiprocess.MultiProcessCollector(self.registry)
        self.registry.register(PipelineCollector(runtime))


class MetricsMiddleware:
    """Pure ASGI middleware (no buffering: streamed exports and uploads pass through untouched)."""

    def __init__(self, app, metrics: ApiMetrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(template, scope.get("method", ""), str(status["code"])).inc()
            self.metrics.latency.labels(template).observe(time.perf_counter() - started)


__all__ = ["ApiMetrics", "MetricsMiddleware", "PipelineCollector"]
