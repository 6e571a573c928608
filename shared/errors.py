"""The two kinds of failure every stage distinguishes.

* ``PermanentError``: retrying cannot help (undecodable bytes, a schema-invalid
  message, a document the mapping rejects). The message goes straight to the
  dead-letter store with the reason, the raw reference and the traceback.
* ``TransientError``: the world may heal (connection refused, timeout, 429/5xx,
  bulk back-pressure). The task retries with capped, jittered exponential
  backoff, a bounded number of times, then dead-letters.

Services raise the most specific subclass; ``classify`` maps third-party
exceptions onto the two kinds so the task layer has one decision to make.
"""

from __future__ import annotations

import socket

# One sentence wherever an empty file is refused: a dead letter from the CLI or the drop folder,
# the 400 of POST /v1/pages (which stores nothing: its client reads the answer at once).
EMPTY_FILE_REASON = "The file is empty."


class NewsflowError(Exception):
    """Base class; ``reason`` is the one sentence a user will read."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PermanentError(NewsflowError):
    pass


class TransientError(NewsflowError):
    pass


class BadInputError(PermanentError):
    """The raw bytes cannot be turned into any article."""


class LimitExceededError(PermanentError):
    """A configured limit (size, article count, decompressed size) was hit."""


class InvalidMessageError(PermanentError):
    """A queue message does not match its schema."""


def is_transient(exc: BaseException) -> bool:
    """True when retrying later may succeed."""
    if isinstance(exc, TransientError):
        return True
    if isinstance(exc, PermanentError):
        return False
    if isinstance(exc, (ConnectionError, TimeoutError, socket.timeout)):
        return True
    # Optional imports: the classification must not force every service to load every client.
    try:
        import redis.exceptions as redis_exc

        if isinstance(exc, (redis_exc.ConnectionError, redis_exc.TimeoutError, redis_exc.BusyLoadingError)):
            return True
    except ImportError:  # pragma: no cover - redis is a core dependency
        pass
    try:
        import kombu.exceptions

        # Publishing to the broker failed (Redis down or restarting): the message may go later.
        if isinstance(exc, kombu.exceptions.OperationalError):
            return True
    except ImportError:  # pragma: no cover - kombu comes with celery
        pass
    try:
        import elastic_transport
        import elasticsearch

        if isinstance(exc, (elastic_transport.ConnectionError, elastic_transport.ConnectionTimeout)):
            return True
        if isinstance(exc, elasticsearch.ApiError):
            return exc.meta.status == 429 or exc.meta.status >= 500
    except ImportError:  # pragma: no cover
        pass
    return False
