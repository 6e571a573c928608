"""Accounting: is every file a user dropped indexed, failed with a reason, or still in flight?

``newsflow status`` shows the per-stage picture; ``newsflow verify`` checks it
against the ground truth: a file counted as indexed must have every one of its
articles in Elasticsearch, a failed file must have a dead letter, and every
blob in the raw store must have a status. Anything else is *unaccounted*.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from elasticsearch import Elasticsearch

from shared.queues import STAGES, queue_name
from shared.runtime import Runtime


@dataclass
class Verification:
    received: int = 0
    indexed: int = 0
    failed: int = 0
    in_flight: int = 0
    unaccounted: int = 0
    problems: list[str] = field(default_factory=list)
    # Records a file held that the parser skipped (bad JSON line, 404 response...), each with
    # its reason on the file's status: explained, so not unaccounted.
    skipped_records: int = 0
    skipped: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def queue_depths(rt: Runtime) -> dict[str, int]:
    """Messages waiting per stage (Celery's Redis transport keeps each queue as a list)."""
    return {stage: int(rt.redis.llen(queue_name(rt.settings, stage))) for stage in STAGES}


def existing_ids(es_client: Elasticsearch, alias: str, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    found: set[str] = set()
    for start in range(0, len(ids), 1000):
        response = es_client.mget(index=alias, ids=ids[start : start + 1000], source=False)
        found.update(doc["_id"] for doc in response["docs"] if doc.get("found"))
    return found


def verify(rt: Runtime, es_client: Elasticsearch) -> Verification:
    result = Verification()
    dead = rt.dead_letters.list()
    dead_raw_ids = {letter.raw_id for letter in dead if letter.raw_id}
    statuses = rt.status.all()
    known = {s.raw_id for s in statuses}
    result.received = len(known)
    for status in statuses:
        if status.skipped:
            result.skipped_records += len(status.skipped)
            result.skipped.append(
                {
                    "filename": status.filename,
                    "raw_id": status.raw_id,
                    "records": status.records,
                    "progress": status.progress(),
                    "skipped": [skip.model_dump() for skip in status.skipped],
                }
            )
        if not status.done:
            result.in_flight += 1
            continue
        if status.state == "failed" and status.raw_id in dead_raw_ids:
            result.failed += 1
            continue
        expected = sorted(rt.status.article_ids(status.raw_id, "expected"))
        failed_ids = rt.status.article_ids(status.raw_id, "failed")
        wanted = [a for a in expected if a not in failed_ids]
        missing = set(wanted) - existing_ids(es_client, rt.settings.index_alias, wanted)
        if missing:
            result.unaccounted += 1
            result.problems.append(
                f"{status.filename} ({status.raw_id[:12]}): {len(missing)} article(s) not in Elasticsearch"
            )
        elif failed_ids and status.raw_id not in dead_raw_ids:
            result.unaccounted += 1
            result.problems.append(f"{status.filename} ({status.raw_id[:12]}): failed articles without a dead letter")
        elif status.state == "failed" and not expected:
            result.unaccounted += 1
            result.problems.append(f"{status.filename} ({status.raw_id[:12]}): failed without a dead letter")
        elif status.state == "indexed":
            result.indexed += 1
        else:
            result.failed += 1  # partial: indexed articles present, failed ones dead-lettered
    for raw_id in rt.raw_store.ids():
        if raw_id not in known:
            result.received += 1
            result.unaccounted += 1
            result.problems.append(
                f"raw blob {raw_id[:12]} has no status record (an ingest interrupted by a Redis failure); "
                "the sweeper records and parses it, or run `newsflow sweep --once`"
            )
    return result
