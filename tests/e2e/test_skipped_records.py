"""Records skipped inside a file are counted on its status with their reason, end to end (issue 22, item 2).

A JSON-lines export with a broken line and a record without text, and a WARC with a 404
and an image response, go through the real CLI and workers; ``ingest --wait``, ``status``
and ``verify --json`` all say how many records each file held and why some were skipped,
and the parser's log names the file.
"""

from __future__ import annotations

import io
import json

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BODY = "The harbour authority said on Tuesday that the new quay would open next spring after two years of work."


def _jsonl() -> bytes:
    good = [json.dumps({"title": f"Harbour story {n}", "text": f"{BODY} Story {n}."}) for n in range(1, 5)]
    lines = [good[0], good[1], '{"title": "cut off", "text": ', good[2], json.dumps({"title": "No text"}), good[3]]
    return "\n".join(lines).encode()


def _warc() -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)

    def response(url: str, payload: bytes, content_type: str, status: str = "200 OK") -> None:
        http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=http))

    page = f"<html><head><title>Quay opens</title></head><body><article><h1>Quay opens</h1><p>{BODY}</p>" \
           f"<p>{BODY}</p></article></body></html>"
    response("https://harbour.example/quay", page.encode(), "text/html; charset=utf-8")
    response("https://harbour.example/missing", b"<html>Not found</html>", "text/html", status="404 Not Found")
    response("https://harbour.example/logo.png", b"\x89PNG\r\n\x1a\n\x00binary", "image/png")
    return out.getvalue()


def test_skipped_records_are_counted_and_explained_everywhere(pipeline, tmp_path):
    (tmp_path / "export.jsonl").write_bytes(_jsonl())
    (tmp_path / "crawl.warc.gz").write_bytes(_warc())

    waited = pipeline.cli("ingest", str(tmp_path / "export.jsonl"), str(tmp_path / "crawl.warc.gz"), "--wait")
    flat = waited.stdout
    assert "indexed 4 of 6 records, 2 skipped: line 3 is not valid JSON; line 5 has no text" in flat
    assert "indexed 1 of 3 records, 2 skipped" in flat
    assert "has HTTP status 404" in flat and "is not HTML (image/png)" in flat

    status = pipeline.cli("status")
    assert "records skipped inside files: 4 in 2 file(s)" in status.stdout
    assert "line 5 has no text" in status.stdout
    assert json.loads(pipeline.cli("status", "--json").stdout)["skipped_records"] == 4

    verified = json.loads(pipeline.cli("verify", "--json").stdout)
    assert (verified["indexed"], verified["unaccounted"], verified["skipped_records"]) == (2, 0, 4)
    by_file = {entry["filename"]: entry for entry in verified["skipped"]}
    assert by_file["export.jsonl"]["records"] == 6
    assert [s["reason"] for s in by_file["export.jsonl"]["skipped"]] == [
        "line 3 is not valid JSON", "line 5 has no text"]

    log = (pipeline.settings.log_dir / "parser.log").read_text()
    skip_lines = [json.loads(line) for line in log.splitlines() if line.startswith("{") and "skipped" in line]
    assert any(entry.get("file") == "export.jsonl" and "export.jsonl" in entry["message"]
               and entry.get("raw_id") and "line 3 is not valid JSON" in entry["message"] for entry in skip_lines)
