from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import orjson
import pytest

from services.indexer.bulk import batches, classify_response, encode
from services.indexer.documents import BulkAction
from services.indexer.es import write_bulk

pytestmark = pytest.mark.unit


def _action(article_id: str, body_chars: int = 10) -> BulkAction:
    return BulkAction(article_id=article_id, index="news", document={"article_id": article_id, "body": "x" * body_chars})


def _ok(article_id: str, status: int = 201, result: str = "created") -> dict:
    return {"index": {"_index": "news-v1", "_id": article_id, "_version": 1, "result": result, "status": status}}


def _error(article_id: str, status: int, error_type: str, reason: str, cause: str | None = None) -> dict:
    error = {"type": error_type, "reason": reason}
    if cause:
        error["caused_by"] = {"type": "illegal_argument_exception", "reason": cause}
    return {"index": {"_index": "news-v1", "_id": article_id, "status": status, "error": error}}


# --- batching ----------------------------------------------------------------


def test_batches_are_bounded_by_count():
    encoded = [encode(_action(f"a{i}")) for i in range(7)]
    sizes = [len(b) for b in batches(encoded, max_docs=3, max_bytes=10**9)]
    assert sizes == [3, 3, 1]


def test_batches_are_bounded_by_bytes_and_keep_order():
    encoded = [encode(_action(f"a{i}", body_chars=100)) for i in range(5)]
    one = encoded[0].size_bytes
    cut = list(batches(encoded, max_docs=100, max_bytes=2 * one))

    assert [len(b) for b in cut] == [2, 2, 1]
    assert all(sum(e.size_bytes for e in b) <= 2 * one for b in cut)
    assert [e.action.article_id for b in cut for e in b] == [f"a{i}" for i in range(5)]


def test_a_document_bigger_than_the_byte_bound_is_sent_alone_not_dropped():
    small, huge, small2 = encode(_action("s1")), encode(_action("big", 5000)), encode(_action("s2"))
    cut = list(batches([small, huge, small2], max_docs=10, max_bytes=1000))

    assert [[e.action.article_id for e in b] for b in cut] == [["s1"], ["big"], ["s2"]]


def test_size_counts_both_ndjson_lines_and_newlines():
    item = encode(_action("a1"))
    header, source = item.lines
    assert orjson.loads(header) == {"index": {"_index": "news", "_id": "a1"}}
    assert item.size_bytes == len(header) + len(source) + 2


def test_batch_bounds_must_be_positive():
    with pytest.raises(ValueError):
        list(batches([], max_docs=0, max_bytes=10))


# --- reading responses -------------------------------------------------------


def test_every_item_is_classified_under_the_operation_sent():
    actions = [_action(i) for i in ("ok", "again", "bad", "busy", "down", "no-alias", "breaker")]
    response = {
        "took": 12,
        "errors": True,
        "items": [
            _ok("ok"),
            _ok("again", status=200, result="updated"),
            _error(
                "bad", 400, "document_parsing_exception",
                "[1:42] failed to parse field [published_at] of type [date] in document with id 'bad'.",
                cause="failed to parse date field [yesterday-ish]",
            ),
            _error("busy", 429, "es_rejected_execution_exception", "rejected execution of coordinating operation"),
            _error("down", 503, "unavailable_shards_exception", "primary shard is not active"),
            _error("no-alias", 404, "index_not_found_exception", "no such index [news] and [require_alias] request flag is [true]"),
            _error("breaker", 429, "circuit_breaking_exception", "[parent] Data too large"),
        ],
    }  # fmt: skip
    outcomes = classify_response(actions, response)

    assert [(o.article_id, o.status) for o in outcomes] == [
        ("ok", "indexed"),
        ("again", "indexed"),
        ("bad", "permanent"),
        ("busy", "retryable"),
        ("down", "retryable"),
        ("no-alias", "retryable"),
        ("breaker", "retryable"),
    ]
    bad = outcomes[2]
    assert bad.http_status == 400 and bad.error_type == "document_parsing_exception"
    assert "published_at" in bad.reason and "yesterday-ish" in bad.reason


def test_strict_mapping_rejection_is_permanent():
    response = {
        "errors": True,
        "items": [
            _error(
                "x", 400, "strict_dynamic_mapping_exception",
                "[1:2] mapping set to strict, dynamic introduction of [surprise] within [_doc] is not allowed",
            )
        ],
    }  # fmt: skip
    [outcome] = classify_response([_action("x")], response)
    assert outcome.status == "permanent"
    assert "surprise" in outcome.reason


def test_an_item_reported_under_another_operation_is_not_counted_as_indexed():
    # The bug class STYLE.md habit 6 names: reading 'create' after sending 'index'.
    response = {"errors": False, "items": [{"create": {"_id": "a1", "status": 201, "result": "created"}}]}
    [outcome] = classify_response([_action("a1")], response)
    assert outcome.status == "retryable"


def test_missing_items_are_retryable_never_silently_indexed():
    response = {"errors": False, "items": [_ok("a1")]}
    outcomes = classify_response([_action("a1"), _action("a2")], response)
    assert [o.status for o in outcomes] == ["indexed", "retryable"]


# --- write_bulk against a recording client ------------------------------------


class RecordingClient:
    """Answers bulk requests the way Elasticsearch does; records what was sent."""

    def __init__(self, reject: set[str] = frozenset()):
        self.calls: list[dict] = []
        self.reject = reject

    def bulk(self, *, operations, **params):
        self.calls.append({"operations": operations, **params})
        headers = [orjson.loads(line) for line in operations[::2]]
        items = []
        for header in headers:
            article_id = header["index"]["_id"]
            if article_id in self.reject:
                items.append(_error(article_id, 400, "document_parsing_exception", "bad document"))
            else:
                items.append(_ok(article_id))
        return SimpleNamespace(body={"errors": bool(self.reject), "items": items})


def test_write_bulk_sends_batches_to_the_alias_only_and_reports_each_item():
    client = RecordingClient(reject={"a3"})
    report = write_bulk(client, [_action(f"a{i}") for i in range(5)], max_docs=2, max_bytes=10**6)

    assert len(client.calls) == 3
    assert all(call["require_alias"] is True for call in client.calls)
    assert Counter(o.status for o in report.outcomes) == {"indexed": 4, "permanent": 1}
    assert [o.article_id for o in report.outcomes if o.status == "permanent"] == ["a3"]
    assert [o.article_id for o in report.outcomes] == [f"a{i}" for i in range(5)]


def test_write_bulk_cuts_requests_by_count_and_keeps_the_order():
    client = RecordingClient()
    report = write_bulk(client, [_action("a1"), _action("a2"), _action("a3")], max_docs=2, max_bytes=10**6)

    assert len(client.calls) == 2
    (first, second, third) = report.outcomes
    assert (first.article_id, third.status) == ("a1", "indexed")
