"""A message that kills its pool process is a dead letter with the reason, not redelivered for ever.

The soft time limit is an exception inside the task; code stuck in a C extension never
sees it, and the pool kills the process at the hard limit. A crash in a C extension kills
it outright. Celery then puts the message back (failures are not acknowledged,
``shared.queues``), so the next process takes it and dies too. Here a real parser worker
(``shared.worker.run_worker`` on the stage runner of ``shared.stage``) runs a parse task
that stands in for such a parse: it blocks the soft limit's signal and sleeps, or kills its
own process. The file must end failed, once, with its raw bytes kept
(``shared/stage_kills.py``); a process lost once is still given the message again.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from newsflow.stack import LocalStack, StackError
from services.ingest.progress import wait_for
from shared.queues import queue_name, unacked_key
from shared.stage_kills import WORKER_LOSSES_BEFORE_DEAD_LETTER, hard_limit_reason, worker_lost_reason

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WORKTREE = Path(__file__).resolve().parents[2]

# The real worker start-up and stage runner; only the parse itself is replaced (BEHAVIOUR below).
STUCK_PARSER = """
import os, signal, sys, time
from pathlib import Path
from shared.errors import BadInputError
from shared.models import RawPageRef
from shared.queues import make_celery
from shared.runtime import Runtime
from shared.settings import Settings
from shared.stage import stage_task
from shared.worker import run_worker

settings = Settings()
rt = Runtime(settings)
app = make_celery(settings)

marker = Path(sys.argv[2])

@stage_task(app, lambda: rt, "parse", RawPageRef)
def parse(ref, ctx):
    if sys.argv[1] == "stuck":  # like a regular expression or parser stuck in C code: SIGUSR1 never arrives
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
        time.sleep(3600)
    if sys.argv[1] == "crash" or not marker.exists():  # "crash-once" dies on its first attempt only
        marker.touch()
        os.kill(os.getpid(), signal.SIGKILL)  # like a segfault in a C extension
    raise BadInputError("the second attempt ran")

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
def stuck_parser(request, redis_service, isolated, redis_client, tmp_path):
    import os

    settings, env = isolated
    stack = LocalStack(settings, child_env=env)
    parser = stack.managed("parser")
    argv = [sys.executable, "-c", STUCK_PARSER, request.param, str(tmp_path / "attempted")]
    if request.param != "stuck":  # a crash must be told from the time limit: keep the limit out of reach
        env = {**env, "NEWSFLOW_PARSE_TIME_LIMIT_S": "300"}
    parser.start(argv, env={**os.environ, **env}, cwd=WORKTREE)
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


def _ingest_and_wait(settings, tmp_path):
    from services.ingest.ingestor import Ingestor
    from shared.queues import make_celery
    from shared.runtime import Runtime

    rt = Runtime(settings)
    page = tmp_path / "stuck.html"
    page.write_text("<html><body><article><h1>Harbour fire</h1><p>" + "Firefighters worked all night. " * 20
                    + "</p></article></body></html>")  # fmt: skip
    raw_id = Ingestor(rt, make_celery(settings)).ingest_file(page).raw_id
    assert raw_id
    (status,) = wait_for(rt, [raw_id], timeout_s=90)
    assert status.state == "failed", (status.state, status.reason)
    (letter,) = [d for d in rt.dead_letters.list() if d.raw_id == raw_id]
    assert letter.stage == "parse" and letter.reason == status.reason
    assert letter.raw_path and Path(letter.raw_path).read_bytes() == page.read_bytes()  # replayable
    return rt, raw_id, letter


def _settled(settings, redis_client, rt, raw_id) -> None:
    """Acknowledged, not put back: a while later nothing waits or is held, and still one letter."""
    time.sleep(5)
    assert redis_client.llen(queue_name(settings, "parse")) == 0
    assert redis_client.hlen(unacked_key(settings)) == 0
    assert len([d for d in rt.dead_letters.list() if d.raw_id == raw_id]) == 1


@pytest.mark.parametrize("stuck_parser", ["stuck"], indirect=True)
def test_a_parse_killed_at_the_hard_limit_is_dead_lettered_once_with_its_bytes_kept(
    stuck_parser, redis_client, tmp_path
):
    settings = stuck_parser
    rt, raw_id, letter = _ingest_and_wait(settings, tmp_path)
    assert letter.reason == hard_limit_reason("parse")
    _settled(settings, redis_client, rt, raw_id)
    log = (settings.log_dir / "parser.log").read_text()
    assert log.count("Hard time limit") == 1, log[-3000:]  # no second attempt


@pytest.mark.parametrize("stuck_parser", ["crash"], indirect=True)
def test_a_parse_that_keeps_killing_its_process_is_dead_lettered_after_three(stuck_parser, redis_client, tmp_path):
    settings = stuck_parser
    rt, raw_id, letter = _ingest_and_wait(settings, tmp_path)
    assert letter.reason == worker_lost_reason(WORKER_LOSSES_BEFORE_DEAD_LETTER)
    _settled(settings, redis_client, rt, raw_id)


@pytest.mark.parametrize("stuck_parser", ["crash-once"], indirect=True)
def test_a_process_lost_once_gets_its_message_again(stuck_parser, redis_client, tmp_path):
    settings = stuck_parser
    rt, raw_id, letter = _ingest_and_wait(settings, tmp_path)
    assert letter.reason == "the second attempt ran"  # requeued after the loss, not taken for poison
    _settled(settings, redis_client, rt, raw_id)
