"""When a stage's pool process is killed under its message: dead-letter a message that keeps doing it.

``stage_task`` settles every exception a task raises. Two failures raise nothing the
task can catch, because the process running it is gone:

* the hard time limit: code that never returns to the interpreter (a C extension stuck
  on one input) never sees the soft limit's exception, and the pool kills the process
  ``NEWSFLOW_HARD_TIME_LIMIT_GRACE_S`` later;
* the process dies (a segfault or abort in a C extension, the kernel's OOM killer).

Celery, told not to acknowledge failures and to requeue on worker loss
(``shared.queues``), then puts the message back, where it kills the next process too,
for ever. The request class here runs in the worker's main process when either
happens. A hard time limit is dead-lettered at once (the input took too long; trying
again takes as long); a lost process is requeued, since a kill may have nothing to do
with the input, until the same message has lost ``WORKER_LOSSES_BEFORE_DEAD_LETTER``
processes. The dead letter keeps the raw reference, so ``dlq replay`` can try again
after a fix, and the message is acknowledged only once the letter is written: when
Redis is down it goes back as before, never dropped without a record.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from shared.logs import log_context
from shared.models import Stage
from shared.runtime import Runtime

log = logging.getLogger(__name__)

# A message on whose watch this many pool processes died is taken to be what kills them.
WORKER_LOSSES_BEFORE_DEAD_LETTER = 3
_LOSS_COUNT_TTL_S = 24 * 3600

DeadLetterWriter = Callable[[Runtime, Stage, BaseException, str, object, int], None]


def hard_limit_reason(stage: str) -> str:
    """The dead letter's sentence for a task its worker killed at the hard time limit.

    >>> "NEWSFLOW_PARSE_TIME_LIMIT_S" in hard_limit_reason("parse")
    True
    """
    return (
        f"Processing was stopped at the hard time limit (NEWSFLOW_{stage.upper()}_TIME_LIMIT_S plus "
        "NEWSFLOW_HARD_TIME_LIMIT_GRACE_S) without finishing; the input is too large or too complex."
    )


def worker_lost_reason(losses: int) -> str:
    """The dead letter's sentence for a message whose worker processes kept dying.

    >>> worker_lost_reason(3)[:47]
    'The worker process died 3 times on this input ('
    """
    return (
        f"The worker process died {losses} times on this input (a crash or a kill, not an error it could "
        "report); the worker logs say how."
    )


def killed_task_request(runtime: Callable[[], Runtime], stage: Stage, dead_letter: DeadLetterWriter) -> type:
    """The Celery request class for ``stage``'s task (see the module docstring)."""
    from billiard.exceptions import WorkerLostError
    from celery.exceptions import TimeLimitExceeded
    from celery.worker.request import Request

    class KilledTaskRequest(Request):
        def on_failure(self, exc_info, send_failed_event=True, return_ok=False):
            exc = getattr(exc_info.exception, "exc", exc_info.exception)  # ExceptionWithTraceback wraps it
            if isinstance(exc, (TimeLimitExceeded, WorkerLostError)) and not self.acknowledged:
                self._dead_letter_if_poison(exc)
            super().on_failure(exc_info, send_failed_event=send_failed_event, return_ok=return_ok)

        def _dead_letter_if_poison(self, exc: BaseException) -> None:
            payload = self.args[0] if self.args else None
            info = payload if isinstance(payload, dict) else {}
            raw_id, filename = info.get("raw_id"), info.get("filename")
            with log_context(stage=stage, raw_id=raw_id, file=filename, task_id=self.id):
                try:
                    rt = runtime()
                    if isinstance(exc, TimeLimitExceeded):
                        reason = hard_limit_reason(stage)
                    else:
                        losses = _count_loss(rt, self.id)
                        if losses < WORKER_LOSSES_BEFORE_DEAD_LETTER:
                            log.warning(
                                "a worker process died holding this message (%d so far); it is requeued", losses
                            )
                            return
                        reason = worker_lost_reason(losses)
                    retries = int(self.request_dict.get("retries") or 0)
                    dead_letter(rt, stage, exc, reason, payload, retries + 1)
                except Exception:  # noqa: BLE001 - Redis is down: let Celery put the message back
                    log.exception("could not dead-letter a message whose process was killed; it is requeued")
                    return
                self.acknowledge()  # Celery's own handling below then leaves the message alone
                log.warning("dead-lettered %s (%s): %s", filename or "a message", str(raw_id or "?")[:12], reason)

    return KilledTaskRequest


def _count_loss(rt: Runtime, task_id: str) -> int:
    """One more process lost under this message (its task id stays the same when it is requeued)."""
    key = f"{rt.settings.key_prefix}:worker-lost:{task_id}"
    pipe = rt.redis.pipeline()
    pipe.incr(key)
    pipe.expire(key, _LOSS_COUNT_TTL_S)
    return int(pipe.execute()[0])
