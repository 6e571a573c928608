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


PAGE = b"<html><body><h1>Harbour fire</h1><p>The fire was put out by noon.</p></body></html>"


def _redis_gone(rt):
    """This pipeline's settings with its Redis gone (nothing listens on that port)."""
    from newsflow.stack import free_port

    return rt.settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})


def test_an_ingest_whose_redis_is_down_keeps_neither_bytes_nor_record(rt):
    import redis

    from shared.runtime import Runtime

    gone = _redis_gone(rt)
    with pytest.raises(redis.ConnectionError):
        Ingestor(Runtime(gone), make_celery(gone)).ingest_bytes(PAGE, "fire.html")
    assert list(rt.raw_store.ids()) == [] and rt.status.raw_ids() == []


def test_stored_bytes_whose_record_redis_lost_are_recovered_and_parsed_not_left_behind(rt, monkeypatch):
    """Redis goes away after recording the file: the send fails, and so does taking the record back.
    A restart then loses the record too (its last second of writes): the bytes are all that is left."""
    import redis
    from kombu.exceptions import OperationalError

    from services.ingest.accounting import queue_depths, verify
    from services.ingest.redrive import recover_orphans, recovered_name

    def redis_gone(raw_id):
        raise redis.ConnectionError("Redis went away")

    monkeypatch.setattr(rt.status, "unregister", redis_gone)
    with pytest.raises(OperationalError):  # the send failed, and the ingest said so
        Ingestor(rt, make_celery(_redis_gone(rt))).ingest_bytes(PAGE, "fire.html")
    (raw_id,) = rt.raw_store.ids()
    rt.redis.zrem(f"{rt.settings.key_prefix}:files", raw_id)  # the record Redis lost on its restart
    rt.redis.delete(f"{rt.settings.key_prefix}:file:{raw_id}")

    assert verify(rt, rt.elasticsearch).unaccounted == 1  # an orphan: verify sees it
    app = make_celery(rt.settings)
    assert recover_orphans(rt, app, older_than_s=3600) == []  # too fresh: an ingest may be recording it
    assert recover_orphans(rt, app, older_than_s=0) == [raw_id]
    status = rt.status.get(raw_id)
    assert status.filename == recovered_name(raw_id) and status.state == "received"
    assert queue_depths(rt)["parse"] == 1
    after = verify(rt, rt.elasticsearch)
    assert after.unaccounted == 0 and after.in_flight == 1
    assert recover_orphans(rt, app, older_than_s=0) == []  # recorded now: once only
