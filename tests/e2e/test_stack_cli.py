"""`newsflow up` twice, then `down`: no stray processes, and a second `up` after `down` works."""

import subprocess
import sys

import psutil
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PARTS = ("parser", "enricher", "indexer", "watcher", "sweeper")


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
    assert "stopped: watcher, sweeper, parser, enricher, indexer" in newsflow(env, "down")
    assert processes_of(settings.runtime_dir) == []
    assert redis_client.ping()
    newsflow(env, "up")
    assert len(processes_of(settings.runtime_dir)) >= len(PARTS)
    newsflow(env, "down")
    assert processes_of(settings.runtime_dir) == []


def test_workers_and_their_pool_processes_run_under_batch_scheduling(pipeline):
    """CPU-bound workers outnumbering the cores lose ~10% to time-slicing under the default policy."""
    import os

    from newsflow.stack import LocalStack

    stack = LocalStack(pipeline.settings)
    for name in ("parser", "enricher", "indexer"):
        root = stack.managed(name).process()
        assert root is not None
        for proc in [root, *root.children(recursive=True)]:
            assert os.sched_getscheduler(proc.pid) == os.SCHED_BATCH, f"{name} process {proc.pid}"
    assert os.sched_getscheduler(0) != os.SCHED_BATCH  # the policy is the workers' own, not inherited
