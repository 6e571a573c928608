"""A worker reserves what its stage can use at once: one message, or two batches for a batched stage."""

import pytest

from shared.queues import make_celery
from shared.runtime import Runtime
from shared.settings import Settings
from shared.worker import prefetch_multiplier

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "service,stage,expected",
    [("parser", "parse", 1), ("enricher", "enrich", 2 * 3), ("indexer", "index", 2 * 50)],
)
def test_prefetch_covers_two_batches_of_a_batched_stage_and_one_message_otherwise(service, stage, expected):
    import importlib

    settings = Settings(enrich_batch_size=3, bulk_max_docs=50)
    rt = Runtime(settings)
    app = make_celery(settings)
    importlib.import_module(f"services.{service}.tasks").register(app, lambda: rt)
    assert prefetch_multiplier(app, stage) == expected
