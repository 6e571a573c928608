"""A parse killed at its hard time limit is a dead letter with the reason, not a message redelivered for ever.

The soft time limit is an exception inside the task; code stuck in a C extension never
sees it, and 30 s later the pool kills the process. Celery then puts the message back
(failures are not acknowledged, ``shared.queues``), so the next process takes it and is
killed too. Here a real parser worker (``shared.worker.run_worker`` on the stage runner of
``shared.stage``) runs a parse task that blocks the soft limit's signal and sleeps, standing
in for such a parse; the file must end failed, once, with its raw bytes kept.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from newsflow.stack import LocalStack, StackError
from services.ingest.progress import wait_for
from shared.queues import queue_name, unacked_key
from shared.stage import hard_limit_reason

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WORKTREE = Path(__file__).resolve().parents[2]

# The real worker start-up and stage runner; only the parse itself is replaced by one that never
# lets the soft limit's SIGUSR1 through, like a regular expression or parser stuck in C code.
STUCK_PARSER = """
import signal, time
from shared.models import RawPageRef
from shared.queues import make_celery
from shared.runtime import Runtime
from shared.settings import Settings
from shared.stage import stage_task
from shared.worker import run_worker

settings = Settings()
rt = Runtime(settings)
app = make_celery(settings)

@stage_task(app, lambda: rt, "parse", RawPageRef)
def parse(ref, ctx):
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    time.sleep(3600)

run_worker(app, settings, "parser")
"""


@pytest.fixture
def isolated(unique_prefix, tmp_path, base_settings):
    from newsflow.stack import isolated_pipeline

    return isolated_pipeline(
        base_settings, unique_prefix, tmp_path / "runtime",
        NEWSFLOW_PARSE_TIME_LIMIT_S="1", NEWSFLOW_HARD_TIME_LIMIT_GRACE_S="2",
        NEWSFLOW_PARSER_CONCURRENCY="1", NEWSFLOW_PARSER_SCHEDULING="normal",
    )  # fmt: skip


@pytest.fixture
def stuck_parser(redis_service, isolated, redis_client):
    import os

    settings, env = isolated
    stack = LocalStack(settings, child_env=env)
    parser = stack.managed("parser")
    parser.start([sys.executable, "-c", STUCK_PARSER], env={**os.environ, **env}, cwd=WORKTREE)
    deadline = time.monotonic() + 120
    while not stack.workers_ok(["parser"]):
        if not parser.running():
            pytest.fail(f"the parser worker exited:\n{(settings.log_dir / 'parser.log').read_text()[-3000:]}")
        if time.monotonic() > deadline:
            parser.stop()
            raise StackError("the parser worker did not answer")
        time.sleep(0.5)
    yield settings
    parser.stop()


def test_a_parse_killed_at_the_hard_limit_is_dead_lettered_once_with_its_bytes_kept(
    stuck_parser, redis_client, tmp_path
):
    from services.ingest.ingestor import Ingestor
    from shared.queues import make_celery
    from shared.runtime import Runtime

    settings = stuck_parser
    rt = Runtime(settings)
    page = tmp_path / "stuck.html"
    page.write_text("<html><body><article><h1>Harbour fire</h1><p>" + "Firefighters worked all night. " * 20
                    + "</p></article></body></html>")  # fmt: skip
    raw_id = Ingestor(rt, make_celery(settings)).ingest_file(page).raw_id
    assert raw_id

    (status,) = wait_for(rt, [raw_id], timeout_s=90)
    assert status.state == "failed", (status.state, status.reason)
    assert status.reason == hard_limit_reason("parse")

    (letter,) = [d for d in rt.dead_letters.list() if d.raw_id == raw_id]
    assert letter.stage == "parse" and letter.reason == hard_limit_reason("parse")
    assert letter.raw_path and Path(letter.raw_path).read_bytes() == page.read_bytes()  # replayable

    # Acknowledged, not put back: a while later nothing waits or is held, and no second attempt ran.
    time.sleep(5)
    assert redis_client.llen(queue_name(settings, "parse")) == 0
    assert redis_client.hlen(unacked_key(settings)) == 0
    log = (settings.log_dir / "parser.log").read_text()
    assert log.count("Hard time limit") == 1, log[-3000:]
    assert len([d for d in rt.dead_letters.list() if d.raw_id == raw_id]) == 1
