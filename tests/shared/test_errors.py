"""Which failures retry and which go straight to the dead-letter store."""

import elastic_transport
import elasticsearch
import kombu.exceptions
import pytest
import redis

from shared.errors import BadInputError, InvalidMessageError, LimitExceededError, TransientError, is_transient

pytestmark = pytest.mark.unit


def _api_error(status: int) -> elasticsearch.ApiError:
    meta = elastic_transport.ApiResponseMeta(
        status=status, http_version="1.1", headers=elastic_transport.HttpHeaders(), duration=0.0,
        node=elastic_transport.NodeConfig("http", "127.0.0.1", 9200),
    )
    return elasticsearch.ApiError("error", meta=meta, body={})


@pytest.mark.parametrize("exc", [
    TransientError("later"), ConnectionRefusedError(), TimeoutError(), redis.ConnectionError(),
    kombu.exceptions.OperationalError("broker down"), _api_error(429), _api_error(503),
    elastic_transport.ConnectionError("refused"),
])
def test_faults_the_world_can_heal_are_retried(exc):
    assert is_transient(exc)


@pytest.mark.parametrize("exc", [
    BadInputError("empty file"), LimitExceededError("too big"), InvalidMessageError("bad schema"),
    _api_error(400), ValueError("bug"), KeyError("bug"),
])
def test_bad_input_and_bugs_are_not_retried(exc):
    assert not is_transient(exc)
