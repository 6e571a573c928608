"""What every request handler shares: settings, the stores, the Elasticsearch client, the Celery app.

Built once by ``create_app`` (nothing connects until the first request) and
reached from a handler through ``Depends(api_state)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from celery import Celery
from elasticsearch import Elasticsearch
from fastapi import Request

from services.api.backlog import ParseBacklog
from shared.queues import make_celery, queue_name
from shared.runtime import Runtime
from shared.settings import Settings


@dataclass
class ApiState:
    settings: Settings
    runtime: Runtime
    es: Elasticsearch
    celery: Celery
    backlog: ParseBacklog  # the parse queue's depth, for the 429 of POST /v1/pages

    @classmethod
    def build(cls, settings: Settings) -> ApiState:
        from shared.elastic import make_client

        celery = make_celery(settings)
        # A request waits for Redis seconds, not Celery's default minutes: an unreachable broker is a 503 now.
        celery.conf.task_publish_retry_policy = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
        celery.conf.broker_connection_timeout = 2
        runtime = Runtime(settings)
        parse_queue = queue_name(settings, "parse")
        backlog = ParseBacklog(lambda: runtime.redis.llen(parse_queue), settings.api_parse_queue_high_water)
        return cls(
            settings=settings, runtime=runtime, es=make_client(settings, request_timeout_s=20), celery=celery,
            backlog=backlog,
        )  # fmt: skip

    def close(self) -> None:
        self.es.close()
        self.celery.close()


async def api_state(request: Request) -> ApiState:
    # async on purpose: FastAPI runs a plain-def dependency in its threadpool, one hop to a worker
    # thread and back per request (on a busy machine, a wait to be scheduled twice) to read a field.
    return request.app.state.newsflow
