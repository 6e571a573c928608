"""`dlq replay` is safe against its own outcome and against running twice at once (issue 22, item 1).

A random-bytes ``.html`` fails at parse every time. Replaying its letter sends it
again; the worker dead-letters it again under the same id, and that new letter must
still be there afterwards, with ``verify`` clean. Two replays holding the same letter
send it once.
"""

from __future__ import annotations

import json
import os

import pytest

from services.ingest.progress import wait_for
from services.ingest.replay import replay_letters
from shared.queues import make_celery

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _failed_again(pipeline, raw_id, before):
    """Wait until the file failed again after a replay (its letter newer than ``before``)."""
    import time

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        letters = [d for d in pipeline.runtime.dead_letters.list() if d.raw_id == raw_id]
        (status,) = wait_for(pipeline.runtime, [raw_id], timeout_s=5)
        if letters and letters[0].failed_at > before and status.state == "failed":
            return letters[0]
        time.sleep(0.2)
    raise AssertionError("the replayed file did not fail again")


def test_a_letter_that_fails_again_after_replay_stays_and_verify_is_clean(pipeline, tmp_path):
    junk = tmp_path / "random.html"
    junk.write_bytes(os.urandom(3000))
    waited = pipeline.cli("ingest", str(junk), "--wait", check=False)
    assert waited.returncode == 1, waited.stdout + waited.stderr  # a file failed: exit 1 (README, "Exit codes")
    (letter,) = pipeline.runtime.dead_letters.list()
    raw_id = letter.raw_id

    for _ in range(3):  # the issue saw the loss in 2 of 3 replays
        replayed = pipeline.cli("dlq", "replay", letter.dead_letter_id[:12])
        assert "replayed 1 of 1" in replayed.stdout
        letter = _failed_again(pipeline, raw_id, letter.failed_at)
        listed = json.loads(pipeline.cli("dlq", "list", "--json").stdout)
        assert [d["dead_letter_id"] for d in listed] == [letter.dead_letter_id]
        verified = json.loads(pipeline.cli("verify", "--json").stdout)
        assert (verified["failed"], verified["unaccounted"], verified["in_flight"]) == (1, 0, 0), verified


def test_two_replays_of_the_same_letter_send_it_once(pipeline, tmp_path):
    junk = tmp_path / "random.html"
    junk.write_bytes(os.urandom(3000))
    raw_id = pipeline.ingestor().ingest_file(junk).raw_id
    wait_for(pipeline.runtime, [raw_id], timeout_s=120)
    letters = pipeline.runtime.dead_letters.list()  # both replays read the same letter
    app = make_celery(pipeline.settings)
    first = replay_letters(pipeline.runtime, app, letters)
    second = replay_letters(pipeline.runtime, app, letters)
    assert (first.sent, second.sent) == (1, 0)
    assert "replayed by another run" in second.not_sent[0]
    again = _failed_again(pipeline, raw_id, letters[0].failed_at)
    assert again.attempts >= 1
    verified = json.loads(pipeline.cli("verify", "--json").stdout)
    assert (verified["unaccounted"], verified["in_flight"]) == (0, 0), verified
