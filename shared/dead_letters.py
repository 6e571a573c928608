"""Dead-letter store: every message a stage gave up on, kept for reading and replay.

Records live in Redis (append-only file on in every stack) as JSON
``DeadLetter`` models: a hash ``{prefix}:dlq`` id -> record and a sorted set
``{prefix}:dlq:ids`` by failure time. The id is derived from stage + raw id +
article id, so a message that fails again after a replay overwrites its old
record instead of piling up copies.
"""

from __future__ import annotations

import builtins
import hashlib
import traceback as tb

import redis

from shared.models import DeadLetter, Stage, utc_now
from shared.redis_replies import text_members


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
        ids = text_members(self.r.zrange(self.index_key, 0, -1))
        if not ids:
            return []
        return [DeadLetter.model_validate_json(raw) for raw in self.r.hmget(self.hash_key, ids) if raw]

    def claim(self, letter: DeadLetter) -> bool:
        """Take ``letter`` out of the store for a replay, if it is still exactly the one read.

        Atomic (one Lua script), so of two replays running at once only one wins a letter,
        and a letter the stage wrote *again* meanwhile (same id, newer record) is never the
        one removed. The replay claims before it sends: whatever the stage does with the
        message afterwards (a fresh letter under the same id) stays in the store.
        """
        return bool(
            self._claim(
                keys=[self.hash_key, self.index_key],
                args=[letter.dead_letter_id, letter.model_dump(mode="json")["failed_at"]],
            )
        )

    @property
    def _claim(self):
        return self.r.register_script(_CLAIM)

    def resolve(self, letter_id: str) -> builtins.list[DeadLetter]:  # ``list`` here is the method above
        """The letters a full id or a prefix of one (as the CLI prints it) names."""
        if len(letter_id) >= 16:
            letter = self.get(letter_id)
            return [letter] if letter else []
        return [letter for letter in self.list() if letter.dead_letter_id.startswith(letter_id)] if letter_id else []

    def remove(self, letter_id: str) -> None:
        pipe = self.r.pipeline()
        pipe.hdel(self.hash_key, letter_id)
        pipe.zrem(self.index_key, letter_id)
        pipe.execute()

    def count(self) -> int:
        return self.r.zcard(self.index_key)


# KEYS: hash, index; ARGV: id, failed_at of the record as read. Delete only that record
# (a letter written again has a later failed_at).
_CLAIM = """
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored and cjson.decode(stored)['failed_at'] == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 1
end
return 0
"""
