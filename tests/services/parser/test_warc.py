"""WARC and WARC.gz files shaped like Common Crawl News: only HTML responses become articles."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from services.parser.parse import parse_page
from shared.errors import BadInputError

pytestmark = pytest.mark.unit

STORY = (
    "<html><head><title>{title}</title><meta charset='{charset}'></head><body><article><h1>{title}</h1>"
    "<p>{text}</p><p>The council will publish the full report next month, a spokesperson said on Tuesday.</p>"
    "</article><footer>Contact us</footer></body></html>"
)


def _warc(gzipped: bool) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzipped)
    writer.write_record(writer.create_warcinfo_record("cc-news.warc", {"software": "test"}))

    def response(url: str, payload: bytes, content_type: str, status: str = "200 OK", date: str = "2025-05-02T03:04:05Z"):
        http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=http,
                                           warc_headers_dict={"WARC-Date": date})
        writer.write_record(record)

    writer.write_record(writer.create_warc_record("https://news.example/one", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
    text_one = "Flood defences along the river held overnight as water levels reached their highest point in a decade."
    response("https://news.example/one", STORY.format(title="Defences hold", charset="utf-8", text=text_one).encode(),
             "text/html; charset=utf-8")
    text_two = "La fête du village a réuni des centaines de familles malgré la pluie, selon les organisateurs."
    response("https://news.example/deux", STORY.format(title="Fête réussie", charset="iso-8859-1", text=text_two).encode("cp1252"),
             "text/html; charset=ISO-8859-1", date="2025-05-03T00:00:00Z")
    response("https://news.example/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00binary", "image/png")
    response("https://news.example/gone", b"<html>Not found</html>", "text/html", status="404 Not Found")
    return out.getvalue()


@pytest.mark.parametrize("gzipped", [False, True], ids=["warc", "warc.gz"])
def test_html_responses_become_articles(gzipped, make_ref, limits):
    data = _warc(gzipped)
    one, two = parse_page(data, make_ref(data, "cc-news.warc.gz" if gzipped else "cc-news.warc"), **limits)
    assert {one.source_format, two.source_format} == {"warc"}
    assert (one.url, one.title) == ("https://news.example/one", "Defences hold")
    assert one.body.startswith("Flood defences along the river held")
    assert "Contact us" not in one.body
    assert one.fetched_at == datetime(2025, 5, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert two.title == "Fête réussie" and "La fête du village a réuni" in two.body
    assert two.encoding == "cp1252"
    assert one.article_id != two.article_id
    assert (one.position, one.parent_id) == (0, None)  # separate pages, not related articles
    assert one.metadata["warc_record_id"].startswith("<urn:uuid:")


def test_warc_without_response_records_is_bad_input(make_ref, limits):
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    writer.write_record(writer.create_warcinfo_record("empty.warc", {"software": "test"}))
    data = out.getvalue()
    with pytest.raises(BadInputError, match="no response records"):
        parse_page(data, make_ref(data, "empty.warc.gz"), **limits)


def test_garbage_after_warc_magic_is_bad_input(make_ref, limits):
    data = b"WARC/1.0\r\nthis is not a header block\r\n\r\n\x00\x01"
    with pytest.raises(BadInputError):
        parse_page(data, make_ref(data), **limits)


def test_404_and_image_responses_are_counted_as_skipped_with_their_reason(make_ref, limits):
    from services.parser.parse import parse_file

    data = _warc(True)
    reading = parse_file(data, make_ref(data, "cc-news.warc.gz"), **limits)
    assert (len(reading.articles), reading.records) == (2, 4)
    reasons = [s.reason for s in reading.skipped]
    assert reasons == ["response 3 (https://news.example/logo.png) is not HTML (image/png)",
                       "response 4 (https://news.example/gone) has HTTP status 404"]
    assert all(s.record_id.startswith("<urn:uuid:") for s in reading.skipped)
