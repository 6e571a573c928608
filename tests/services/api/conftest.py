"""An API app of the test's own: its own key prefix, index alias, raw store and token."""

from __future__ import annotations

import warnings

import pytest
from pydantic import SecretStr

TOKEN = "test-token-" + "x" * 20
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def api_settings(isolated, redis_client, es):
    """Settings of an isolated pipeline (cleaned up after the test) plus an API token."""
    settings, _env = isolated
    return settings.model_copy(update={"api_tokens": SecretStr(TOKEN)})


@pytest.fixture
def make_client():
    """``make_client(settings)``: a TestClient on ``create_app(settings)`` (closed after the test)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note that it prefers httpx2
        from fastapi.testclient import TestClient
    from services.api.app import create_app

    opened = []

    def make(settings):
        client = TestClient(create_app(settings))
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client, api_settings):
    return make_client(api_settings)
