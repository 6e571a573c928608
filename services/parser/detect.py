"""Which reader a dropped file needs, decided by its content.

Users drop files with missing or misleading extensions (``page.txt`` that is
HTML, ``export.json`` that is JSON lines, ``crawl.warc.gz``), so the bytes
decide and the file name is only a tie-breaker. Gzip is unwrapped first,
member by member (WARC.gz files are many concatenated members), with the
output capped by ``max_decompressed_bytes``: a decompression bomb is reported
as a ``LimitExceededError``, never expanded.

    >>> detect(b"<!doctype html><html><body><p>Hi</p></body></html>", max_decompressed_bytes=10**6).format
    'html'
    >>> import gzip; detect(gzip.compress(b'{"title": "t"}'), max_decompressed_bytes=10**6).format
    'json'
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from shared.errors import EMPTY_FILE_REASON, BadInputError, LimitExceededError
from shared.models import SourceFormat

_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 8192
_HTML_MARKERS = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title>|<article[\s>]|<div[\s>]|<p[\s>]", re.IGNORECASE
)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_CHUNK = 1 << 20
_TEXT_BYTES = bytes(range(9, 14)) + bytes(range(32, 256))  # deleting these leaves control characters


@dataclass(frozen=True)
class Detected:
    format: SourceFormat
    data: bytes  # decompressed when the file was gzipped


def gunzip(data: bytes, max_decompressed_bytes: int) -> bytes:
    """Decompress every gzip member, refusing to produce more than the limit."""
    out = bytearray()
    rest = data
    while rest[:2] == _GZIP_MAGIC:
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        pending = rest
        try:
            while pending and not decompressor.eof:
                out += decompressor.decompress(pending, _CHUNK)
                pending = decompressor.unconsumed_tail
                if len(out) > max_decompressed_bytes:
                    raise LimitExceededError(
                        f"The gzip data expands to more than the {max_decompressed_bytes}-byte limit."
                    )
            out += decompressor.flush()
        except zlib.error as exc:
            raise BadInputError(f"The gzip data is corrupt ({exc}).") from exc
        if len(out) > max_decompressed_bytes:
            raise LimitExceededError(f"The gzip data expands to more than the {max_decompressed_bytes}-byte limit.")
        if not decompressor.eof:
            raise BadInputError("The gzip data is truncated.")
        rest = decompressor.unused_data
    return bytes(out)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first kilobytes mean this is not text."""
    head = data[:_SNIFF_BYTES]
    if head.startswith(_BOMS[1:]):  # UTF-16 text has NULs by design
        return False
    if b"\x00" in head:
        return True
    controls = len(head.translate(None, _TEXT_BYTES))
    return controls > len(head) * 0.05


def _head(data: bytes) -> bytes:
    """The first kilobytes as ASCII-compatible bytes, without BOM and leading space."""
    head = data[:_SNIFF_BYTES]
    if head.startswith(_BOMS[1:]):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")


def _sniff(head: bytes, filename: str) -> SourceFormat:
    name = filename.lower()
    if head[:1] in (b"{", b"["):
        return "json"
    if head[:1] == b"<" and _HTML_MARKERS.search(head):
        return "html"
    if _HTML_MARKERS.search(head) and name.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if head.startswith(b"<") and name.endswith((".html", ".htm", ".xhtml")):
        return "html"
    return "text"


def detect(data: bytes, *, filename: str = "", max_decompressed_bytes: int) -> Detected:
    """Format of ``data`` (after gunzip); text dumps are told apart from plain text later."""
    if data[:2] == _GZIP_MAGIC:
        data = gunzip(data, max_decompressed_bytes)
        filename = filename[:-3] if filename.lower().endswith(".gz") else filename
    head = _head(data)
    if not head.strip() and not data.strip():
        raise BadInputError(EMPTY_FILE_REASON)
    if head.startswith(b"WARC/"):  # before the binary test: WARC payloads may be images
        return Detected(format="warc", data=data)
    if looks_binary(data):
        raise BadInputError("The file is binary, not HTML, text, JSON or WARC.")
    return Detected(format=_sniff(head, filename), data=data)
