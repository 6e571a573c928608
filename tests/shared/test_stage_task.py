"""The stage runner: a message is handled, retried with backoff, or dead-lettered with its reason.

Tasks run in this process (Celery's ``apply``) against the real Redis; in that
mode a retry runs again at once instead of after its countdown, so the retry
path is exercised without waiting.
"""

from __future__ import annotations

import io
import logging

import orjson
import pytest

from shared.errors import PermanentError, TransientError
from shared.logs import ContextFilter, JsonFormatter
from shared.models import RawPageRef, utc_now
from shared.queues import make_celery
from shared.runtime import Runtime
from shared.stage import backoff_s, settle, stage_task

RAW = "c" * 64


def _ref() -> RawPageRef:
    return RawPageRef(raw_id=RAW, filename="harbour.html", size_bytes=10, received_at=utc_now())


# --- backoff and the retry decision (no services) ------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize("attempt", range(12))
def test_backoff_waits_between_half_and_all_of_the_capped_exponential(attempt):
    ceiling = min(60.0, 1.0 * 2**attempt)
    delays = [backoff_s(attempt, 1.0, 60.0) for _ in range(200)]
    assert all(ceiling / 2 <= d <= ceiling for d in delays)
    assert len(set(delays)) > 1, "jitter spreads a burst of failures"


@pytest.mark.unit
def test_the_default_retries_span_long_enough_to_ride_out_a_restart():
    """Ten retries at 1 s base, 60 s cap: the fixed halves alone add up to about 150 s."""
    minimum = sum(min(60.0, 2.0**attempt) / 2 for attempt in range(10))
    assert sum(backoff_s(attempt, 1.0, 60.0) for attempt in range(10)) >= minimum > 140


@pytest.mark.unit
def test_transient_faults_retry_until_the_limit_then_give_up_with_the_count():
    from shared.settings import Settings

    rt = Runtime(Settings(task_max_retries=2))
    delay, _ = settle(rt, TransientError("Elasticsearch timed out"), retries=1)
    assert delay is not None and delay > 0
    assert settle(rt, TransientError("Elasticsearch timed out"), retries=2) == (
        None, "gave up after 3 attempts: Elasticsearch timed out")


@pytest.mark.unit
def test_a_permanent_fault_is_never_retried():
    from shared.settings import Settings

    assert settle(Runtime(Settings()), PermanentError("not a news page"), retries=0) == (None, "not a news page")


# --- stage_task against the real Redis -----------------------------------------------------------


@pytest.fixture
def stage(isolated, redis_client):
    """A parse-stage task whose handler does what each test tells it to."""
    settings, _ = isolated
    rt = Runtime(settings.model_copy(update={"task_max_retries": 2}))
    app = make_celery(rt.settings)
    calls: list[tuple[RawPageRef, str | None]] = []
    behaviour: list[BaseException | None] = []

    @stage_task(app, lambda: rt, "parse", RawPageRef)
    def handler(ref: RawPageRef, ctx) -> None:
        calls.append((ref, ctx.task_id))
        logging.getLogger("services.parser.demo").warning("skipped 2 records")
        outcome = behaviour.pop(0) if behaviour else None
        if outcome is not None:
            raise outcome

    rt.status.register(_ref())
    yield handler, rt, calls, behaviour
    app.close()


def test_a_valid_message_reaches_the_handler_as_its_model_with_the_task_id(stage):
    task, rt, calls, _ = stage
    task.apply(args=[_ref().model_dump(mode="json")], task_id="task-1")
    assert [(ref.raw_id, ref.filename, task_id) for ref, task_id in calls] == [(RAW, "harbour.html", "task-1")]
    assert rt.dead_letters.count() == 0


def test_an_invalid_message_is_dead_lettered_without_reaching_the_handler(stage):
    task, rt, calls, _ = stage
    task.apply(args=[{"raw_id": RAW, "filename": "harbour.html"}])
    (letter,) = rt.dead_letters.list()
    assert calls == []
    assert letter.stage == "parse" and letter.reason.startswith("invalid RawPageRef message")
    assert letter.payload == {"raw_id": RAW, "filename": "harbour.html"}, "kept for replay"
    assert rt.status.get(RAW).state == "failed"


def test_a_permanent_error_is_dead_lettered_once_and_the_file_says_why(stage):
    task, rt, calls, behaviour = stage
    behaviour.append(PermanentError("no article text found"))
    task.apply(args=[_ref().model_dump(mode="json")])
    (letter,) = rt.dead_letters.list()
    assert len(calls) == 1
    assert (letter.reason, letter.attempts, letter.filename) == ("no article text found", 1, "harbour.html")
    assert (rt.status.get(RAW).state, rt.status.get(RAW).reason) == ("failed", "no article text found")


def test_a_transient_fault_is_retried_and_the_message_then_succeeds(stage):
    task, rt, calls, behaviour = stage
    behaviour.extend([TransientError("Redis is loading"), TransientError("Redis is loading"), None])
    task.apply(args=[_ref().model_dump(mode="json")])
    assert len(calls) == 3
    assert rt.dead_letters.count() == 0


def test_a_fault_that_outlasts_the_retries_is_dead_lettered_with_the_attempts(stage):
    task, rt, calls, behaviour = stage
    behaviour.extend([TransientError("Elasticsearch timed out")] * 5)
    task.apply(args=[_ref().model_dump(mode="json")])
    (letter,) = rt.dead_letters.list()
    assert len(calls) == 3
    assert letter.reason == "gave up after 3 attempts: Elasticsearch timed out"
    assert letter.attempts == 3


def test_what_a_handler_logs_names_the_stage_file_and_task(stage):
    task, _, _, _ = stage
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("services.parser.demo")
    logger.addHandler(handler)
    try:
        task.apply(args=[_ref().model_dump(mode="json")], task_id="task-7")
    finally:
        logger.removeHandler(handler)
    entry = orjson.loads(stream.getvalue().splitlines()[0])
    assert entry["message"] == "skipped 2 records"
    assert (entry["stage"], entry["raw_id"], entry["file"], entry["task_id"]) == (
        "parse", RAW, "harbour.html", "task-7")
