"""Ingesting bytes (the way the HTTP API and the CLI hand pages in): one stored copy, one parse message."""

import base64

import orjson
import pytest

from services.ingest.ingestor import Ingestor
from shared.models import RawPageRef, utc_now
from shared.queues import make_celery, queue_name

pytestmark = pytest.mark.integration

PAGE = b"<html><body><h1>Harbour fire</h1><p>The fire was put out by noon.</p></body></html>"


@pytest.fixture
def ingestor(isolated, redis_client):
    from shared.runtime import Runtime

    settings, _ = isolated
    rt = Runtime(settings)
    return Ingestor(rt, make_celery(settings))


def _parse_messages(rt) -> list[RawPageRef]:
    """The claim checks waiting on the parse queue, read the way Celery's Redis transport stores them."""
    refs = []
    for message in rt.redis.lrange(queue_name(rt.settings, "parse"), 0, -1):
        args, _kwargs, _embed = orjson.loads(base64.b64decode(orjson.loads(message)["body"]))
        refs.append(RawPageRef.model_validate(args[0]))
    return refs


def test_bytes_are_stored_once_and_queued_with_their_name_and_crawl_time(ingestor):
    fetched = utc_now()
    result = ingestor.ingest_bytes(PAGE, url="https://example.org/news/harbour-fire.html", fetched_at=fetched)

    assert (result.outcome, result.duplicate) == ("queued", False)
    assert ingestor.rt.raw_store.get(result.raw_id) == PAGE
    (ref,) = _parse_messages(ingestor.rt)
    assert (ref.raw_id, ref.filename, ref.fetched_at) == (result.raw_id, "harbour-fire.html", fetched)


def test_the_same_bytes_again_are_a_duplicate_and_send_nothing(ingestor):
    first = ingestor.ingest_bytes(PAGE, "harbour.html")
    again = ingestor.ingest_bytes(PAGE, "copy-of-harbour.html")

    assert (again.raw_id, again.duplicate) == (first.raw_id, True)
    assert "harbour.html" in again.message
    assert len(_parse_messages(ingestor.rt)) == 1
