"""Generated requests against the OpenAPI spec (schemathesis): no 5xx, every answer matches the schema.

The app runs on the real Redis and Elasticsearch with a prefix and raw store of its own (removed
at the end), so generated POSTs really land in a raw store and a queue. A few dozen examples per
operation keep it quick; hypothesis varies them between runs.

schemathesis is driven through its hypothesis strategies rather than its pytest plugin: the
plugin's lazy fixture mode touches pytest internals that pytest 9 no longer has.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.integration

TOKEN = "test-token-" + "x" * 20
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(client):
    return schemathesis.openapi.from_asgi("/openapi.json", client.app, headers=AUTH)


def _operations(api_schema):
    return [result.ok() for result in api_schema.get_all_operations()]


def test_every_route_is_in_the_spec(api_schema):
    labels = {op.label for op in _operations(api_schema)}
    assert {"POST /v1/pages", "GET /v1/pages/{raw_id}", "GET /v1/search", "GET /v1/articles/{article_id}",
            "GET /v1/export", "GET /healthz", "GET /readyz", "GET /metrics"} <= labels


@pytest.mark.parametrize("label", [
    "POST /v1/pages", "GET /v1/pages/{raw_id}", "GET /v1/search", "GET /v1/articles/{article_id}",
    "GET /v1/export", "GET /healthz", "GET /readyz", "GET /metrics",
])  # fmt: skip
def test_generated_requests_get_documented_answers(api_schema, label):
    [operation] = [op for op in _operations(api_schema) if op.label == label]

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=st.data())
    def run(data):
        case = data.draw(operation.as_strategy())
        case.call_and_validate(headers=AUTH, checks=CHECKS)

    run()
