"""Redrive: the safety net under at-least-once delivery.

Celery's Redis transport can drop a message in one narrow window: a Redis
restart between a worker popping a message and recording it as unacked. Every
stage is idempotent (deterministic ids, status kept as sets), so the cure is
reconciliation rather than a heavier broker: when the pipeline is idle (all
stage queues empty, nothing unacknowledged) and a file is still not finished
after ``stalled_after_s`` without progress, its messages are gone, so the file
is sent through again from the raw store. Nothing is ever redriven while work
is still queued, so a long backlog is never mistaken for a loss.

The same reconciliation covers the one gap of an all-or-nothing ingest: the
bytes are on disk and the status in Redis, and when Redis goes away after
recording a file but before the ingest could take the record back, a restart
may lose that record too, leaving bytes no status names (``verify`` reports
them). The raw store is the source of truth, so such a blob is never deleted:
once it is older than ``stalled_after_s`` (no ingest takes that long between
storing and recording) it is recorded as a recovered file and parsed.

``newsflow sweep`` runs this in a loop (a process of the local stack and a
compose service); ``newsflow sweep --once`` runs one pass.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone

from celery import Celery

from services.ingest.accounting import queue_depths
from services.ingest.reprocess import reprocess_file
from shared.models import RawPageRef
from shared.queues import send, unacked_key
from shared.runtime import Runtime

log = logging.getLogger(__name__)


def pipeline_idle(rt: Runtime) -> bool:
    unacked = rt.redis.hlen(unacked_key(rt.settings))
    return unacked == 0 and not any(queue_depths(rt).values())


def stalled_files(rt: Runtime, stalled_after_s: float) -> list[str]:
    now = time.time()
    stalled = []
    for status in rt.status.all():
        if status.done or not status.updated_at:
            continue
        if now - datetime.fromisoformat(status.updated_at).timestamp() >= stalled_after_s:
            stalled.append(status.raw_id)
    return stalled


def redrive_once(rt: Runtime, app: Celery, stalled_after_s: float) -> list[str]:
    """Re-send the files whose messages were lost; returns their raw ids."""
    if not pipeline_idle(rt):
        return []
    candidates = stalled_files(rt, stalled_after_s)
    # Look again after collecting: a message may have been in a worker's hands a moment ago.
    if not candidates or not pipeline_idle(rt):
        return []
    redriven = [rid for rid in candidates if reprocess_file(rt, app, rid, keep_progress=True)]
    for rid in redriven:
        log.warning("redriving a stalled file whose messages were lost", extra={"raw_id": rid, "stage": "sweep"})
    return redriven


def recovered_name(raw_id: str) -> str:
    """The name a recovered blob is shown under: its original name was in the record that was lost.

    >>> recovered_name("ab" * 32)
    'recovered-abababababab'
    """
    return f"recovered-{raw_id[:12]}"


def recover_orphans(rt: Runtime, app: Celery, older_than_s: float) -> list[str]:
    """Record and parse the stored blobs no status names (see the module docstring); returns their raw ids."""
    known = set(rt.status.raw_ids())
    now = time.time()
    recovered = []
    for raw_id in rt.raw_store.ids():
        if raw_id in known:
            continue
        try:
            stat = rt.raw_store.path_for(raw_id).stat()
        except FileNotFoundError:  # taken back by the ingest that stored it, just now
            continue
        if now - stat.st_mtime < older_than_s:
            continue  # an ingest may be recording it this very moment
        ref = RawPageRef(
            raw_id=raw_id,
            filename=recovered_name(raw_id),
            size_bytes=stat.st_size,
            received_at=datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc),
        )
        if not rt.status.register(ref):
            continue  # recorded meanwhile (the user sent it again)
        send(app, "parse", ref.model_dump(mode="json"))
        log.warning(
            "recovered stored bytes that had no status record (an ingest interrupted by a Redis failure)",
            extra={"raw_id": raw_id, "stage": "sweep", "file": ref.filename},
        )
        recovered.append(raw_id)
    return recovered


def sweep_forever(rt: Runtime, app: Celery, stalled_after_s: float, interval_s: float) -> None:
    while True:
        try:
            recover_orphans(rt, app, stalled_after_s)
            redrive_once(rt, app, stalled_after_s)
        except Exception:  # noqa: BLE001 - Redis may be restarting; the next pass retries
            log.exception("sweep pass failed; retrying")
        time.sleep(interval_s)
