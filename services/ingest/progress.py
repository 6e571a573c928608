"""Wait for ingested files to reach a final state (``newsflow ingest --wait``, tests, the bench)."""

from __future__ import annotations

import time
from collections.abc import Callable

from shared.runtime import Runtime
from shared.status import TERMINAL_STATES, FileStatus


def wait_for(
    runtime: Runtime,
    raw_ids: list[str],
    timeout_s: float,
    on_progress: Callable[[list[FileStatus]], None] | None = None,
) -> list[FileStatus]:
    """Poll until every file reached a final state (or time is up); returns the last statuses."""
    deadline = time.monotonic() + timeout_s
    while True:
        states = runtime.status.states(raw_ids)
        finished = all(state in TERMINAL_STATES for state in states)
        if on_progress or finished or time.monotonic() > deadline:
            statuses = [s for s in (runtime.status.get(rid) for rid in raw_ids) if s is not None]
            if on_progress:
                on_progress(statuses)
            if finished or time.monotonic() > deadline:
                return statuses
        time.sleep(0.1 if len(raw_ids) < 50 else 0.5)
