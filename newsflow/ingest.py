"""Ingest: accept files, keep their bytes once, and send claim checks to the ``parse`` queue.

Used by ``newsflow ingest``, the drop-folder watcher and ``newsflow reprocess``.
Nothing a user hands in is dropped silently: a file over the size limit or one
that cannot be read becomes a failed status plus a dead letter that names the
original path; identical bytes are recognised and not processed twice.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from celery import Celery

from shared.dead_letters import build_dead_letter
from shared.errors import LimitExceededError
from shared.models import RawPageRef, utc_now
from shared.queues import send
from shared.raw_store import StoredBlob
from shared.runtime import Runtime
from shared.status import FileStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    path: str
    raw_id: str | None
    outcome: str  # queued | duplicate | failed
    message: str = ""


def expand_paths(items: Iterable[str]) -> Iterator[Path]:
    """Files named directly, found under folders (recursively) or matched by globs, in a stable order.

    Hidden files and links inside folders are skipped: a folder may hold editor
    swap files or links pointing anywhere on the machine.
    """
    for item in items:
        matches = sorted(glob.glob(item, recursive=True)) if glob.has_magic(item) else [item]
        for match in matches:
            path = Path(match)
            if path.is_dir():
                for child in sorted(path.rglob("*")):
                    if child.is_file() and not child.is_symlink() and not _hidden(child.relative_to(path)):
                        yield child
            else:
                yield path


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Ingestor:
    def __init__(self, runtime: Runtime, app: Celery):
        self.rt = runtime
        self.app = app

    def ingest_bytes(self, data: bytes, filename: str, *, fetched_at: datetime | None = None) -> IngestResult:
        rid = self.rt.raw_store.put(data)
        ref = RawPageRef(
            raw_id=rid, filename=filename, size_bytes=len(data), received_at=utc_now(), fetched_at=fetched_at
        )
        if not self.rt.status.register(ref):
            first = self.rt.status.get(rid)
            seen_as = first.filename if first else "?"
            return IngestResult(filename, rid, "duplicate", f"same bytes as {seen_as!r}, already ingested")
        send(self.app, "parse", ref.model_dump(mode="json"))
        return IngestResult(filename, rid, "queued")

    def accept_stored(
        self, blob: StoredBlob, filename: str, *, fetched_at: datetime | None = None, url: str | None = None
    ) -> IngestResult:
        """Record and queue bytes already in the raw store (``RawStore.incoming``: a streamed HTTP body).

        All or nothing: when the status cannot be recorded or the message cannot be sent, the
        registration and the bytes this call stored are taken back and the error is raised, so the
        sender can simply try again. (If even that fails, Redis is down: the file stays registered
        as received and the sweeper sends it once the pipeline is idle again.)
        """
        rid = blob.raw_id
        ref = RawPageRef(raw_id=rid, filename=filename, size_bytes=blob.size_bytes, received_at=utc_now(),
                         fetched_at=fetched_at, url=url)
        registered = False
        try:
            registered = self.rt.status.register(ref)
            if not registered:
                first = self.rt.status.get(rid)
                seen_as = first.filename if first else "?"
                return IngestResult(filename, rid, "duplicate", f"same bytes as {seen_as!r}, already ingested")
            send(self.app, "parse", ref.model_dump(mode="json"))
        except Exception:
            try:
                if registered:
                    self.rt.status.unregister(rid)
                if blob.created:
                    self.rt.raw_store.delete(rid)
            except Exception:  # noqa: BLE001 - the original error is the one to report
                log.warning("could not take back a failed ingest; the sweeper will redrive it",
                            extra={"stage": "ingest", "raw_id": rid})
            raise
        return IngestResult(filename, rid, "queued")

    def ingest_file(self, path: Path, *, fetched_at: datetime | None = None) -> IngestResult:
        try:
            size = path.stat().st_size
            if size > self.rt.settings.max_raw_bytes:
                return self._reject_oversized(path, size)
            data = path.read_bytes()
        except OSError as exc:
            # Unreadable: nothing reached the store, so the user's file is the only copy; say why.
            return IngestResult(str(path), None, "failed", f"cannot read {path}: {exc.strerror or exc}")
        return self.ingest_bytes(data, path.name, fetched_at=fetched_at)

    def _reject_oversized(self, path: Path, size: int) -> IngestResult:
        limit = self.rt.settings.max_raw_bytes
        reason = (
            f"file is {size / 1e6:.1f} MB, over the limit of {limit / 1e6:.1f} MB "
            "(raise NEWSFLOW_MAX_RAW_BYTES to accept it)"
        )
        rid = _sha256_file(path)
        ref = RawPageRef(raw_id=rid, filename=path.name, size_bytes=size, received_at=utc_now())
        if self.rt.status.register(ref):
            self.rt.status.mark_failed(rid, reason)
            self.rt.dead_letters.add(
                build_dead_letter(
                    stage="ingest", exc=LimitExceededError(reason), reason=reason, raw_id=rid,
                    raw_path=str(path.resolve()), filename=path.name, payload=ref.model_dump(mode="json"),
                )
            )
        return IngestResult(str(path), rid, "failed", reason)

    def reprocess(self, raw_id: str, *, keep_progress: bool = False) -> bool:
        """Send a stored file through the pipeline again (after a parser or enricher improvement).

        ``keep_progress`` keeps the articles already counted (redrive after a lost message);
        otherwise the file's accounting starts afresh.
        """
        ref = self.rt.status.ref(raw_id)
        if ref is None or not self.rt.raw_store.exists(raw_id):
            return False
        if keep_progress:
            self.rt.status.touch(raw_id)
        else:
            self.rt.status.reset(raw_id)
        send(self.app, "parse", ref.model_dump(mode="json"))
        return True


def wait_for(runtime: Runtime, raw_ids: list[str], timeout_s: float, on_progress=None) -> list[FileStatus]:
    """Poll until every file reached a final state (or time is up); returns the last statuses."""
    from shared.status import TERMINAL_STATES

    deadline = time.monotonic() + timeout_s
    while True:
        states = runtime.status.states(raw_ids)
        finished = all(state in TERMINAL_STATES for state in states)
        if on_progress or finished or time.monotonic() > deadline:
            statuses = [s for s in (runtime.status.get(rid) for rid in raw_ids) if s is not None]
            if on_progress:
                on_progress(statuses)
            if finished or time.monotonic() > deadline:
                return statuses
        time.sleep(0.1 if len(raw_ids) < 50 else 0.5)
