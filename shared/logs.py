"""Structured logging for entry points (workers, CLI). Libraries only call ``logging.getLogger``.

JSON lines when stderr is not a terminal (log files, containers), readable text
when it is. ``stage``, ``raw_id``, ``article_id`` and ``task_id`` travel as
``extra=`` fields and are printed on every line that has them.
"""

from __future__ import annotations

import logging
import sys

import orjson

CONTEXT_FIELDS = ("stage", "raw_id", "article_id", "task_id", "file", "record_id")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if sys.stderr.isatty():
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    else:
        handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
