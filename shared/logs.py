"""Structured logging for entry points (workers, CLI). Libraries only call ``logging.getLogger``.

JSON lines when stderr is not a terminal (log files, containers), readable text
when it is. Every ``extra=`` field of a record is written, and so is the
context of the message being handled: the stage runner (``shared.stage``) sets
``stage``, ``raw_id``, ``article_id``, ``file`` (the name it was dropped as) and ``task_id`` once per
message with ``log_context``, so a parser warning deep inside a reader names the
file it is about without passing ids around.

    >>> import io
    >>> stream = io.StringIO()
    >>> handler = logging.StreamHandler(stream)
    >>> handler.setFormatter(JsonFormatter())
    >>> handler.addFilter(ContextFilter())
    >>> demo = logging.getLogger("demo")
    >>> demo.addHandler(handler)
    >>> with log_context(stage="parse", raw_id="ab12"):
    ...     demo.warning("skipped %d records", 2, extra={"batch_size": 5})
    >>> entry = orjson.loads(stream.getvalue())
    >>> entry["message"], entry["stage"], entry["raw_id"], entry["batch_size"]
    ('skipped 2 records', 'parse', 'ab12', 5)
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import orjson

CONTEXT_FIELDS = ("stage", "raw_id", "article_id", "task_id", "file", "record_id")

# What every LogRecord carries by itself; anything else on a record came from ``extra=`` or the context.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_context: ContextVar[dict[str, Any] | None] = ContextVar("newsflow_log_context", default=None)


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add ``fields`` (those that are not None) to every record logged inside the block."""
    token = _context.set({**(_context.get() or {}), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _context.reset(token)


class ContextFilter(logging.Filter):
    """Copies the current ``log_context`` onto each record; a field given with ``extra=`` wins."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (_context.get() or {}).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The record's ``extra=`` and context fields (not None), context fields first."""
    fields = {k: v for k, v in vars(record).items() if k not in _RECORD_FIELDS and not k.startswith("_")}
    ordered = {k: fields.pop(k) for k in CONTEXT_FIELDS if k in fields}
    return {k: v for k, v in {**ordered, **fields}.items() if v is not None}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **extra_fields(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(logging.Formatter):
    """``time level logger: message  key=value ...`` for a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = extra_fields(record)
        return line + ("  " + " ".join(f"{k}={v}" for k, v in fields.items()) if fields else "")


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(TextFormatter() if sys.stderr.isatty() else JsonFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Warnings (Celery's running-as-root notice, library deprecations) become log records, not plain text.
    logging.captureWarnings(True)
    # The Elasticsearch client logs every request at info (one line per _bulk); that is debug detail.
    transport = logging.getLogger("elastic_transport.transport")
    transport.setLevel(logging.DEBUG if root.level <= logging.DEBUG else max(logging.WARNING, root.level))
