"""POST /v1/pages and GET /v1/pages/{raw_id} on the real Redis and raw store (no workers: the
messages wait in this test's own parse queue)."""

from __future__ import annotations

import hashlib
import socket

import pytest

from shared.queues import queue_name

pytestmark = pytest.mark.integration

AUTH = {"Authorization": "Bearer test-token-" + "x" * 20}
PAGE = b"<html><head><title>Flood</title></head><body><h1>Flood</h1><p>Rain flooded the town.</p></body></html>"


def _blobs(settings) -> list:
    root = settings.raw_dir
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _parse_depth(redis_client, settings) -> int:
    return redis_client.llen(queue_name(settings, "parse"))


def test_a_page_is_stored_recorded_and_queued_once(client, api_settings, redis_client):
    first = client.post("/v1/pages?filename=flood.html&url=https://example.org/flood", content=PAGE, headers=AUTH)
    assert first.status_code == 202
    body = first.json()
    assert body["raw_id"] == hashlib.sha256(PAGE).hexdigest() and body["duplicate"] is False
    assert body["status_url"] == f"/v1/pages/{body['raw_id']}"
    assert _parse_depth(redis_client, api_settings) == 1

    again = client.post("/v1/pages", content=PAGE, headers={**AUTH, "X-Filename": "copy.html"})
    assert again.status_code == 202 and again.json() == {**body, "duplicate": True}
    assert _parse_depth(redis_client, api_settings) == 1  # not queued twice
    assert len(_blobs(api_settings)) == 1  # not stored twice

    status = client.get(body["status_url"], headers=AUTH).json()
    assert status["filename"] == "flood.html" and status["state"] == "received"
    assert status["articles"] == {"expected": 0, "enriched": 0, "indexed": 0, "failed": 0}
    assert client.get(f"/v1/pages/{body['raw_id'][:10]}", headers=AUTH).json()["raw_id"] == body["raw_id"]
    ref = api_settings  # the claim check carries what the sender said
    from shared.runtime import Runtime

    assert Runtime(ref).status.ref(body["raw_id"]).url == "https://example.org/flood"


def test_skipped_records_are_on_the_page_status(client, api_settings):
    lines = b'{"title": "Harbour fire", "text": "A fire broke out in the harbour overnight."}\nnot json\n'
    raw_id = client.post("/v1/pages?filename=feed.jsonl", content=lines, headers=AUTH).json()["raw_id"]
    from shared.models import SkippedRecord
    from shared.runtime import Runtime

    Runtime(api_settings).status.set_parsed(raw_id, ["a" * 32], records=2, skipped=[SkippedRecord(reason="line 2 is not valid JSON")])
    status = client.get(f"/v1/pages/{raw_id}", headers=AUTH).json()
    assert status["records"] == 2 and status["skipped"] == [{"reason": "line 2 is not valid JSON", "record_id": None}]


def test_unknown_and_malformed_page_ids_are_404(client):
    assert client.get("/v1/pages/" + "0" * 64, headers=AUTH).status_code == 404
    assert client.get("/v1/pages/abc", headers=AUTH).status_code == 404
    assert client.get("/v1/pages/not-hex!", headers=AUTH).status_code == 404


def test_empty_body_is_400_and_keeps_nothing(client, api_settings, redis_client):
    response = client.post("/v1/pages", content=b"", headers=AUTH)
    # The same sentence as the dead letter of an empty file from the CLI or the drop folder.
    assert response.status_code == 400 and response.json()["detail"] == "The file is empty."
    assert _blobs(api_settings) == [] and _parse_depth(redis_client, api_settings) == 0


def test_declared_oversized_body_is_413_before_reading(make_client, api_settings, redis_client):
    client = make_client(api_settings.model_copy(update={"max_raw_bytes": 1000}))
    response = client.post("/v1/pages", content=b"x" * 1001, headers=AUTH)
    assert response.status_code == 413 and "NEWSFLOW_MAX_RAW_BYTES" in response.json()["detail"]
    assert _blobs(api_settings) == [] and _parse_depth(redis_client, api_settings) == 0
    assert client.post("/v1/pages", content=b"x" * 1000, headers=AUTH).status_code == 202


def test_streamed_oversized_body_is_413_while_reading(make_client, api_settings, redis_client):
    """No Content-Length (chunked): the limit is enforced as the bytes arrive. (That the server stops
    reading, with flat memory, is shown on a real server in test_large_body.py.)"""
    client = make_client(api_settings.model_copy(update={"max_raw_bytes": 64 * 1024}))
    response = client.post("/v1/pages", content=(b"y" * 16 * 1024 for _ in range(100)), headers=AUTH)
    assert response.status_code == 413
    assert _blobs(api_settings) == [] and _parse_depth(redis_client, api_settings) == 0


def test_deep_parse_queue_is_429_with_retry_after(make_client, api_settings, redis_client):
    client = make_client(api_settings.model_copy(update={"api_parse_queue_high_water": 3, "api_retry_after_s": 7}))
    redis_client.rpush(queue_name(api_settings, "parse"), *[b"backlog"] * 4)
    response = client.post("/v1/pages", content=PAGE, headers=AUTH)
    assert response.status_code == 429 and response.headers["retry-after"] == "7"
    assert _blobs(api_settings) == []
    redis_client.ltrim(queue_name(api_settings, "parse"), 0, 1)  # the parser caught up
    assert client.post("/v1/pages", content=PAGE, headers=AUTH).status_code == 202


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_redis_is_503_and_keeps_nothing(make_client, api_settings):
    down = api_settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{_unused_port()}/0"})
    client = make_client(down)
    response = client.post("/v1/pages", content=PAGE, headers=AUTH)
    assert response.status_code == 503 and response.headers["retry-after"]
    assert _blobs(api_settings) == []
    assert client.get("/v1/pages/" + "a" * 64, headers=AUTH).status_code == 503
    ready = client.get("/readyz", headers=AUTH)
    assert ready.status_code == 503 and ready.json()["redis"] is False


def test_unwritable_raw_store_is_503(make_client, api_settings, tmp_path, redis_client):
    not_a_folder = tmp_path / "raw-store-is-a-file"
    not_a_folder.write_text("")
    client = make_client(api_settings.model_copy(update={"raw_store_dir": not_a_folder}))
    assert client.post("/v1/pages", content=PAGE, headers=AUTH).status_code == 503
    assert _parse_depth(redis_client, api_settings) == 0


def test_a_failed_queue_send_takes_back_the_page(make_client, api_settings, redis_client, monkeypatch):
    """All or nothing: recorded and stored, but the message could not be sent -> neither is kept."""
    import redis

    import services.ingest.ingestor as ingest

    def broker_down(*_args, **_kwargs):
        raise redis.ConnectionError("broker went away")

    monkeypatch.setattr(ingest, "send", broker_down)
    client = make_client(api_settings)
    assert client.post("/v1/pages", content=PAGE, headers=AUTH).status_code == 503
    assert _blobs(api_settings) == []
    assert client.get(f"/v1/pages/{hashlib.sha256(PAGE).hexdigest()}", headers=AUTH).status_code == 404


def test_multipart_answers_per_file(make_client, api_settings, redis_client):
    client = make_client(api_settings.model_copy(update={"max_raw_bytes": 2000}))
    files = [
        ("files", ("a.html", PAGE, "text/html")),
        ("files", ("empty.txt", b"", "text/plain")),
        ("files", ("huge.txt", b"z" * 5000, "text/plain")),
        ("files", ("b.txt", b"Second page\nSome text about the weather.", "text/plain")),
        ("files", ("a-again.html", PAGE, "text/html")),
    ]
    response = client.post("/v1/pages", files=files, headers=AUTH)
    assert response.status_code == 202
    outcomes = {f["filename"]: f for f in response.json()["files"]}
    assert [outcomes[n]["status"] for n in ("a.html", "empty.txt", "huge.txt", "b.txt", "a-again.html")] == [
        202, 400, 413, 202, 202,
    ]  # fmt: skip
    assert outcomes["empty.txt"]["detail"] == "The file is empty."
    assert outcomes["a-again.html"]["duplicate"] is True
    assert outcomes["a.html"]["raw_id"] == outcomes["a-again.html"]["raw_id"]
    assert len(_blobs(api_settings)) == 2 and _parse_depth(redis_client, api_settings) == 2


def test_multipart_file_names_in_utf8(client, api_settings):
    body = (b'--b\r\nContent-Disposition: form-data; name="files"; filename="s\xc3\xa3o-paulo.html"\r\n\r\n'
            + PAGE + b"\r\n--b\r\nContent-Disposition: form-data; name=\"\xc4\x80\"\r\n\r\nnull\r\n--b--\r\n")
    response = client.post("/v1/pages", content=body, headers={**AUTH, "Content-Type": "multipart/form-data; boundary=b"})
    assert response.status_code == 202
    assert [f["filename"] for f in response.json()["files"]] == ["são-paulo.html"]


def test_malformed_multipart_is_400(client, api_settings):
    headers = {**AUTH, "Content-Type": "multipart/form-data; boundary=xyz"}
    assert client.post("/v1/pages", content=b"--abc\r\nnonsense", headers=headers).status_code == 400
    no_boundary = {**AUTH, "Content-Type": "multipart/form-data"}
    assert client.post("/v1/pages", content=b"whatever", headers=no_boundary).status_code == 400
    assert _blobs(api_settings) == []
