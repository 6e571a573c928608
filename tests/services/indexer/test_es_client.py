from __future__ import annotations

import base64

import pytest

from services.indexer.es import make_client
from shared.settings import Settings

pytestmark = pytest.mark.unit


def test_client_uses_basic_auth_only_when_a_username_is_configured():
    secured = make_client(Settings(elasticsearch_username="elastic", elasticsearch_password="s3cret"))
    anonymous = make_client(Settings())

    expected = "Basic " + base64.b64encode(b"elastic:s3cret").decode()
    assert secured._headers["authorization"] == expected
    assert "authorization" not in anonymous._headers


def test_client_targets_the_configured_url():
    client = make_client(Settings(elasticsearch_url="http://127.0.0.1:9299"))
    [node] = client.transport.node_pool.all()
    assert (node.config.host, node.config.port) == ("127.0.0.1", 9299)
