"""`newsflow dlq list / show / replay` through the real CLI, against the real Redis."""

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def run(env, *args, code=0):
    out = subprocess.run([sys.executable, "-m", "newsflow.cli", *args], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == code, out.stdout + out.stderr
    return out.stdout


def test_an_oversized_file_is_dead_lettered_inspectable_and_replayable(isolated, redis_client, tmp_path):
    import os

    _, env = isolated
    env = {**os.environ, **env, "NEWSFLOW_MAX_RAW_BYTES": "100"}
    page = tmp_path / "big.html"
    page.write_bytes(b"<html><body>" + b"<p>words</p>" * 50 + b"</body></html>")
    assert "over the limit" in run(env, "ingest", str(page), code=1)

    (letter,) = json.loads(run(env, "dlq", "list", "--json"))
    assert letter["stage"] == "ingest" and letter["filename"] == "big.html"
    assert "NEWSFLOW_MAX_RAW_BYTES" in letter["reason"]
    shown = json.loads(run(env, "dlq", "show", letter["dead_letter_id"][:8]))  # a short id is enough
    assert shown["raw_path"] == str(page.resolve())

    status = json.loads(run(env, "status", "--json"))
    assert status["files"] == {"failed": 1} and status["dead_letters"] == 1

    env["NEWSFLOW_MAX_RAW_BYTES"] = "1000000"
    assert "replayed 1 of 1" in run(env, "dlq", "replay", "--all")
    assert json.loads(run(env, "dlq", "list", "--json")) == []
    status = json.loads(run(env, "status", "--json", "--files"))
    assert status["files"] == {"received": 1} and status["queues"]["parse"] == 1
    assert status["file_list"][0]["reason"] is None, "the old failure reason is gone after a replay"
