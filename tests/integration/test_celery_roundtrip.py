"""A Celery task crosses Redis between two processes: this test sends, a real parser worker consumes."""

import time

import pytest

from newsflow.stack import LocalStack
from shared.queues import queue_name

pytestmark = pytest.mark.integration

PAGE = b"""<html><head><title>Harbour reopens</title></head><body><article><h1>Harbour reopens</h1>
<p>The harbour of Valletta reopened on Tuesday after a week of storms, the port authority said.</p>
<p>Ferries to Gozo resumed their normal timetable in the afternoon, and cargo ships queued outside.</p>
<p>Officials said repairs to the breakwater would take another month and cost several million euros.</p>
</article></body></html>"""


def test_parse_message_travels_to_a_worker_process_and_its_result_to_the_next_queue(
    redis_service, redis_client, isolated
):
    settings, env = isolated
    stack = LocalStack(settings, child_env=env)
    stack.start_workers(["parser"])
    try:
        from services.ingest.ingestor import Ingestor
        from shared.queues import make_celery
        from shared.runtime import Runtime

        rt = Runtime(settings)
        result = Ingestor(rt, make_celery(settings)).ingest_bytes(PAGE, "harbour.html")
        enrich_queue = queue_name(settings, "enrich")
        deadline = time.monotonic() + 60
        # The parser records what to expect before it sends: wait for the message, not only the state.
        while time.monotonic() < deadline and not (
            rt.status.get(result.raw_id).state == "parsed" and redis_client.llen(enrich_queue)
        ):
            time.sleep(0.1)
        assert rt.status.get(result.raw_id).state == "parsed"
        assert rt.status.counts(result.raw_id)["expected"] == 1
        assert redis_client.llen(enrich_queue) == 1, "one article message waits for the enricher"
        assert redis_client.llen(queue_name(settings, "parse")) == 0
    finally:
        stack.managed("parser").stop()
