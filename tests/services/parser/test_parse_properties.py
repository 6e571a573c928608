"""Property tests: any bytes at all end in articles or a PermanentError, never another exception."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.parser.detect import detect
from services.parser.parse import parse_page
from shared.errors import PermanentError
from shared.identity import raw_id
from shared.models import RawPageRef

pytestmark = pytest.mark.unit

LIMITS = {"max_raw_bytes": 200_000, "max_decompressed_bytes": 400_000, "max_articles": 50}
FAST = settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow])

# Fragments of every format, so generated inputs reach the readers, not just the detector.
FRAGMENTS = st.sampled_from([
    b"<html>", b"<body>", b"<p>", b"</p>", b"<meta charset='latin-1'>", b"<script type='application/ld+json'>{",
    b"WARC/1.0\r\n", b"WARC-Type: response\r\n", b"Content-Length: 10\r\n", b"\r\n", b"{", b"}", b"[", b"]",
    b'"html": "', b'"text": "', b'"title": ', b"The Hindu3 days ago\n", b"time44 minutes ago\n", b"\n",
    "é".encode("cp1252"), "é".encode("utf-8"), b"\x1f\x8b", b"\x00", b"Headline\nHeadline\n",
    b"A sentence that is long enough to be a paragraph of real text, with words. ",
])
STRUCTURED = st.lists(st.one_of(FRAGMENTS, st.binary(max_size=40)), max_size=40).map(b"".join)


def _ref(data: bytes) -> RawPageRef:
    return RawPageRef(raw_id=raw_id(data), filename="drop", size_bytes=len(data),
                      received_at=datetime(2025, 1, 1, tzinfo=timezone.utc))


def _parse_or_permanent(data: bytes) -> None:
    try:
        articles = parse_page(data, _ref(data), **LIMITS)
    except PermanentError as error:
        assert error.reason.strip()
        return
    assert 1 <= len(articles) <= LIMITS["max_articles"]
    assert all(a.raw_id == raw_id(data) for a in articles)


@FAST
@given(st.binary(max_size=3000))
def test_arbitrary_bytes(data):
    _parse_or_permanent(data)


@FAST
@given(STRUCTURED)
def test_format_shaped_bytes(data):
    _parse_or_permanent(data)


@FAST
@given(STRUCTURED)
def test_gzipped_format_shaped_bytes(data):
    _parse_or_permanent(gzip.compress(data))


@FAST
@given(st.text(max_size=2000))
def test_arbitrary_text(text):
    _parse_or_permanent(text.encode("utf-8"))


@FAST
@given(st.binary(max_size=2000))
def test_detector_never_raises_anything_else(data):
    try:
        found = detect(data, max_decompressed_bytes=LIMITS["max_decompressed_bytes"])
    except PermanentError:
        return
    assert found.format in {"html", "text", "json", "warc"}
