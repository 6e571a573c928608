"""`newsflow up` twice, then `down`: no stray processes, and a second `up` after `down` works."""

import subprocess
import sys

import psutil
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PARTS = ("parser", "enricher", "indexer", "watcher", "sweeper", "api")


def newsflow(env, *args):
    out = subprocess.run([sys.executable, "-m", "newsflow.cli", *args], env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def processes_of(runtime_dir) -> list[psutil.Process]:
    """Every process whose command line or environment points at this test's runtime folder."""
    found = []
    for proc in psutil.process_iter(["pid"]):
        try:
            if proc.pid == psutil.Process().pid:
                continue
            if proc.environ().get("NEWSFLOW_RUNTIME_DIR") == str(runtime_dir):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def test_up_is_idempotent_and_down_leaves_nothing_behind(isolated, redis_service, es_service, redis_client, es):
    import os

    settings, env = isolated
    env = {**os.environ, **env}
    first = newsflow(env, "up")
    for part in PARTS:
        assert part in first
    pids = {part: settings.runtime_dir.joinpath("pids", f"{part}.pid").read_text().split()[0] for part in PARTS}
    newsflow(env, "up")  # again: harmless, nothing restarted
    assert pids == {part: settings.runtime_dir.joinpath("pids", f"{part}.pid").read_text().split()[0] for part in PARTS}
    # Redis and Elasticsearch were already running, so this `up` did not start them and `down` leaves them.
    token = settings.runtime_dir / "api-token"
    assert token.stat().st_mode & 0o777 == 0o600 and len(token.read_text().strip()) >= 32
    assert "stopped: api, watcher, sweeper, parser, enricher, indexer" in newsflow(env, "down")
    assert processes_of(settings.runtime_dir) == []
    assert redis_client.ping()
    newsflow(env, "up")
    assert len(processes_of(settings.runtime_dir)) >= len(PARTS)
    newsflow(env, "down")
    assert processes_of(settings.runtime_dir) == []


def test_the_parser_only_takes_cpu_the_enrichers_leave_and_the_others_run_under_batch_scheduling(pipeline):
    """Three CPU-bound workers on two cores: the parser yields (SCHED_IDLE, and the lowest weight
    for its session under autogroup), enricher and indexer take long slices (SCHED_BATCH)."""
    import os
    from pathlib import Path

    from newsflow.stack import LocalStack

    stack = LocalStack(pipeline.settings)
    expected = {"parser": os.SCHED_IDLE, "enricher": os.SCHED_BATCH, "indexer": os.SCHED_BATCH}
    for name, policy in expected.items():
        root = stack.managed(name).process()
        assert root is not None
        for proc in [root, *root.children(recursive=True)]:
            assert os.sched_getscheduler(proc.pid) == policy, f"{name} process {proc.pid}"
            autogroup = Path(f"/proc/{proc.pid}/autogroup")
            if autogroup.exists():  # kernels built with autogroup scheduling
                assert autogroup.read_text().split()[-1] == ("19" if name == "parser" else "0"), name
    assert os.sched_getscheduler(0) == os.SCHED_OTHER  # the policy is the workers' own, not inherited
