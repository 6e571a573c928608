"""Dead-letter store: every message a stage gave up on, kept for reading and replay.

Records live in Redis (append-only file on in every stack) as JSON
``DeadLetter`` models: a hash ``{prefix}:dlq`` id -> record and a sorted set
``{prefix}:dlq:ids`` by failure time. The id is derived from stage + raw id +
article id, so a message that fails again after a replay overwrites its old
record instead of piling up copies.
"""

from __future__ import annotations

import hashlib
import traceback as tb

import redis

from shared.models import DeadLetter, Stage, utc_now


def dead_letter_id(stage: str, raw_id: str | None, article_id: str | None) -> str:
    key = f"{stage}\x1f{raw_id or ''}\x1f{article_id or ''}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def build_dead_letter(
    *,
    stage: Stage,
    exc: BaseException,
    reason: str,
    raw_id: str | None,
    raw_path: str | None,
    article_id: str | None = None,
    filename: str | None = None,
    attempts: int = 1,
    payload: dict | None = None,
) -> DeadLetter:
    return DeadLetter(
        dead_letter_id=dead_letter_id(stage, raw_id, article_id),
        stage=stage,
        raw_id=raw_id,
        raw_path=raw_path,
        article_id=article_id,
        filename=filename,
        reason=reason,
        error_type=type(exc).__name__,
        traceback="".join(tb.format_exception(exc)) if exc.__traceback__ else None,
        attempts=attempts,
        failed_at=utc_now(),
        payload=payload,
    )


class DeadLetterStore:
    def __init__(self, client: redis.Redis, prefix: str):
        self.r = client
        self.hash_key = f"{prefix}:dlq"
        self.index_key = f"{prefix}:dlq:ids"

    def add(self, letter: DeadLetter) -> None:
        pipe = self.r.pipeline()
        pipe.hset(self.hash_key, letter.dead_letter_id, letter.model_dump_json())
        pipe.zadd(self.index_key, {letter.dead_letter_id: letter.failed_at.timestamp()})
        pipe.execute()

    def get(self, letter_id: str) -> DeadLetter | None:
        raw = self.r.hget(self.hash_key, letter_id)
        return DeadLetter.model_validate_json(raw) if raw else None

    def list(self) -> list[DeadLetter]:
        ids = self.r.zrange(self.index_key, 0, -1)
        if not ids:
            return []
        return [DeadLetter.model_validate_json(raw) for raw in self.r.hmget(self.hash_key, ids) if raw]

    def remove(self, letter_id: str) -> None:
        pipe = self.r.pipeline()
        pipe.hdel(self.hash_key, letter_id)
        pipe.zrem(self.index_key, letter_id)
        pipe.execute()

    def count(self) -> int:
        return self.r.zcard(self.index_key)
