"""Batched stage tasks settle every message on its own, against the real Redis.

celery-batches acknowledges a whole batch when the task returns, so nothing may
be lost inside it: each failed message is re-sent (transient) or dead-lettered.
"""

import base64
import json

import pytest
from celery_batches import SimpleRequest
from pydantic import BaseModel

from shared.errors import PermanentError, TransientError
from shared.queues import make_celery, queue_name
from shared.runtime import Runtime
from shared.stage import stage_batch_task

pytestmark = pytest.mark.integration

RAW = "b" * 64


class Msg(BaseModel):
    raw_id: str
    article_id: str
    outcome: str


def _request(payload, retries=0) -> SimpleRequest:
    return SimpleRequest(
        id=f"task-{json.dumps(payload, sort_keys=True)}", name="newsflow.index", args=(payload,), kwargs={},
        delivery_info={}, hostname="test", ignore_result=True, reply_to=None, correlation_id=None,
        request_dict={"retries": retries},
    )


def _payload(article_id: str, outcome: str) -> dict:
    return {"raw_id": RAW, "article_id": article_id, "outcome": outcome}


@pytest.fixture
def batch(isolated, redis_client):
    """A batched task on this test's queue; its handler fails each message as the message says."""
    settings, _ = isolated
    rt = Runtime(settings)
    app = make_celery(settings)
    seen: list[list[str]] = []
    failures = {"transient": TransientError("Elasticsearch asked to retry"), "permanent": PermanentError("rejected")}

    @stage_batch_task(app, lambda: rt, "index", Msg, flush_every=10, flush_interval_s=0.1)
    def handler(messages: list[Msg], ctx):
        seen.append([m.article_id for m in messages])
        if any(m.outcome == "crash" for m in messages):
            raise TransientError("Elasticsearch is down")
        return [failures.get(m.outcome) for m in messages]

    def requeued() -> list[dict]:
        return [json.loads(raw) for raw in redis_client.lrange(queue_name(settings, "index"), 0, -1)]

    yield handler, seen, rt, requeued
    app.close()


def test_each_message_of_a_batch_is_done_retried_or_dead_lettered(batch):
    task, seen, rt, requeued = batch
    task([
        _request(_payload("ok", "ok")),
        _request(_payload("flaky", "transient"), retries=2),
        _request(_payload("bad", "permanent")),
        _request({"raw_id": RAW, "article_id": 5}),  # not a Msg
    ])

    assert seen == [["ok", "flaky", "bad"]]  # the invalid message never reaches the handler
    (resent,) = requeued()
    assert json.loads(base64.b64decode(resent["body"]))[0] == [_payload("flaky", "transient")]
    assert resent["headers"]["retries"] == 3 and resent["headers"]["eta"] is not None
    letters = {letter.article_id: letter for letter in rt.dead_letters.list()}
    assert set(letters) == {"bad", None}
    assert letters["bad"].reason == "rejected" and letters["bad"].raw_id == RAW
    assert "invalid Msg message" in letters[None].reason


def test_a_failing_batch_retries_every_message(batch):
    task, seen, rt, requeued = batch
    task([_request(_payload("a1", "crash")), _request(_payload("a2", "ok"))])

    assert sorted(m["headers"]["retries"] for m in requeued()) == [1, 1]
    assert rt.dead_letters.list() == []


def test_a_message_out_of_retries_is_dead_lettered_not_resent(batch):
    task, seen, rt, requeued = batch
    limit = rt.settings.task_max_retries
    task([_request(_payload("flaky", "transient"), retries=limit)])

    assert requeued() == []
    (letter,) = rt.dead_letters.list()
    assert letter.reason.startswith(f"gave up after {limit + 1} attempts")
