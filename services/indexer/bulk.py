"""Bulk batching and bulk-response reading, with no network.

``services.indexer.es.write_bulk`` sends what ``batches`` cuts and hands each
response to ``classify_response``. Keeping both here, pure, means the hard
parts (byte accounting, reading every item, deciding what to retry) are unit
tested against realistic response dicts without a cluster.

A batch is bounded by document count *and* encoded bytes. A single document
larger than the byte bound is sent alone rather than dropped: the limit shapes
batches, it never loses data.

Each response item is read under the operation that was sent (``index``) and
becomes one ``ItemOutcome``:

* ``indexed``: 200/201.
* ``retryable``: 429, any 5xx, ``es_rejected_execution_exception``,
  ``circuit_breaking_exception``, or the alias not existing yet
  (``index_not_found_exception``: another worker may be creating it). Safe to
  resend because ``index`` by ``_id`` is idempotent.
* ``permanent``: anything else, typically 400 ``document_parsing_exception`` /
  ``mapper_parsing_exception`` (the mapping rejects the document). Resending
  the same document cannot help; the reason goes to the dead-letter store.

    >>> from services.indexer.documents import BulkAction
    >>> action = BulkAction(article_id="a1", index="news", document={"title": "x"})
    >>> response = {"errors": False, "items": [{"index": {"_id": "a1", "status": 201}}]}
    >>> [o.status for o in classify_response([action], response)]
    ['indexed']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from .documents import BulkAction

OutcomeStatus = Literal["indexed", "retryable", "permanent"]

_RETRYABLE_ERROR_TYPES = frozenset(
    {
        "es_rejected_execution_exception",
        "circuit_breaking_exception",
        "index_not_found_exception",
        "unavailable_shards_exception",
        "cluster_block_exception",
    }
)


@dataclass(frozen=True)
class EncodedAction:
    """A bulk action already serialised to its two NDJSON lines."""

    action: BulkAction
    lines: tuple[bytes, bytes]

    @property
    def size_bytes(self) -> int:
        return sum(len(line) + 1 for line in self.lines)  # +1: the newline


@dataclass(frozen=True)
class ItemOutcome:
    article_id: str
    status: OutcomeStatus
    http_status: int | None = None
    error_type: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class BulkReport:
    """Every item's outcome, in the order the actions were given."""

    outcomes: list[ItemOutcome]
    request_s: list[float] = field(default_factory=list)  # wall time of each bulk request sent


def encode(action: BulkAction) -> EncodedAction:
    return EncodedAction(action, (orjson.dumps(action.header()), orjson.dumps(action.document)))


def batches(encoded: Iterable[EncodedAction], *, max_docs: int, max_bytes: int) -> Iterator[list[EncodedAction]]:
    """Cut actions into batches of at most ``max_docs`` actions and ``max_bytes`` bytes.

    An action bigger than ``max_bytes`` on its own forms a batch of one.
    """
    if max_docs < 1 or max_bytes < 1:
        raise ValueError("max_docs and max_bytes must be positive")
    batch: list[EncodedAction] = []
    size = 0
    for item in encoded:
        if batch and (len(batch) >= max_docs or size + item.size_bytes > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += item.size_bytes
    if batch:
        yield batch


def _reason(error: Any) -> tuple[str | None, str]:
    """(type, one readable sentence) from a bulk item's ``error`` (dict or string)."""
    if isinstance(error, Mapping):
        error_type = error.get("type")
        reason = str(error.get("reason") or error_type or "unknown error")
        cause = error.get("caused_by")
        if isinstance(cause, Mapping) and cause.get("reason"):
            reason = f"{reason}: {cause['reason']}"
        return error_type, reason
    return None, str(error)


def classify_item(action: BulkAction, item: Mapping[str, Any] | None) -> ItemOutcome:
    """Outcome of one response item, read under the operation that was sent."""
    result = item.get(action.op) if isinstance(item, Mapping) else None
    if not isinstance(result, Mapping):
        # The response does not say what happened to this document. Resending an
        # ``index`` by ``_id`` is idempotent, so a retry is the safe answer.
        return ItemOutcome(
            action.article_id, "retryable", reason=f"bulk response has no '{action.op}' result for this item"
        )
    status = result.get("status")
    http_status = status if isinstance(status, int) else None
    error = result.get("error")
    if error is None and http_status is not None and 200 <= http_status < 300:
        return ItemOutcome(action.article_id, "indexed", http_status)
    error_type, reason = _reason(error if error is not None else f"unexpected status {status}")
    retryable = http_status is None or http_status == 429 or http_status >= 500 or error_type in _RETRYABLE_ERROR_TYPES
    return ItemOutcome(action.article_id, "retryable" if retryable else "permanent", http_status, error_type, reason)


def classify_response(actions: Sequence[BulkAction], response: Mapping[str, Any]) -> list[ItemOutcome]:
    """One outcome per action sent; bulk responses list items in request order."""
    items = response.get("items") or []
    return [classify_item(action, items[i] if i < len(items) else None) for i, action in enumerate(actions)]
