"""A worker's log is JSON lines from its first line to its last, shutdown notices included.

The logs are documented as JSON lines (docs/DEVELOPING.md): a tool that reads them line by line must
never meet Celery's plain-text start-up banner or its "worker: Warm shutdown (MainProcess)".
"""

import json

import pytest

from newsflow.stack import LocalStack

pytestmark = pytest.mark.integration


def test_a_stopped_workers_log_is_json_lines_and_says_it_shut_down(redis_service, redis_client, isolated):
    settings, env = isolated
    stack = LocalStack(settings, child_env=env)
    stack.start_workers(["parser"])
    assert stack.managed("parser").stop()  # SIGTERM, as `newsflow down` and the test fixtures send it

    lines = [line for line in stack.managed("parser").log_file.read_text().splitlines() if line.strip()]
    assert lines, "the worker wrote nothing"
    not_json = [line for line in lines if not _is_json_object(line)]
    assert not not_json, f"plain-text lines in the worker log: {not_json}"
    entries = [json.loads(line) for line in lines]
    assert any("Warm shutdown" in entry["message"] for entry in entries), [e["message"] for e in entries]


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False
