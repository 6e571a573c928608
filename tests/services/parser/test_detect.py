"""Format detection by content, gzip unwrapping and the decompression-bomb limit."""

from __future__ import annotations

import gzip
import io

import pytest

from services.parser.detect import detect, gunzip
from shared.errors import BadInputError, LimitExceededError

pytestmark = pytest.mark.unit

LIMIT = 10_000_000


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"<!DOCTYPE html><html><head><title>x</title></head><body></body></html>", "page.html", "html"),
        (b"\xef\xbb\xbf  <html><body><p>hello</p></body></html>", "", "html"),
        (b"<html><body><p>saved with the wrong extension</p></body></html>", "page.txt", "html"),
        (b'{"title": "t", "text": "b"}', "export.txt", "json"),
        (b'[{"title": "t"}]', "", "json"),
        (b'{"a": 1}\n{"a": 2}\n', "lines.jsonl", "json"),
        (b"WARC/1.0\r\nWARC-Type: warcinfo\r\n\r\n", "crawl.warc", "warc"),
        (b"Title\nThe Hindu3 days ago\nbody", "dump.html", "text"),
        (b"just some words < and > signs", "notes.txt", "text"),
        ("<html><body><p>utf-16 page</p></body></html>".encode("utf-16"), "", "html"),
    ],
)
def test_formats_are_told_apart_by_content(data, filename, expected):
    assert detect(data, filename=filename, max_decompressed_bytes=LIMIT).format == expected


def test_gzip_wrapped_anything_is_unwrapped():
    inner = b"<html><body><p>compressed</p></body></html>"
    found = detect(gzip.compress(inner), filename="page.html.gz", max_decompressed_bytes=LIMIT)
    assert (found.format, found.data) == ("html", inner)


def test_multi_member_gzip_like_warc_gz_is_read_whole():
    members = gzip.compress(b"WARC/1.0\r\n") + gzip.compress(b"second member")
    assert gunzip(members, LIMIT) == b"WARC/1.0\r\nsecond member"


def test_decompression_bomb_is_refused_not_expanded():
    bomb = io.BytesIO()
    with gzip.GzipFile(fileobj=bomb, mode="wb") as out:
        chunk = b"\0" * 1_000_000
        for _ in range(50):  # 50 MB of zeros compress to about 50 KB
            out.write(chunk)
    with pytest.raises(LimitExceededError, match="limit"):
        detect(bomb.getvalue(), max_decompressed_bytes=5_000_000)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        (gzip.compress(b"<html>x</html>")[:-6], "truncated"),
        (b"\x1f\x8b\x08\x00garbage-after-the-magic", "corrupt"),
    ],
)
def test_unusable_bytes_are_bad_input_with_a_reason(data, reason):
    with pytest.raises(BadInputError, match=reason):
        detect(data, max_decompressed_bytes=LIMIT)
