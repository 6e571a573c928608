"""Drop-folder watcher: ingest files as they arrive, file them under done/ or failed/ when the pipeline says so.

When is a file complete? Two signals, the first one available wins:

* **inotify** (Linux, local file systems): a file is taken when its writer closes it
  (``IN_CLOSE_WRITE``) or it is renamed into the folder (``IN_MOVED_TO``); one still
  open for writing is never taken, however long its writer pauses.
* **the stability window** (``NEWSFLOW_DROP_STABLE_S``): a file the watcher saw no
  event for (it was there before the watcher started, or the folder is a network or
  bind mount where events do not arrive) is taken once its size and modification time
  have not changed for that long.

The safe way to drop a file is still write-then-rename: write ``page.html.part`` (or
a hidden ``.page.html``), then rename it to ``page.html``; names ending in ``.part``,
``.tmp``, ``.crdownload`` and hidden files are ignored.

A file stays where it is until its status is final, so a watcher restart loses
nothing: the same bytes map to the same raw id and the watcher resumes waiting. A
file that failed and is dropped again under the same name, rewritten, supersedes the
failed one once it is indexed: the old copy and its reason file leave failed/, and
the old attempt's dead letter, status and raw bytes are removed. Links are never
followed (they could point anywhere on the machine); they go to failed/ with a note.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from services.ingest.ingestor import Ingestor

log = logging.getLogger(__name__)

SPECIAL_DIRS = ("done", "failed")
PARTIAL_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")
_RAW_ID_LINE = "raw id: "


def _events(folder: Path):
    """An inotify watch on ``folder``, or None where the platform has none."""
    try:
        from inotify_simple import INotify, flags
    except ImportError:  # not Linux: the stability window alone decides
        return None
    try:
        inotify = INotify(nonblocking=True)
        inotify.add_watch(str(folder), flags.CLOSE_WRITE | flags.MOVED_TO | flags.CREATE | flags.MODIFY)
    except OSError:
        return None
    return inotify


@dataclass
class DropFolderWatcher:
    folder: Path
    ingestor: Ingestor
    poll_s: float = 0.5
    stable_s: float | None = None  # default: NEWSFLOW_DROP_STABLE_S
    use_inotify: bool = True
    _sizes: dict[Path, tuple[tuple[int, float], float]] = field(default_factory=dict)
    _pending: dict[Path, str] = field(default_factory=dict)
    _writing: set[str] = field(default_factory=set)
    _closed: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.folder = self.folder.resolve()
        for name in SPECIAL_DIRS:
            (self.folder / name).mkdir(parents=True, exist_ok=True)
        if self.stable_s is None:
            self.stable_s = self.ingestor.rt.settings.drop_stable_s
        self._inotify = _events(self.folder) if self.use_inotify else None

    def candidates(self) -> list[Path]:
        found = []
        for path in sorted(self.folder.iterdir()):
            if path.name.startswith(".") or path.name in SPECIAL_DIRS or path.name.endswith(PARTIAL_SUFFIXES):
                continue
            if path.is_symlink():
                self._file_away(path, "failed", "links are not followed; copy the file in instead")
                continue
            if path.is_file():
                found.append(path)
        return found

    def _read_events(self) -> None:
        if self._inotify is None:
            return
        from inotify_simple import flags

        for event in self._inotify.read(timeout=0):
            if event.mask & flags.Q_OVERFLOW:
                # Events were lost: what is known of who is writing may be stale, so every file
                # falls back to the stability window until new events arrive.
                self._writing.clear()
                self._closed.clear()
                continue
            if not event.name:
                continue
            if event.mask & (flags.CLOSE_WRITE | flags.MOVED_TO):
                self._writing.discard(event.name)
                self._closed.add(event.name)
            elif event.mask & (flags.CREATE | flags.MODIFY):
                self._closed.discard(event.name)
                self._writing.add(event.name)

    def _complete(self, path: Path) -> bool:
        """Closed by its writer (inotify), or unchanged for the stability window."""
        if path.name in self._writing:
            return False  # open for writing right now: a pause is not the end
        stat = path.stat()
        signature = (stat.st_size, stat.st_mtime)
        now = time.monotonic()
        if path.name in self._closed:
            return True
        seen = self._sizes.get(path)
        if seen is None or seen[0] != signature:
            self._sizes[path] = (signature, now)  # new, or changed since the last look
            return False
        return now - seen[1] >= self.stable_s

    def poll_once(self) -> None:
        """One pass: ingest newly complete files, file away those whose pipeline finished."""
        self._read_events()
        present = set()
        for path in self.candidates():
            present.add(path)
            if path in self._pending or not self._complete(path):
                continue
            self._closed.discard(path.name)
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
            raw_id = self._pending[path]
            status = self.ingestor.rt.status.get(raw_id)
            if status is not None and status.done:
                if status.state == "indexed":
                    self._supersede_failed(path.name, raw_id)
                    self._file_away(path, "done", None)
                else:
                    self._file_away(path, "failed", status.reason, raw_id=raw_id)
                self._pending.pop(path)
        self._sizes = {p: s for p, s in self._sizes.items() if p in present}

    def _file_away(self, path: Path, target: str, reason: str | None, *, raw_id: str | None = None) -> None:
        destination = _free_name(self.folder / target / path.name)
        path.rename(destination)  # same folder tree: a rename, which moves a link itself, not its target
        if reason:
            note = reason + "\n" + (f"{_RAW_ID_LINE}{raw_id}\n" if raw_id else "")
            destination.with_name(destination.name + ".reason.txt").write_text(note)

    def _supersede_failed(self, name: str, raw_id: str) -> None:
        """A file of this name failed before and is now indexed: the failed attempt is history."""
        failed = self.folder / "failed"
        for old in [failed / name, *sorted(failed.glob(f"{name}.[0-9]*"))]:
            if old.name.endswith(".reason.txt") or not old.is_file():
                continue
            note = old.with_name(old.name + ".reason.txt")
            old_raw_id = _raw_id_in(note)
            if old_raw_id and old_raw_id != raw_id:
                self._forget_attempt(old_raw_id)
            note.unlink(missing_ok=True)
            old.unlink()
            log.info("%s was dropped again and indexed; its failed attempt is removed", name)

    def _forget_attempt(self, raw_id: str) -> None:
        rt = self.ingestor.rt
        for letter in rt.dead_letters.list():
            if letter.raw_id == raw_id:
                rt.dead_letters.remove(letter.dead_letter_id)
        rt.raw_store.delete(raw_id)  # bytes first: a blob without a record would be recovered by the sweeper
        rt.status.forget(raw_id)

    def run(self, stop_after_s: float | None = None) -> None:
        started = time.monotonic()
        log.info(
            "watching %s (%s)", self.folder, "inotify and a stability window" if self._inotify else "a stability window"
        )
        while stop_after_s is None or time.monotonic() - started < stop_after_s:
            try:
                self.poll_once()
            except Exception:  # noqa: BLE001 - a watcher must outlive a Redis blip; the next poll retries
                log.exception("watcher poll failed; retrying")
            time.sleep(self.poll_s)


def _raw_id_in(note: Path) -> str | None:
    try:
        lines = note.read_text().splitlines()
    except OSError:
        return None
    return next((line[len(_RAW_ID_LINE) :].strip() for line in lines if line.startswith(_RAW_ID_LINE)), None)


def _free_name(path: Path) -> Path:
    """``name``, or ``name.1``, ``name.2``... when a file of that name was filed before."""
    candidate, n = path, 0
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = path.with_name(f"{path.name}.{n}")
    return candidate
