"""Replay dead letters: send the kept payload back to the stage that failed it.

A letter is removed only after its message was sent; if the stage fails again
it writes a fresh letter under the same id (see ``shared.dead_letters``).
Letters from ingest (e.g. a file over the size limit) have no stage to go back
to until the user changes the limit; replaying one re-ingests the original file.
"""

from __future__ import annotations

from pathlib import Path

from celery import Celery

from services.ingest.ingestor import Ingestor
from shared.models import DeadLetter
from shared.queues import send
from shared.runtime import Runtime


def replay(rt: Runtime, app: Celery, letters: list[DeadLetter]) -> int:
    sent = 0
    for letter in letters:
        if letter.stage == "ingest":
            if not _reingest(rt, app, letter):
                continue
        elif letter.payload is not None:
            if letter.stage == "parse" and letter.raw_id:
                rt.status.reset(letter.raw_id)
            send(app, letter.stage, letter.payload)
        else:
            continue
        rt.dead_letters.remove(letter.dead_letter_id)
        sent += 1
    return sent


def _reingest(rt: Runtime, app: Celery, letter: DeadLetter) -> bool:
    if not letter.raw_path or not Path(letter.raw_path).is_file():
        return False
    if letter.raw_id:
        # Forget the failed record so the same bytes are accepted again.
        rt.status.forget(letter.raw_id)
    return Ingestor(rt, app).ingest_file(Path(letter.raw_path)).outcome == "queued"
