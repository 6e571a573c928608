"""Test harness: real Redis, a real Elasticsearch node, real worker processes.

The session starts whatever service a test needs and is not already running
(the same code as ``newsflow up``) and stops, at the end, only what it started.
Each test gets its own key prefix / index alias, so tests never see each
other's data and a developer's running stack is left alone. In CI (``CI=true``)
a service that cannot be started fails the test; locally it skips.
"""

from __future__ import annotations

import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsflow.stack import LocalStack, StackError, isolated_pipeline
from shared.settings import Settings

IN_CI = os.environ.get("CI", "").lower() == "true"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _unavailable(message: str):
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def base_settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def local_stack(base_settings):
    stack = LocalStack(base_settings)
    yield stack
    # Stop only what this session started (pid files written by this run's start_* calls).
    for name in ("elasticsearch", "redis"):
        if name in _started:
            stack.managed(name).stop()


_started: set[str] = set()


def _ensure(name: str, healthy, start) -> None:
    """Use the running service, or start it (and remember to stop it at the end of the session)."""
    if healthy():
        return
    try:
        start()
        _started.add(name)
    except StackError as exc:
        _unavailable(f"{name} is needed and could not be started: {exc}")


@pytest.fixture(scope="session")
def redis_service(local_stack) -> str:
    _ensure("redis", local_stack.redis_ok, local_stack.start_redis)
    return local_stack.settings.redis_url


@pytest.fixture(scope="session")
def es_service(local_stack) -> str:
    _ensure("elasticsearch", local_stack.elasticsearch_ok, local_stack.start_elasticsearch)
    return local_stack.settings.elasticsearch_url


@pytest.fixture
def unique_prefix() -> str:
    return "t" + uuid.uuid4().hex[:12]


@pytest.fixture
def redis_url(redis_service) -> str:
    return redis_service


@pytest.fixture
def redis_client(redis_url, unique_prefix):
    import redis

    client = redis.Redis.from_url(redis_url)
    yield client
    keys = [
        *client.scan_iter(match=f"{unique_prefix}*", count=1000),
        *client.scan_iter(match=f"_kombu.binding.{unique_prefix}*", count=1000),  # Celery's queue bindings
    ]
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def es(es_service, unique_prefix):
    from elasticsearch import Elasticsearch

    client = Elasticsearch(es_service, request_timeout=30)
    yield client
    from services.indexer.es import delete_by_prefix

    delete_by_prefix(client, unique_prefix)
    client.close()


@dataclass
class Pipeline:
    settings: Settings
    env: dict[str, str]

    @property
    def runtime(self):
        from shared.runtime import Runtime

        return Runtime(self.settings)

    def ingestor(self):
        from services.ingest.ingestor import Ingestor
        from shared.queues import make_celery

        return Ingestor(self.runtime, make_celery(self.settings))

    def cli(self, *args: str, check: bool = True):
        """Run the real ``newsflow`` command against this test's pipeline."""
        import subprocess

        result = subprocess.run([sys.executable, "-m", "newsflow.cli", *args], env=self.env,
                                capture_output=True, text=True, timeout=300)
        if check and result.returncode != 0:
            raise AssertionError(f"newsflow {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result


@pytest.fixture
def isolated(unique_prefix, tmp_path, base_settings) -> tuple[Settings, dict[str, str]]:
    """Settings (and the matching NEWSFLOW_* environment) for a pipeline of this test's own."""
    return isolated_pipeline(base_settings, unique_prefix, tmp_path / "runtime", NEWSFLOW_RETRY_BACKOFF_S="0.2")


@pytest.fixture
def pipeline(redis_service, es_service, isolated, es, redis_client):
    """Three real worker processes (parser, enricher, indexer) on this test's own queues and index."""
    settings, env = isolated
    stack = LocalStack(settings, child_env=env)
    try:
        stack.start_workers()
    except StackError as exc:
        pytest.fail(f"workers did not start: {exc}", pytrace=False)
    yield Pipeline(settings, {**os.environ, **env})
    for name in ("parser", "enricher", "indexer"):
        stack.managed(name).stop()
