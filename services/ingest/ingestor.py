"""Ingest: accept files, keep their bytes once, and send claim checks to the ``parse`` queue.

Used by ``newsflow ingest``, the drop-folder watcher, dead-letter replay and the
HTTP API. Nothing a user hands in is dropped silently: a file over the size
limit or one that cannot be read becomes a failed status plus a dead letter
that names the original path; identical bytes are recognised and not processed
twice.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from celery import Celery

from services.ingest.files import sha256_file
from shared.dead_letters import build_dead_letter
from shared.errors import EMPTY_FILE_REASON, BadInputError, LimitExceededError, PermanentError
from shared.models import RawPageRef, utc_now
from shared.queues import send
from shared.raw_store import StoredBlob
from shared.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    path: str
    raw_id: str | None
    outcome: str  # queued | duplicate | failed
    message: str = ""

    @property
    def duplicate(self) -> bool:
        """The same bytes were ingested before: nothing was sent again."""
        return self.outcome == "duplicate"


def human_size(size: int) -> str:
    """A byte count a person reads, exact where rounding would hide it.

    >>> human_size(100), human_size(12_345), human_size(52_428_800)
    ('100 bytes', '12.3 kB (12345 bytes)', '52.4 MB (52428800 bytes)')
    """
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1e3:.1f} kB ({size} bytes)"
    return f"{size / 1e6:.1f} MB ({size} bytes)"


def display_name(filename: str | None, url: str | None) -> str:
    """The name a page is shown under: the given file name, else the last part of its URL.

    >>> display_name(None, "https://example.org/news/harbour-fire.html?src=rss")
    'harbour-fire.html'
    >>> display_name(None, "https://example.org/")
    'example.org'
    >>> display_name("page.html", "https://example.org/x")
    'page.html'
    """
    if filename:
        return filename
    if url:
        parts = urlsplit(url)
        return unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]) or parts.netloc or url
    return "page"


class Ingestor:
    """Accepts pages for one runtime; ``app`` is the Celery app the claim checks are sent with."""

    def __init__(self, runtime: Runtime, app: Celery):
        self.rt = runtime
        self.app = app

    def ingest_bytes(
        self,
        data: bytes,
        filename: str | None = None,
        *,
        url: str | None = None,
        fetched_at: datetime | None = None,
    ) -> IngestResult:
        """Store ``data`` once and queue it for parsing; ``raw_id`` names it, ``duplicate`` says it was seen.

        ``filename`` (or, without one, the last part of ``url``) is for display
        only; ``fetched_at`` is when the page was crawled, the reference time for
        relative dates ("3 days ago"), timezone-aware.
        """
        with self.rt.raw_store.incoming(max_bytes=len(data)) as blob:
            blob.write(data)
            stored = blob.commit()
        return self.accept_stored(stored, filename, url=url, fetched_at=fetched_at)

    def accept_stored(
        self,
        blob: StoredBlob,
        filename: str | None = None,
        *,
        url: str | None = None,
        fetched_at: datetime | None = None,
    ) -> IngestResult:
        """Record and queue bytes already in the raw store (``ingest_bytes``, or an HTTP body the API
        streamed there with ``RawStore.incoming``).

        All or nothing: when the status cannot be recorded or the message cannot be sent, the
        registration and the bytes this call stored are taken back and the error is raised, so the
        sender can simply try again. (If even taking back fails, Redis is down: the file stays
        registered as received, and the sweeper sends it once the pipeline is idle again.)
        """
        filename = display_name(filename, url)
        rid = blob.raw_id
        ref = RawPageRef(
            raw_id=rid, filename=filename, size_bytes=blob.size_bytes, received_at=utc_now(),
            fetched_at=fetched_at, url=url,
        )  # fmt: skip
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
                log.warning(
                    "could not take back a failed ingest; the sweeper will redrive it",
                    extra={"stage": "ingest", "raw_id": rid},
                )
            raise
        return IngestResult(filename, rid, "queued")

    def ingest_file(self, path: Path, *, fetched_at: datetime | None = None) -> IngestResult:
        try:
            size = path.stat().st_size
            if size > self.rt.settings.max_raw_bytes:
                return self._reject_oversized(path, size)
            if size == 0:
                return self._reject_empty(path)
            data = path.read_bytes()
        except OSError as exc:
            # Unreadable: nothing reached the store, so the user's file is the only copy; say why.
            return IngestResult(str(path), None, "failed", f"cannot read {path}: {exc.strerror or exc}")
        return self.ingest_bytes(data, path.name, fetched_at=fetched_at)

    def _reject_oversized(self, path: Path, size: int) -> IngestResult:
        limit = self.rt.settings.max_raw_bytes
        reason = (
            f"file is {human_size(size)}, over the limit of {human_size(limit)} "
            "(raise NEWSFLOW_MAX_RAW_BYTES to accept it)"
        )
        return self._reject(path, sha256_file(path), size, LimitExceededError(reason))

    def _reject_empty(self, path: Path) -> IngestResult:
        """An empty file fails here, each on its own.

        There are no bytes to address, and every empty file has the same sha256: keyed by
        content, three empty files would be "one queued, two duplicates". So its id is
        derived from where and when it arrived instead, and nothing enters the raw store.
        """
        received = utc_now()
        rid = hashlib.sha256(f"empty file\x1f{path.resolve()}\x1f{received.isoformat()}".encode()).hexdigest()
        return self._reject(path, rid, 0, BadInputError(EMPTY_FILE_REASON), received_at=received)

    def _reject(self, path: Path, rid: str, size: int, exc: PermanentError, *, received_at=None) -> IngestResult:
        """Record a file refused at ingest: failed status plus a dead letter naming the original path."""
        reason = exc.reason
        ref = RawPageRef(raw_id=rid, filename=path.name, size_bytes=size, received_at=received_at or utc_now())
        if self.rt.status.register(ref):
            self.rt.status.mark_failed(rid, reason)
            self.rt.dead_letters.add(
                build_dead_letter(
                    stage="ingest",
                    exc=exc,
                    reason=reason,
                    raw_id=rid,
                    raw_path=str(path.resolve()),
                    filename=path.name,
                    payload=ref.model_dump(mode="json"),
                )
            )
        return IngestResult(str(path), rid, "failed", reason)
