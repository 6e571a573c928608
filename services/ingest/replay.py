"""Replay dead letters: send the kept payload back to the stage that failed it.

Safe against its own outcome and against running twice at once: a letter is
*claimed* (taken out of the store atomically, only if it is still the record
that was read) before its message is sent. So when the stage fails the message
again and writes a fresh letter under the same id, that new letter stays; and of
two replays started together only one sends each letter. If sending fails, the
letter is put back. Before sending, the file's status says the work is in flight
again (a reparse starts its accounting afresh; a failed article is no longer
counted failed), so ``verify`` never sees a failure without its letter.

Letters from ingest (a file over the size limit, an empty file) have no stage to
go back to; replaying one ingests the original file again, if it is still there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from celery import Celery

from services.ingest.ingestor import Ingestor
from shared.models import DeadLetter
from shared.queues import send
from shared.runtime import Runtime


@dataclass
class ReplayReport:
    sent: int = 0
    not_sent: list[str] = field(default_factory=list)  # one sentence per letter that was not replayed


def replay(rt: Runtime, app: Celery, letters: list[DeadLetter]) -> int:
    """Replay ``letters``; how many were sent (``replay_letters`` says why the others were not)."""
    return replay_letters(rt, app, letters).sent


def replay_letters(rt: Runtime, app: Celery, letters: list[DeadLetter]) -> ReplayReport:
    report = ReplayReport()
    for letter in letters:
        why_not = _unreplayable(letter)
        if why_not:
            report.not_sent.append(f"{letter.dead_letter_id}: {why_not}")
            continue
        if not rt.dead_letters.claim(letter):
            report.not_sent.append(
                f"{letter.dead_letter_id}: replayed by another run meanwhile, or failed again since it was read"
            )
            continue
        try:
            _send(rt, app, letter)
        except Exception:
            rt.dead_letters.add(letter)  # nothing sent: the letter stays where the user found it
            raise
        report.sent += 1
    return report


def _unreplayable(letter: DeadLetter) -> str | None:
    if letter.stage == "ingest":
        if not letter.raw_path or not Path(letter.raw_path).is_file():
            return f"the original file {letter.raw_path or '(unknown)'} is no longer there"
        return None
    if letter.payload is None:
        return "it kept no message to send again"
    return None


def _send(rt: Runtime, app: Celery, letter: DeadLetter) -> None:
    if letter.stage == "ingest":
        if letter.raw_id:
            rt.status.forget(letter.raw_id)  # so the same bytes are accepted again
        Ingestor(rt, app).ingest_file(Path(letter.raw_path))
        return
    if letter.raw_id and letter.stage == "parse":
        rt.status.reset(letter.raw_id)
    elif letter.raw_id and letter.article_id:
        rt.status.retry_article(letter.raw_id, letter.article_id)
    send(app, letter.stage, letter.payload)
