"""The Celery app factory and the names that link the stages.

Each stage is a Celery task with a fixed name, routed to its own queue; a
worker consumes exactly one queue, so each stage scales on its own. Queue names
carry the key prefix (``newsflow.parse``), which lets tests run isolated
pipelines on a shared Redis.

Delivery settings follow from "nothing lost": late acknowledgement (a message
is acked only after its task finished), reject-on-worker-loss (a killed child
puts its message back), prefetch of one (a crash loses no buffered work), and a
visibility timeout longer than any task, so Redis re-delivers only what a dead
worker really held.
"""

from __future__ import annotations

from celery import Celery

from shared.settings import Settings

STAGES = ("parse", "enrich", "index")
TASK_NAMES = {stage: f"newsflow.{stage}" for stage in STAGES}


def queue_name(settings: Settings, stage: str) -> str:
    return f"{settings.key_prefix}.{stage}"


def unacked_key(settings: Settings) -> str:
    """Redis hash of messages delivered to a worker and not yet acknowledged."""
    return f"{settings.key_prefix}:unacked"


def make_celery(settings: Settings) -> Celery:
    """Build (without connecting) the Celery app every worker and the CLI use."""
    app = Celery("newsflow", broker=settings.redis_url)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # An exception that escapes a task is an infrastructure fault (the stage
        # runner turns every input error into a dead letter): keep the message.
        task_acks_on_failure_or_timeout=False,
        worker_prefetch_multiplier=1,
        broker_transport_options={
            "visibility_timeout": settings.visibility_timeout_s,
            # Messages held by a worker that died outright (kill -9, lost machine) are put back by a
            # periodic sweep; kombu's default sweeps every ~100 s. Sweep at a fifth of the timeout.
            "unacked_restore_interval": max(1, settings.visibility_timeout_s // 5),
            "unacked_restore_throttle": 1,
            # Per-prefix bookkeeping keys, so isolated pipelines on one Redis never touch each other.
            "unacked_key": unacked_key(settings),
            "unacked_index_key": f"{settings.key_prefix}:unacked_index",
            "unacked_mutex_key": f"{settings.key_prefix}:unacked_mutex",
            # A worker cut off the network keeps a half-open connection: without a socket timeout
            # a blocking call on it (an ack, a publish, the unacked sweep) waits for TCP to give up,
            # ~15 min, and the worker takes no message meanwhile (found by the compose partition test).
            "socket_timeout": 10,
            "socket_connect_timeout": 5,
            "socket_keepalive": True,
        },
        broker_connection_retry_on_startup=True,
        task_routes={name: {"queue": queue_name(settings, stage)} for stage, name in TASK_NAMES.items()},
        task_default_queue=f"{settings.key_prefix}.default",
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    return app


def send(app: Celery, stage: str, payload: dict) -> None:
    """Send one JSON payload to a stage's queue."""
    app.send_task(TASK_NAMES[stage], args=[payload])
