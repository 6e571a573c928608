"""Content-addressed store for the raw bytes users drop.

Ingest writes each file once under its sha256 (``raw/ab/cd/<sha256>``); queue
messages carry only that id (claim check), and ``newsflow reprocess`` re-reads
the bytes from here after the parser or enricher improves. Writes are atomic
(temporary file + rename), so a crash never leaves a half-written blob under a
valid name.

    >>> import tempfile
    >>> store = RawStore(Path(tempfile.mkdtemp()))
    >>> rid = store.put(b"hello")
    >>> store.get(rid)
    b'hello'
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from shared.errors import LimitExceededError, PermanentError, TransientError
from shared.identity import raw_id as compute_raw_id


class RawStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path_for(self, raw_id: str) -> Path:
        if len(raw_id) != 64 or not all(c in "0123456789abcdef" for c in raw_id):
            raise PermanentError(f"not a raw id: {raw_id!r}")
        return self.root / raw_id[:2] / raw_id[2:4] / raw_id

    def put(self, data: bytes) -> str:
        """Store ``data`` (once) and return its raw id."""
        rid = compute_raw_id(data)
        target = self.path_for(rid)
        if target.exists():
            return rid
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            # Disk full or read-only volume: say so plainly, the caller keeps the source file.
            raise TransientError(f"cannot write to the raw store at {self.root}: {exc.strerror or exc}") from exc
        return rid

    def incoming(self, max_bytes: int) -> IncomingBlob:
        """A blob written piece by piece (an HTTP body), hashed and size-checked as it arrives.

        >>> import tempfile
        >>> store = RawStore(Path(tempfile.mkdtemp()))
        >>> with store.incoming(max_bytes=10) as blob:
        ...     blob.write(b"hel"); blob.write(b"lo")
        ...     stored = blob.commit()
        >>> stored.raw_id == store.put(b"hello"), stored.created, stored.size_bytes
        (True, True, 5)
        """
        return IncomingBlob(self, max_bytes)

    def delete(self, raw_id: str) -> None:
        """Remove a blob (an ingest that could not be recorded takes back what it stored)."""
        self.path_for(raw_id).unlink(missing_ok=True)

    def exists(self, raw_id: str) -> bool:
        return self.path_for(raw_id).exists()

    def get(self, raw_id: str) -> bytes:
        path = self.path_for(raw_id)
        try:
            return path.read_bytes()
        except FileNotFoundError as exc:
            raise PermanentError(f"raw bytes {raw_id} are missing from the raw store at {self.root}") from exc

    def ids(self):
        """Every stored raw id (for reprocess and verify)."""
        if not self.root.exists():
            return
        for path in sorted(self.root.glob("??/??/*")):
            if not path.name.startswith("."):
                yield path.name


@dataclass(frozen=True)
class StoredBlob:
    raw_id: str
    size_bytes: int
    created: bool  # False: the same bytes were already stored


class IncomingBlob:
    """Bytes on their way into the store: a temporary file until ``commit``; ``discard`` (or leaving
    the ``with`` block without committing) removes it. ``write`` raises ``LimitExceededError`` as soon
    as the bytes pass ``max_bytes``, so an oversized body is never read to its end."""

    def __init__(self, store: RawStore, max_bytes: int):
        self.store = store
        self.max_bytes = max_bytes
        self.size = 0
        self._digest = hashlib.sha256()
        try:
            store.root.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(dir=store.root, prefix=".incoming-")
        except OSError as exc:
            raise TransientError(f"cannot write to the raw store at {store.root}: {exc.strerror or exc}") from exc
        self._handle = os.fdopen(fd, "wb")

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise LimitExceededError(f"body is over the limit of {self.max_bytes} bytes")
        self._digest.update(chunk)
        try:
            self._handle.write(chunk)
        except OSError as exc:
            raise TransientError(f"cannot write to the raw store at {self.store.root}: {exc.strerror or exc}") from exc

    def commit(self) -> StoredBlob:
        """Move the bytes under their sha256 (or drop them if that blob exists already)."""
        rid = self._digest.hexdigest()
        target = self.store.path_for(rid)
        try:
            self._handle.flush()
            if target.exists():
                self.discard()
                return StoredBlob(rid, self.size, created=False)
            os.fsync(self._handle.fileno())
            self._handle.close()
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._tmp, target)
        except OSError as exc:
            self.discard()
            raise TransientError(f"cannot write to the raw store at {self.store.root}: {exc.strerror or exc}") from exc
        return StoredBlob(rid, self.size, created=True)

    def discard(self) -> None:
        if not self._handle.closed:
            self._handle.close()
        Path(self._tmp).unlink(missing_ok=True)

    def __enter__(self) -> IncomingBlob:
        return self

    def __exit__(self, *exc_info) -> None:
        self.discard()
