"""Drop-folder watcher: ingest files as they arrive, file them under done/ or failed/ when the pipeline says so.

A file is picked up only once it is complete: its size and modification time
must be unchanged across two polls (a crawler may still be writing it). It stays
where it is until its status is final, so a watcher restart loses nothing: the
same bytes map to the same raw id and the watcher simply resumes waiting.
Links are never followed (they could point anywhere on the machine); they are
moved to failed/ with a note. Polling, not inotify, because drop folders are
often network or bind mounts where change events do not arrive.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from services.ingest.ingestor import Ingestor

log = logging.getLogger(__name__)

SPECIAL_DIRS = ("done", "failed")


@dataclass
class DropFolderWatcher:
    folder: Path
    ingestor: Ingestor
    poll_s: float = 0.5
    _sizes: dict[Path, tuple[int, float]] = field(default_factory=dict)
    _pending: dict[Path, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.folder = self.folder.resolve()
        for name in SPECIAL_DIRS:
            (self.folder / name).mkdir(parents=True, exist_ok=True)

    def candidates(self) -> list[Path]:
        found = []
        for path in sorted(self.folder.iterdir()):
            if path.name.startswith(".") or path.name in SPECIAL_DIRS:
                continue
            if path.is_symlink():
                self._file_away(path, "failed", "links are not followed; copy the file in instead")
                continue
            if path.is_file():
                found.append(path)
        return found

    def poll_once(self) -> None:
        """One pass: ingest newly complete files, file away those whose pipeline finished."""
        present = set()
        for path in self.candidates():
            present.add(path)
            if path in self._pending:
                continue
            stat = path.stat()
            signature = (stat.st_size, stat.st_mtime)
            if self._sizes.get(path) != signature:
                self._sizes[path] = signature  # changed since last poll: may still be written
                continue
            result = self.ingestor.ingest_file(path)
            log.info("ingested %s: %s %s", path.name, result.outcome, result.message)
            if result.raw_id is None:
                self._file_away(path, "failed", result.message)
            else:
                self._pending[path] = result.raw_id
        for path in list(self._pending):
            if path not in present:
                self._pending.pop(path)
                continue
            status = self.ingestor.rt.status.get(self._pending[path])
            if status is not None and status.done:
                target = "done" if status.state == "indexed" else "failed"
                self._file_away(path, target, status.reason)
                self._pending.pop(path)
        self._sizes = {p: s for p, s in self._sizes.items() if p in present}

    def _file_away(self, path: Path, target: str, reason: str | None) -> None:
        destination = _free_name(self.folder / target / path.name)
        path.rename(destination)  # same folder tree: a rename, which moves a link itself, not its target
        if reason:
            destination.with_name(destination.name + ".reason.txt").write_text(reason + "\n")

    def run(self, stop_after_s: float | None = None) -> None:
        started = time.monotonic()
        log.info("watching %s", self.folder)
        while stop_after_s is None or time.monotonic() - started < stop_after_s:
            try:
                self.poll_once()
            except Exception:  # noqa: BLE001 - a watcher must outlive a Redis blip; the next poll retries
                log.exception("watcher poll failed; retrying")
            time.sleep(self.poll_s)


def _free_name(path: Path) -> Path:
    """``name``, or ``name.1``, ``name.2``... when a file of that name was filed before."""
    candidate, n = path, 0
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = path.with_name(f"{path.name}.{n}")
    return candidate
