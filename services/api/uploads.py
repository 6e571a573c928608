"""Reading upload bodies into the raw store as they arrive, with the size limit enforced while reading.

* ``read_body``: a plain body (the page's bytes) into one ``SpooledBlob``.
* ``read_multipart``: a ``multipart/form-data`` body, parsed incrementally by
  python-multipart's streaming parser; every file part goes into its own
  blob, each with its own limit, so one oversized file is refused (its bytes
  dropped as they come) while the others are kept.

Memory stays flat whatever the body's size: past ``SPILL_BYTES`` a chunk is
written to disk and dropped before the next one is read. A body smaller than
that (most pages; multipart files always go to disk) stays in memory until ``commit``, which the route runs in a
worker thread: the event loop, which every request shares, then makes no file
system call for it (creating, writing and removing a temporary file there cost
each page several milliseconds on a busy machine, every other request waiting).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from shared.errors import LimitExceededError
from shared.raw_store import IncomingBlob, RawStore, StoredBlob

MAX_PARTS = 1000
# Held in memory below this; 256 KiB covers most HTML pages, and 1,000 uploads at once hold 256 MB.
SPILL_BYTES = 256 * 1024


class UploadError(ValueError):
    """A body that is not what its Content-Type says (bad multipart); a 400."""


class SpooledBlob:
    """Bytes on their way into the raw store: in memory up to ``spill_bytes``, then in an
    ``IncomingBlob`` (a temporary file in the store). ``write`` raises ``LimitExceededError`` as soon
    as the bytes pass ``max_bytes``. ``commit`` (blocking: file system calls and an fsync) stores
    them under their sha256; ``discard`` drops them.

    >>> import tempfile
    >>> from pathlib import Path
    >>> store = RawStore(Path(tempfile.mkdtemp()))
    >>> small, large = SpooledBlob(store, 100, spill_bytes=4), SpooledBlob(store, 100, spill_bytes=4)
    >>> small.write(b"abc"); large.write(b"abc"); large.write(b"defg")
    >>> list(store.root.glob(".incoming-*")) != [], small.size, large.size  # only the large one spilled
    (True, 3, 7)
    >>> store.get(small.commit().raw_id), store.get(large.commit().raw_id)
    (b'abc', b'abcdefg')
    """

    def __init__(self, store: RawStore, max_bytes: int, spill_bytes: int = SPILL_BYTES):
        self.store, self.max_bytes, self.spill_bytes = store, max_bytes, spill_bytes
        self.size = 0
        self._buffer = bytearray()
        self._file: IncomingBlob | None = None

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise LimitExceededError(f"body is over the limit of {self.max_bytes} bytes")
        if self._file is None and self.size <= self.spill_bytes:
            self._buffer += chunk
            return
        self._spilled().write(chunk)

    def _spilled(self) -> IncomingBlob:
        if self._file is None:
            self._file = self.store.incoming(self.max_bytes)
            self._file.write(bytes(self._buffer))
            self._buffer = bytearray()
        return self._file

    def commit(self) -> StoredBlob:
        stored = self._spilled().commit()
        # Moved under its raw id (or dropped as a duplicate): nothing is left for ``discard`` to
        # remove, so the route's ``discard`` on the event loop makes no file system call.
        self._file = None
        return stored

    def discard(self) -> None:
        self._buffer = bytearray()
        if self._file is not None:
            self._file.discard()


async def read_body(chunks: AsyncIterator[bytes], store: RawStore, max_bytes: int) -> SpooledBlob:
    """The whole body in a blob (not committed). ``LimitExceededError`` past ``max_bytes``, the
    blob already discarded."""
    blob = SpooledBlob(store, max_bytes)
    try:
        async for chunk in chunks:
            blob.write(chunk)
    except BaseException:
        blob.discard()
        raise
    return blob


@dataclass
class Part:
    filename: str
    blob: SpooledBlob | None = None
    error: str | None = None  # "too_large" once its bytes passed the limit


class _Collector:
    """python-multipart callbacks: one ``Part`` per file field, form fields without a filename ignored."""

    def __init__(self, store: RawStore, max_bytes: int):
        self.store, self.max_bytes = store, max_bytes
        self.parts: list[Part] = []
        self.current: Part | None = None
        self._name, self._value = b"", b""
        self._headers: dict[str, bytes] = {}

    def callbacks(self) -> dict:
        return {
            "on_part_begin": self.part_begin, "on_header_field": self.header_field,
            "on_header_value": self.header_value, "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished, "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }  # fmt: skip

    def part_begin(self) -> None:
        self._headers = {}
        self.current = None

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._name += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def header_end(self) -> None:
        # Raw bytes: HTTP headers are latin-1 on the wire, but browsers put UTF-8 file names in them.
        self._headers[self._name.decode("latin-1").lower()] = self._value
        self._name, self._value = b"", b""

    def headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get("content-disposition", b""))
        filename = options.get(b"filename")
        if filename is None:
            return  # a plain form field: not a page
        if len(self.parts) >= MAX_PARTS:
            raise UploadError(f"more than {MAX_PARTS} files in one upload")
        self.current = Part(filename=filename.decode("utf-8", "replace") or "upload")
        # Straight to disk: an upload may hold up to MAX_PARTS files, too many to keep in memory.
        self.current.blob = SpooledBlob(self.store, self.max_bytes, spill_bytes=0)
        self.parts.append(self.current)

    def part_data(self, data: bytes, start: int, end: int) -> None:
        part = self.current
        if part is None or part.blob is None:
            return
        try:
            part.blob.write(data[start:end])
        except LimitExceededError:
            part.blob.discard()
            part.blob, part.error = None, "too_large"

    def part_end(self) -> None:
        self.current = None

    def discard_all(self) -> None:
        for part in self.parts:
            if part.blob is not None:
                part.blob.discard()


async def read_multipart(
    chunks: AsyncIterator[bytes], content_type: str, store: RawStore, max_bytes: int
) -> list[Part]:
    """Every file of a multipart body, each in its own blob (or refused as too large)."""
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise UploadError("multipart/form-data without a boundary")
    collector = _Collector(store, max_bytes)
    parser = MultipartParser(boundary, collector.callbacks())
    try:
        async for chunk in chunks:
            parser.write(chunk)
        parser.finalize()
    except BaseException as exc:
        collector.discard_all()
        if isinstance(exc, UploadError):
            raise
        if isinstance(exc, (MultipartParseError, ValueError)):  # ValueError: a header it cannot read
            raise UploadError(f"malformed multipart body: {exc}") from exc
        raise
    return collector.parts
