"""The sweeper redrives files whose messages were lost, and never while work is still queued."""

import pytest

from services.ingest.ingestor import Ingestor
from services.ingest.redrive import redrive_once
from shared.queues import make_celery, queue_name

pytestmark = pytest.mark.integration


@pytest.fixture
def rt(isolated, redis_client):
    from shared.runtime import Runtime

    settings, _ = isolated
    return Runtime(settings)


def _lost_file(rt):
    app = make_celery(rt.settings)
    result = Ingestor(rt, app).ingest_bytes(b"<html><body><p>page</p></body></html>", "lost.html")
    rt.redis.delete(queue_name(rt.settings, "parse"))  # the parse message is lost
    rt.status.set_parsed(result.raw_id, ["a1", "a2"])
    rt.status.mark_article(result.raw_id, "a1", "indexed")
    return app, result.raw_id


def test_stalled_file_in_an_idle_pipeline_is_sent_again_keeping_its_progress(rt):
    app, raw_id = _lost_file(rt)
    assert redrive_once(rt, app, stalled_after_s=0) == [raw_id]
    assert rt.redis.llen(queue_name(rt.settings, "parse")) == 1
    assert rt.status.counts(raw_id)["indexed"] == 1, "articles already indexed stay counted"


def test_nothing_is_redriven_while_any_stage_still_has_work(rt):
    app, raw_id = _lost_file(rt)
    rt.redis.lpush(queue_name(rt.settings, "enrich"), b"{}")
    assert redrive_once(rt, app, stalled_after_s=0) == []


def test_a_file_that_progressed_recently_is_left_alone(rt):
    app, raw_id = _lost_file(rt)
    assert redrive_once(rt, app, stalled_after_s=3600) == []
