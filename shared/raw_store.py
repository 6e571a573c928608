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

import os
import tempfile
from pathlib import Path

from shared.errors import PermanentError, TransientError
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
