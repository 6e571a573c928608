"""The drop folder with real workers (issue 22, item 3): a half-written file is not taken, and a file that
failed and is dropped again, complete, is taken cleanly: no stale copy, reason file or dead letter."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from services.ingest.watcher import DropFolderWatcher

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PAGE = (Path(__file__).resolve().parents[1] / "fixtures" / "parser" / "news_article.html").read_bytes()


def _until(watcher, done, timeout_s=180):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        watcher.poll_once()
        if done():
            return
        time.sleep(0.1)
    raise AssertionError("the drop folder did not settle")


def test_a_paused_writer_then_a_failed_file_dropped_again_complete(pipeline, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    watcher = DropFolderWatcher(drop, pipeline.ingestor(), poll_s=0.1, stable_s=1.0)
    rt = pipeline.runtime

    # A writer that pauses 3 s with 40% of the page written: nothing is taken meanwhile.
    with (drop / "paused.html").open("wb") as handle:
        handle.write(PAGE[: len(PAGE) * 2 // 5])
        handle.flush()
        end = time.monotonic() + 3
        while time.monotonic() < end:
            watcher.poll_once()
            time.sleep(0.1)
        assert rt.status.raw_ids() == []
        handle.write(PAGE[len(PAGE) * 2 // 5 :])
    _until(watcher, lambda: (drop / "done" / "paused.html").exists())

    # A broken file fails (parse dead letter, failed/ with its reason); the fixed one replaces it.
    (drop / "page.html").write_bytes(b"\x00\x01 not a page \xff" * 40)
    _until(watcher, lambda: (drop / "failed" / "page.html.reason.txt").exists())
    assert [d.filename for d in rt.dead_letters.list()] == ["page.html"]
    (drop / "page.html").write_bytes(PAGE.replace(b"river-barrier", b"river-barrier-2"))
    _until(watcher, lambda: (drop / "done" / "page.html").exists())
    assert list((drop / "failed").iterdir()) == []
    assert rt.dead_letters.list() == []
    verified = json.loads(pipeline.cli("verify", "--json").stdout)
    assert (verified["indexed"], verified["failed"], verified["unaccounted"]) == (2, 0, 0), verified
