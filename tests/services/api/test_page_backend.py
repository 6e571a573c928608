"""The page's backend on the real Elasticsearch and Redis, before anything is indexed."""

from __future__ import annotations

import pytest

from services.api.page.backend import CoreBackend
from services.api.page.state import SearchState

pytestmark = pytest.mark.integration


def test_a_stack_with_nothing_indexed_yet_says_so(isolated, es, redis_client):
    settings, _env = isolated
    backend = CoreBackend(settings, lambda: ["t"])
    answer = backend.search(SearchState(q="Kim"), size=20, offset=0)
    assert answer["total"] == 0 and "Nothing has been indexed yet" in answer["notice"]
    pipeline = backend.pipeline(verify=False)
    assert pipeline["files_by_state"] == {} and pipeline["dead_letters"] == []
    assert pipeline["queue_depths"] == {"parse": 0, "enrich": 0, "index": 0}
