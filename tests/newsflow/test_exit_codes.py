"""The exit-code contract (README, "Exit codes") and one sentence instead of a traceback (issue 22, items 5-7).

0: everything asked for was done; 1: something failed or was not found; 2: usage error.
Every command runs as a user runs it (``python -m newsflow.cli``) against the real Redis and
Elasticsearch, or against an unused port where a store must be down.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def env(isolated, redis_client, es):
    _, extra = isolated
    return {**os.environ, **extra}


def run(env, *args, code: int, **extra_env):
    out = subprocess.run([sys.executable, "-m", "newsflow.cli", *args], env={**env, **extra_env},
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == code, f"newsflow {' '.join(args)} -> {out.returncode}\n{out.stdout}\n{out.stderr}"
    return out


def one_line(out) -> str:
    """The failure is said in one line, with no traceback."""
    text = (out.stderr + out.stdout).strip()
    assert "Traceback" not in text, text
    assert len(text.splitlines()) == 1, text
    return text


def test_version_matches_the_package():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    out = subprocess.run([sys.executable, "-m", "newsflow.cli", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert (out.returncode, out.stdout.strip()) == (0, f"newsflow {version}")


@pytest.mark.parametrize("wait", [[], ["--wait", "--timeout", "5"]], ids=["no-wait", "wait"])
def test_ingest_of_a_missing_path_exits_1(env, tmp_path, wait):
    out = run(env, "ingest", str(tmp_path / "missing.html"), *wait, code=1)
    assert "No such file" in out.stdout


def test_empty_files_fail_at_ingest_each_on_its_own(env, tmp_path):
    for name in ("a.html", "b.html", "c.txt"):
        (tmp_path / name).write_bytes(b"")
    out = run(env, "ingest", str(tmp_path), code=1)
    assert out.stdout.count("The file is empty") == 3 and "duplicate" not in out.stdout
    letters = json.loads(run(env, "dlq", "list", "--json", code=0).stdout)
    assert sorted(d["filename"] for d in letters) == ["a.html", "b.html", "c.txt"]
    assert {d["reason"] for d in letters} == {"The file is empty."}
    status = json.loads(run(env, "status", "--json", code=0).stdout)
    assert status["files"] == {"failed": 3}


def test_the_size_limit_message_has_units_that_tell_the_numbers_apart(env, tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(b"x" * 150)
    out = run(env, "ingest", str(page), code=1, NEWSFLOW_MAX_RAW_BYTES="100")
    assert "file is 150 bytes, over the limit of 100 bytes" in out.stdout


def test_dead_letter_ids_unknown_missing_and_short(env, tmp_path):
    assert "no dead letter" in one_line(run(env, "dlq", "replay", "0123456789ab", code=1))
    assert "no dead letter" in one_line(run(env, "dlq", "show", "0123456789ab", code=1))
    run(env, "dlq", "replay", code=2)
    (tmp_path / "empty.html").write_bytes(b"")
    run(env, "ingest", str(tmp_path / "empty.html"), code=1)
    (letter,) = json.loads(run(env, "dlq", "list", "--json", code=0).stdout)
    shown = json.loads(run(env, "dlq", "show", letter["dead_letter_id"][:12], code=0).stdout)
    assert shown["reason"] == "The file is empty."
    # Still empty: replayed, and failed again at once with a fresh letter (not lost).
    replayed = run(env, "dlq", "replay", letter["dead_letter_id"][:12], code=0)
    assert "replayed 1 of 1" in replayed.stdout
    assert [d["reason"] for d in json.loads(run(env, "dlq", "list", "--json", code=0).stdout)] == ["The file is empty."]


def test_reprocess_takes_short_ids_refuses_unknown_ones_and_asks_for_all(env, tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(b"<html><body><article><p>" + b"The council met on Monday. " * 20 + b"</p></article></body></html>")
    queued = run(env, "ingest", str(page), code=0)
    assert "queued" in queued.stdout
    (status,) = json.loads(run(env, "status", "--json", "--files", code=0).stdout)["file_list"]
    short = status["raw_id"][:12]  # as verify prints it
    assert "re-sent 1 of 1" in run(env, "reprocess", short, code=0).stdout
    assert "no file has the raw id" in one_line(run(env, "reprocess", "abcdef012345", code=1))
    out = run(env, "reprocess", code=2)
    assert "--all" in out.stderr
    assert "re-sent 1 of 1" in run(env, "reprocess", "--all", code=0).stdout


def test_reindex_with_only_the_current_mapping_version_has_nothing_to_do(env):
    assert "nothing to do" in run(env, "reindex", code=0).stdout


def test_redis_down_is_one_sentence_and_debug_shows_the_traceback(env, tmp_path):
    down = {"NEWSFLOW_REDIS_URL": f"redis://127.0.0.1:{_free_port()}/0"}
    for args in (["status"], ["dlq", "list"], ["verify"]):
        assert "Cannot reach Redis" in one_line(run(env, *args, code=1, **down))
    (tmp_path / "page.html").write_bytes(b"<html><body><p>" + b"words " * 50 + b"</p></body></html>")
    assert "Cannot reach Redis" in one_line(run(env, "ingest", str(tmp_path / "page.html"), code=1, **down))
    debug = run(env, "--debug", "status", code=1, **down)
    assert "Traceback" in debug.stderr
    assert "Traceback" in run(env, "status", code=1, NEWSFLOW_DEBUG="1", **down).stderr


def test_elasticsearch_down_is_one_sentence(env):
    down = {"NEWSFLOW_ELASTICSEARCH_URL": f"http://127.0.0.1:{_free_port()}"}
    assert "Cannot reach Elasticsearch" in one_line(run(env, "search", "drones", code=1, **down))
    assert "Cannot reach Elasticsearch" in one_line(run(env, "verify", code=1, **down))


@pytest.mark.parametrize("size", ["-1", "20000"])
def test_a_search_size_out_of_range_is_a_usage_error_without_a_traceback(env, size):
    out = run(env, "search", "drones", "--size", size, code=2)
    assert "Traceback" not in out.stderr + out.stdout


def test_missing_dataset_and_missing_folder_are_one_line(env, tmp_path):
    out = run(env, "eval", "extraction", "--dataset", str(tmp_path / "MISSING"), code=1)
    assert "Traceback" not in out.stderr + out.stdout and "MISSING" in out.stderr + out.stdout
    out = run(env, "kibana", "export-objects", str(tmp_path / "missing" / "x.ndjson"), code=1)
    assert "cannot write" in one_line(out)


@pytest.mark.parametrize("command", [["status"], ["verify"], ["dlq", "list"]])
def test_json_options_say_what_they_print(command):
    out = subprocess.run([sys.executable, "-m", "newsflow.cli", *command, "--help"], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "COLUMNS": "200"})
    line = next(line for line in out.stdout.splitlines() if "--json" in line)
    assert re.search(r"--json\s+\S.*\w", line.replace("<bool>", "")), line
