"""How far behind the parser is, for the 429 of ``POST /v1/pages``, read from Redis only when it matters.

Asking Redis for the parse queue's depth on every page costs a round trip and a
hop to a worker thread before the body can be read: about a tenth of the time
of a small page. Far below the high-water mark nobody needs a depth that
fresh, so a depth read *under* the mark is trusted for ``max_age_s``. Within
that window the queue can grow by at most the pages accepted meanwhile (at
200 pages/s and 0.25 s, 50 pages past a mark of 10,000): back-pressure stays
a soft limit, as it is anyway between two concurrent requests. A depth read
*over* the mark (a 429) is never trusted: every request re-reads it, so the
first one after the parser catches up is accepted.

    >>> now = [0.0]
    >>> depths = iter([5, 50, 2])
    >>> backlog = ParseBacklog(lambda: next(depths), high_water=10, max_age_s=1.0, clock=lambda: now[0])
    >>> backlog.cached() is None  # nothing read yet
    True
    >>> backlog.read(), backlog.cached()  # under the mark: trusted for a second
    (5, 5)
    >>> now[0] = 1.5
    >>> backlog.cached() is None, backlog.read(), backlog.cached()  # stale; over the mark: not kept
    (True, 50, None)
    >>> backlog.read(), backlog.cached()
    (2, 2)
"""

from __future__ import annotations

import time
from collections.abc import Callable

DEFAULT_MAX_AGE_S = 0.25


class ParseBacklog:
    def __init__(
        self,
        read_depth: Callable[[], int],
        high_water: int,
        max_age_s: float = DEFAULT_MAX_AGE_S,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._read_depth = read_depth
        self.high_water = high_water
        self.max_age_s = max_age_s
        self._clock = clock
        self._depth: int | None = None
        self._read_at = 0.0

    def cached(self) -> int | None:
        """The last depth read, if it was under the mark and is recent enough; else None (call ``read``)."""
        if self._depth is None or self._clock() - self._read_at > self.max_age_s:
            return None
        return self._depth

    def read(self) -> int:
        """The depth now (blocking: a Redis round trip); kept only when it is under the mark."""
        depth = int(self._read_depth())
        if depth <= self.high_water:
            self._depth, self._read_at = depth, self._clock()
        else:
            self._depth = None
        return depth
