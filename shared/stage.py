"""The one place that decides what happens when a stage fails.

Every service's ``tasks.py`` wraps its pure handler with ``stage_task``. The
wrapper validates the incoming JSON against the stage's model, calls the
handler, and then:

* schema-invalid message or ``PermanentError``: dead letter (stage, reason,
  traceback, raw reference, payload for replay) and the file's status says why;
* transient fault (``shared.errors.is_transient``): retry with capped, jittered
  exponential backoff, at most ``task_max_retries`` times, then dead letter.

So a bad message never loops and a flaky dependency never loses one.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from celery import Celery
from pydantic import BaseModel, ValidationError

from shared.dead_letters import build_dead_letter
from shared.errors import InvalidMessageError, NewsflowError, is_transient
from shared.logs import log_context
from shared.models import Stage
from shared.process_limits import MEMORY_REASON
from shared.queues import TASK_NAMES
from shared.runtime import Runtime
from shared.stage_kills import killed_task_request
from shared.stage_timings import StageTimings

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)


def backoff_s(attempt: int, base_s: float, cap_s: float) -> float:
    """Capped exponential backoff with "equal jitter": half fixed, half random.

    The fixed half guarantees the retries of one message span a known minimum
    (about 150 s with the defaults), enough to ride out an
    Elasticsearch or Redis restart; the random half spreads a burst of
    failures so the recovering service is not hit by all of them at once.

    >>> 30.0 <= backoff_s(10, 1.0, 60.0) <= 60.0
    True
    """
    ceiling = min(cap_s, base_s * (2**attempt))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def _identity(payload: object) -> tuple[str | None, str | None, str | None]:
    """Best-effort (raw_id, article_id, filename) from any stage's payload, valid or not."""
    if not isinstance(payload, dict):
        return None, None, None
    article = payload.get("article")
    inner = article if isinstance(article, dict) else payload
    raw_id = inner.get("raw_id") if isinstance(inner.get("raw_id"), str) else None
    article_id = inner.get("article_id") if isinstance(inner.get("article_id"), str) else None
    filename = payload.get("filename") if isinstance(payload.get("filename"), str) else None
    return raw_id, article_id, filename


@dataclass
class StageContext:
    """What a handler gets besides its message(s): the app to send with, the runtime, the task id(s)."""

    app: Celery
    runtime: Runtime
    task_id: str | None  # the message's task id; None for a batch, whose ids are in task_ids
    task_ids: list[str | None] = field(default_factory=list)
    # Fields a batch handler adds to the runner's one log line per batch (e.g. the bulk requests it sent).
    log_extra: dict[str, object] = field(default_factory=dict)


def stage_task(
    app: Celery, runtime: Callable[[], Runtime], stage: Stage, model: type[M]
) -> Callable[[Callable[[M, StageContext], None]], Callable]:
    """Register ``handler(message, ctx)`` as the Celery task for ``stage``."""

    def decorator(handler: Callable[[M, StageContext], None]) -> Callable:
        limit_s = _time_limit_s(runtime, stage)
        grace_s = runtime().settings.hard_time_limit_grace_s

        @app.task(
            name=TASK_NAMES[stage],
            bind=True,
            max_retries=None,
            soft_time_limit=limit_s,
            time_limit=limit_s + grace_s if limit_s else None,
            Request=killed_task_request(runtime, stage, _dead_letter),  # shared/stage_kills.py
            shared=False,
        )
        def task(self, payload):
            rt = runtime()
            ctx = StageContext(app=app, runtime=rt, task_id=self.request.id)
            raw_id, article_id, filename = _identity(payload)
            with log_context(stage=stage, raw_id=raw_id, article_id=article_id, file=filename, task_id=self.request.id):
                try:
                    message = model.model_validate(payload)
                except ValidationError as exc:
                    reason = f"invalid {model.__name__} message: {exc.errors()[0]['msg']}"
                    _dead_letter(rt, stage, InvalidMessageError(reason), reason, payload, self.request.retries)
                    log.warning("dead-lettered invalid message: %s", reason)
                    return
                started = time.perf_counter()
                try:
                    handler(message, ctx)
                    _timings(rt).observe(stage, time.perf_counter() - started)
                except Exception as exc:  # noqa: BLE001 - every failure is classified below
                    delay, reason = settle(rt, exc, self.request.retries)
                    if delay is not None:
                        log.info("transient failure, retry %d in %.1fs: %s", self.request.retries + 1, delay, exc)
                        raise self.retry(exc=exc, countdown=delay) from exc
                    _dead_letter(rt, stage, exc, reason, payload, self.request.retries + 1)
                    log.warning(
                        "dead-lettered %s (%s): %s", filename or "a message", (raw_id or "no raw id")[:12], reason
                    )

        return task

    return decorator


def _time_limit_s(runtime: Callable[[], Runtime], stage: str) -> float | None:
    """``NEWSFLOW_{STAGE}_TIME_LIMIT_S`` when the settings have one (the enricher bounds itself per article)."""
    return getattr(runtime().settings, f"{stage}_time_limit_s", None)


def _timings(rt: Runtime) -> StageTimings:
    """Processing times for ``/metrics`` (best effort, see shared/stage_timings.py)."""
    return StageTimings(rt.redis, rt.settings.key_prefix)


def settle(rt: Runtime, exc: BaseException, retries: int) -> tuple[float | None, str]:
    """What to do after a failed attempt: ``(delay, reason)``.

    ``delay`` is the backoff before the next attempt for a transient fault with
    retries left; ``None`` means dead-letter with ``reason``.
    """
    attempts = retries + 1
    reason = _reason(exc)
    if is_transient(exc):
        if retries < rt.settings.task_max_retries:
            return backoff_s(retries, rt.settings.retry_backoff_s, rt.settings.retry_backoff_max_s), reason
        reason = f"gave up after {attempts} attempts: {reason}"
    return None, reason


def _reason(exc: BaseException) -> str:
    """The one sentence a user reads; the bounds on memory and time say which bound and what to do."""
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, NewsflowError):
        return exc.reason
    if isinstance(exc, MemoryError):
        return MEMORY_REASON
    if isinstance(exc, SoftTimeLimitExceeded):
        return (
            "Processing took longer than the stage's time limit on this input (NEWSFLOW_PARSE_TIME_LIMIT_S); "
            "the input is too large or too complex."
        )
    return f"{type(exc).__name__}: {exc}"


def stage_batch_task(
    app: Celery,
    runtime: Callable[[], Runtime],
    stage: Stage,
    model: type[M],
    *,
    flush_every: int,
    flush_interval_s: float,
) -> Callable[[Callable[[list[M], StageContext], list[BaseException | None]]], Callable]:
    """Register ``handler(messages, ctx)`` as a batched Celery task for ``stage`` (celery-batches).

    The worker buffers up to ``flush_every`` messages or ``flush_interval_s``
    seconds, whichever comes first, and hands them to the handler together
    (one Elasticsearch bulk request instead of one per article). The handler
    returns one outcome per message: ``None`` for done, or the exception that
    message failed with. Each failure is settled on its own, exactly as
    ``stage_task`` does: a transient one is sent again with backoff and its
    retry count (a new message, published before this one is acknowledged),
    anything else is dead-lettered. An exception from the handler itself
    applies to every message of the batch.

    celery-batches acknowledges the whole batch when the handler returns, even
    if it raised, so this wrapper never lets an exception out: a message is
    only acknowledged once it is done, re-sent or dead-lettered. A worker that
    dies mid-batch acknowledges nothing, and Redis re-delivers the batch.
    Prefetch must cover a batch: ``shared.worker.prefetch_multiplier`` reserves two.
    """

    def decorator(handler: Callable[[list[M], StageContext], list[BaseException | None]]) -> Callable:
        @app.task(
            name=TASK_NAMES[stage],
            base=_reconnect_safe_batches(),
            flush_every=flush_every,
            flush_interval=flush_interval_s,
            shared=False,
        )  # this app only: tests build several
        def task(requests):
            rt = runtime()
            valid: list[tuple[object, int, str | None, M]] = []
            for request in requests:
                payload = request.args[0] if request.args else None
                retries = int((request.request_dict or {}).get("retries") or 0)
                try:
                    valid.append((payload, retries, request.id, model.model_validate(payload)))
                except ValidationError as exc:
                    reason = f"invalid {model.__name__} message: {exc.errors()[0]['msg']}"
                    _settle_one(app, rt, stage, InvalidMessageError(reason), payload, retries, request.id)
            if not valid:
                return
            task_ids = [task_id for _, _, task_id, _ in valid]
            ctx = StageContext(app=app, runtime=rt, task_id=None, task_ids=task_ids)
            started = time.perf_counter()
            with log_context(stage=stage):
                try:
                    outcomes = handler([message for _, _, _, message in valid], ctx)
                except Exception as exc:  # noqa: BLE001 - classified per message below
                    outcomes = [exc] * len(valid)
                elapsed = time.perf_counter() - started
                _timings(rt).observe(stage, elapsed / len(valid), count=len(valid))
                # Celery logs one line per task, which for a batch says nothing useful: say what it held.
                log.info(
                    "%s batch of %d done in %.3fs",
                    stage,
                    len(valid),
                    elapsed,
                    extra={"batch_size": len(valid), "task_ids": task_ids, **ctx.log_extra},
                )
            for (payload, retries, task_id, _), outcome in zip(valid, outcomes, strict=True):
                if outcome is not None:
                    _settle_one(app, rt, stage, outcome, payload, retries, task_id)

        return task

    return decorator


def _reconnect_safe_batches() -> type:
    """celery-batches' ``Batches``, fixed for broker reconnects.

    ``Batches`` starts its flush timer with the first buffered message and
    forgets it only once the buffer is empty. After a lost broker connection
    Celery clears the consumer's timer and rebuilds every task's strategy, so
    that timer is gone while ``Batches`` still believes it runs: buffered
    messages would wait for ``flush_every`` more to arrive, forever on a quiet
    queue (caught by tests/e2e/test_faults.py's Redis restart). Rebuilding the
    strategy therefore forgets the timer, and the next message starts a new one.
    """
    from celery_batches import Batches

    class ReconnectSafeBatches(Batches):
        abstract = True

        def Strategy(self, task, app, consumer):  # noqa: N802 - Celery's name
            self._tref = None
            return super().Strategy(task, app, consumer)

    return ReconnectSafeBatches


def _settle_one(
    app: Celery, rt: Runtime, stage: Stage, exc: BaseException, payload: object, retries: int, task_id: str | None
) -> None:
    raw_id, article_id, filename = _identity(payload)
    with log_context(stage=stage, raw_id=raw_id, article_id=article_id, file=filename, task_id=task_id):
        try:
            delay, reason = settle(rt, exc, retries)
            if delay is not None:
                log.info("transient failure, retry %d in %.1fs: %s", retries + 1, delay, exc)
                app.send_task(TASK_NAMES[stage], args=[payload], countdown=delay, retries=retries + 1)
                return
            _dead_letter(rt, stage, exc, reason, payload, retries + 1)
            log.warning("dead-lettered: %s", reason)
        except Exception:  # noqa: BLE001 - Redis itself is failing: the sweeper redrives the file later
            log.exception("could not settle a failed message; the sweeper will redrive its file")


def _dead_letter(rt: Runtime, stage: Stage, exc: BaseException, reason: str, payload, attempts: int) -> None:
    raw_id, article_id, filename = _identity(payload)
    raw_path = None
    if raw_id:
        try:
            raw_path = str(rt.raw_store.path_for(raw_id))
        except NewsflowError:
            raw_id = None  # not a real raw id: keep the payload, drop the bogus reference
    rt.dead_letters.add(
        build_dead_letter(
            stage=stage,
            exc=exc,
            reason=reason,
            raw_id=raw_id,
            raw_path=raw_path,
            article_id=article_id,
            filename=filename,
            attempts=max(attempts, 1),
            payload=payload if isinstance(payload, dict) else {"value": repr(payload)[:10_000]},
        )
    )
    if raw_id and article_id:
        rt.status.mark_article(raw_id, article_id, "failed", reason=reason)
    elif raw_id:
        rt.status.mark_failed(raw_id, reason)
