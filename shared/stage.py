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
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from celery import Celery
from pydantic import BaseModel, ValidationError

from shared.dead_letters import build_dead_letter
from shared.errors import InvalidMessageError, NewsflowError, is_transient
from shared.queues import TASK_NAMES
from shared.runtime import Runtime

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
    inner = payload.get("article") if isinstance(payload.get("article"), dict) else payload
    raw_id = inner.get("raw_id") if isinstance(inner.get("raw_id"), str) else None
    article_id = inner.get("article_id") if isinstance(inner.get("article_id"), str) else None
    filename = payload.get("filename") if isinstance(payload.get("filename"), str) else None
    return raw_id, article_id, filename


@dataclass
class StageContext:
    app: Celery
    runtime: Runtime
    task_id: str | None


def stage_task(
    app: Celery, runtime: Callable[[], Runtime], stage: str, model: type[M]
) -> Callable[[Callable[[M, StageContext], None]], Callable]:
    """Register ``handler(message, ctx)`` as the Celery task for ``stage``."""

    def decorator(handler: Callable[[M, StageContext], None]) -> Callable:
        @app.task(name=TASK_NAMES[stage], bind=True, max_retries=None)
        def task(self, payload):
            rt = runtime()
            ctx = StageContext(app=app, runtime=rt, task_id=self.request.id)
            raw_id, article_id, filename = _identity(payload)
            extra = {"stage": stage, "raw_id": raw_id, "article_id": article_id, "task_id": self.request.id}
            try:
                message = model.model_validate(payload)
            except ValidationError as exc:
                reason = f"invalid {model.__name__} message: {exc.errors()[0]['msg']}"
                _dead_letter(rt, stage, InvalidMessageError(reason), reason, payload, self.request.retries)
                log.warning("dead-lettered invalid message: %s", reason, extra=extra)
                return
            try:
                handler(message, ctx)
            except Exception as exc:  # noqa: BLE001 - every failure is classified below
                attempts = self.request.retries + 1
                if is_transient(exc) and self.request.retries < rt.settings.task_max_retries:
                    delay = backoff_s(self.request.retries, rt.settings.retry_backoff_s, rt.settings.retry_backoff_max_s)
                    log.info("transient failure, retry %d in %.1fs: %s", attempts, delay, exc, extra=extra)
                    raise self.retry(exc=exc, countdown=delay)
                reason = exc.reason if isinstance(exc, NewsflowError) else f"{type(exc).__name__}: {exc}"
                if is_transient(exc):
                    reason = f"gave up after {attempts} attempts: {reason}"
                _dead_letter(rt, stage, exc, reason, payload, attempts)
                log.warning("dead-lettered: %s", reason, extra=extra)

        return task

    return decorator


def _dead_letter(rt: Runtime, stage: str, exc: BaseException, reason: str, payload, attempts: int) -> None:
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
