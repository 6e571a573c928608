"""Per-file status in Redis: where is each dropped file, and is every article accounted for?

A file moves received -> parsed -> indexed (or failed, with the reason). Its
articles are tracked as Redis *sets* of article ids (expected, enriched,
indexed, failed) rather than counters, so a redelivered message can never be
counted twice: accounting stays exact under at-least-once delivery.

Keys, all under ``{prefix}:``:
    files                   sorted set raw_id -> received time
    file:{raw_id}           hash: filename, state, reason, received_at, updated_at,
                            records (how many the file held), skipped (JSON list of SkippedRecord)
    file:{raw_id}:{kind}    set of article ids, kind in expected/enriched/indexed/failed
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import redis
from redis.typing import EncodableT, FieldT

from shared.models import RawPageRef, SkippedRecord, utc_now
from shared.redis_replies import text, text_mapping, text_members

# A file's summary line names this many skipped records; ``skipped`` in --json holds them all.
SKIPS_SHOWN = 5
TERMINAL_STATES = frozenset({"indexed", "failed", "partial"})
ARTICLE_SETS = ("expected", "enriched", "indexed", "failed")

# A new raw id joins ``files``; only then is its record written, cleanly (a replayed file
# starts with a fresh one). KEYS: files, file:{raw_id}; ARGV: score, raw_id, field, value, ...
_REGISTER = """
if redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], unpack(ARGV, 3))
return 1
"""


@dataclass(frozen=True)
class FileStatus:
    raw_id: str
    filename: str
    state: str
    reason: str | None
    received_at: str | None
    updated_at: str | None
    counts: dict[str, int] = field(default_factory=dict)
    records: int | None = None
    skipped: list[SkippedRecord] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.state in TERMINAL_STATES

    def progress(self) -> str:
        """What happened to the file's records, in one line a user reads.

        >>> FileStatus("0" * 64, "a.jsonl", "indexed", None, None, None, {"expected": 4, "indexed": 4},
        ...            records=6, skipped=[SkippedRecord(reason="line 3 is not valid JSON"),
        ...                                SkippedRecord(reason="line 5 has no text")]).progress()
        'indexed 4 of 6 records, 2 skipped: line 3 is not valid JSON; line 5 has no text'
        >>> FileStatus("0" * 64, "a.html", "indexed", None, None, None, {"expected": 1, "indexed": 1}).progress()
        '1/1'
        """
        indexed, expected = self.counts.get("indexed", 0), self.counts.get("expected", 0)
        if not self.skipped:
            return f"{indexed}/{expected}"
        reasons = "; ".join(skip.reason for skip in self.skipped[:SKIPS_SHOWN])
        more = f"; and {len(self.skipped) - SKIPS_SHOWN} more" if len(self.skipped) > SKIPS_SHOWN else ""
        return f"indexed {indexed} of {self.records} records, {len(self.skipped)} skipped: {reasons}{more}"

    def as_dict(self) -> dict:
        return {
            "raw_id": self.raw_id,
            "filename": self.filename,
            "state": self.state,
            "reason": self.reason,
            "received_at": self.received_at,
            "updated_at": self.updated_at,
            "articles": self.counts,
            "records": self.records,
            "skipped": [skip.model_dump() for skip in self.skipped],
        }


def summarise(statuses: Iterable[FileStatus]) -> dict[str, int]:
    """Files per state, as ``newsflow status`` shows them.

    >>> summarise([FileStatus("a" * 64, "a.html", "indexed", None, None, None),
    ...            FileStatus("b" * 64, "b.html", "failed", "empty", None, None),
    ...            FileStatus("c" * 64, "c.html", "indexed", None, None, None)])
    {'indexed': 2, 'failed': 1}
    """
    return dict(Counter(status.state for status in statuses))


def settled_state(counts: dict[str, int]) -> str | None:
    """A file's final state once every expected article is indexed or failed, else None.

    >>> settled_state({"expected": 2, "enriched": 2, "indexed": 1, "failed": 1})
    'partial'
    >>> settled_state({"expected": 2, "enriched": 2, "indexed": 1, "failed": 0}) is None
    True
    """
    expected, done = counts["expected"], counts["indexed"] + counts["failed"]
    if expected == 0 or done < expected:
        return None
    if counts["failed"] == 0:
        return "indexed"
    return "failed" if counts["indexed"] == 0 else "partial"


class StatusStore:
    def __init__(self, client: redis.Redis, prefix: str):
        self.r = client
        self.prefix = prefix
        self._register = client.register_script(_REGISTER)

    def _key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def _now(self) -> str:
        return utc_now().isoformat()

    def register(self, ref: RawPageRef) -> bool:
        """Record a new file. False when this raw id was already received (same bytes).

        One round trip (a script): ingest waits for it on every page, and the HTTP API's latency
        is mostly such waits."""
        mapping = {
            "filename": ref.filename,
            "state": "received",
            "received_at": ref.received_at.isoformat(),
            "updated_at": self._now(),
            "ref": ref.model_dump_json(),
        }
        fields = [item for pair in mapping.items() for item in pair]
        added = self._register(
            keys=[self._key("files"), self._key("file", ref.raw_id)],
            args=[ref.received_at.timestamp(), ref.raw_id, *fields],
        )
        return bool(added)

    def ref(self, raw_id: str) -> RawPageRef | None:
        """The claim check the file was first sent with (for reprocess and replay)."""
        raw = self.r.hget(self._key("file", raw_id), "ref")
        return RawPageRef.model_validate_json(raw) if raw else None

    def reset(self, raw_id: str) -> None:
        """Forget article progress before a reprocess, keeping the file's identity."""
        pipe = self.r.pipeline()
        for kind in ARTICLE_SETS:
            pipe.delete(self._key("file", raw_id, kind))
        pipe.hset(self._key("file", raw_id), mapping={"state": "received", "updated_at": self._now()})
        pipe.hdel(self._key("file", raw_id), "reason", "records", "skipped")
        pipe.execute()

    def touch(self, raw_id: str) -> None:
        self.r.hset(self._key("file", raw_id), "updated_at", self._now())

    def set_parsed(
        self,
        raw_id: str,
        article_ids: list[str],
        *,
        records: int | None = None,
        skipped: list[SkippedRecord] | None = None,
    ) -> None:
        """The parser found these articles; ``records``/``skipped``: what the file held and left out, and why."""
        pipe = self.r.pipeline()
        if article_ids:
            pipe.sadd(self._key("file", raw_id, "expected"), *article_ids)
        mapping: dict[FieldT, EncodableT] = {"state": "parsed", "updated_at": self._now()}
        if records is not None:
            mapping["records"] = str(records)
        # Written every time (also empty): a reparse after a fix must not keep the old skips.
        mapping["skipped"] = json.dumps([skip.model_dump() for skip in skipped or []])
        pipe.hset(self._key("file", raw_id), mapping=mapping)
        pipe.execute()

    def mark_article(self, raw_id: str, article_id: str, kind: str, reason: str | None = None) -> None:
        """Record one article's progress and settle the file's state when all are done."""
        self.mark_articles([(raw_id, article_id)], kind, reason=reason)

    def mark_articles(self, articles: list[tuple[str, str]], kind: str, reason: str | None = None) -> None:
        """``mark_article`` for a batch of ``(raw_id, article_id)``: at most three round trips, not three per article."""
        if kind not in ARTICLE_SETS[1:]:
            raise ValueError(f"unknown article state {kind!r}")
        if not articles:
            return
        now = self._now()
        raw_ids = list(dict.fromkeys(raw_id for raw_id, _ in articles))
        pipe = self.r.pipeline()
        for raw_id, article_id in articles:
            pipe.sadd(self._key("file", raw_id, kind), article_id)
        for raw_id in raw_ids:
            pipe.hset(self._key("file", raw_id), "updated_at", now)  # progress, for the sweeper
            if kind == "failed" and reason:
                pipe.hset(self._key("file", raw_id), "reason", reason)
        pipe.execute()
        if kind != "enriched":  # only indexed and failed articles settle a file
            self._settle(raw_ids)

    def _settle(self, raw_ids: list[str]) -> None:
        """Give each file whose articles are all indexed or failed its final state."""
        now = self._now()
        pipe = self.r.pipeline()
        for raw_id, counts in zip(raw_ids, self._counts(raw_ids), strict=True):
            state = settled_state(counts)
            if state:
                pipe.hset(self._key("file", raw_id), mapping={"state": state, "updated_at": now})
        pipe.execute()

    def mark_failed(self, raw_id: str, reason: str) -> None:
        """The whole file failed (e.g. it could not be parsed)."""
        self.r.hset(
            self._key("file", raw_id),
            mapping={"state": "failed", "reason": reason, "updated_at": self._now()},
        )

    def article_ids(self, raw_id: str, kind: str) -> set[str]:
        """The ids of a file's articles in one state (expected, enriched, indexed, failed)."""
        if kind not in ARTICLE_SETS:
            raise ValueError(f"unknown article state {kind!r}")
        return {text(m) for m in self.r.smembers(self._key("file", raw_id, kind))}

    def unregister(self, raw_id: str) -> None:
        """Take back a registration whose file could not be queued (an ingest that must leave nothing)."""
        pipe = self.r.pipeline()
        pipe.zrem(self._key("files"), raw_id)
        pipe.delete(self._key("file", raw_id))
        pipe.execute()

    def forget(self, raw_id: str) -> None:
        """Drop a file's registration so the same bytes are accepted again (replay after a fix)."""
        self.r.zrem(self._key("files"), raw_id)

    def counts(self, raw_id: str) -> dict[str, int]:
        return self._counts([raw_id])[0]

    def _counts(self, raw_ids: list[str]) -> list[dict[str, int]]:
        """Article counts per set for each file, in one round trip."""
        pipe = self.r.pipeline()
        for raw_id in raw_ids:
            for kind in ARTICLE_SETS:
                pipe.scard(self._key("file", raw_id, kind))
        sizes = pipe.execute()
        step = len(ARTICLE_SETS)
        return [dict(zip(ARTICLE_SETS, sizes[i : i + step], strict=True)) for i in range(0, len(sizes), step)]

    def get(self, raw_id: str) -> FileStatus | None:
        reply = self.r.hgetall(self._key("file", raw_id))
        if not reply:
            return None
        data = text_mapping(reply)
        return FileStatus(
            raw_id=raw_id,
            filename=data.get("filename", ""),
            state=data.get("state", "unknown"),
            reason=data.get("reason"),
            received_at=data.get("received_at"),
            updated_at=data.get("updated_at"),
            counts=self.counts(raw_id),
            records=int(data["records"]) if data.get("records") else None,
            skipped=[SkippedRecord.model_validate(item) for item in json.loads(data.get("skipped") or "[]")],
        )

    def states(self, raw_ids: list[str]) -> list[str | None]:
        """Just the state of many files in one round trip (cheap enough to poll)."""
        pipe = self.r.pipeline()
        for rid in raw_ids:
            pipe.hget(self._key("file", rid), "state")
        return [text(v) if v else None for v in pipe.execute()]

    def resolve(self, raw_id: str) -> list[str]:
        """The raw ids a full id or a prefix of one (the CLI prints 12 characters) names.

        More than one means the prefix is ambiguous; the caller says so.
        """
        raw_id = raw_id.strip().lower()
        if not raw_id or any(ch not in "0123456789abcdef" for ch in raw_id):
            return []
        if len(raw_id) == 64:
            return [raw_id] if self.r.zscore(self._key("files"), raw_id) is not None else []
        return [rid for rid in self.raw_ids() if rid.startswith(raw_id)]

    def retry_article(self, raw_id: str, article_id: str) -> None:
        """A failed article is being sent again (dead-letter replay): it is in flight, no longer failed."""
        pipe = self.r.pipeline()
        pipe.srem(self._key("file", raw_id, "failed"), article_id)
        pipe.hset(self._key("file", raw_id), mapping={"state": "parsed", "updated_at": self._now()})
        pipe.execute()

    def raw_ids(self) -> list[str]:
        return text_members(self.r.zrange(self._key("files"), 0, -1))

    def all(self) -> list[FileStatus]:
        return [s for s in (self.get(rid) for rid in self.raw_ids()) if s is not None]
