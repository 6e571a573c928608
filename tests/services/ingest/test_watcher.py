"""The drop folder: only complete files are taken, links are never followed, odd names are fine."""

import os

import pytest

from services.ingest.ingestor import Ingestor
from services.ingest.watcher import DropFolderWatcher
from shared.queues import make_celery

pytestmark = pytest.mark.integration


@pytest.fixture
def watcher(isolated, redis_client, tmp_path):
    from shared.runtime import Runtime

    settings, _ = isolated
    rt = Runtime(settings)
    drop = tmp_path / "drop"
    drop.mkdir()
    # The stability window alone (no inotify), and "unchanged since the last look" as its length.
    return DropFolderWatcher(drop, Ingestor(rt, make_celery(settings)), poll_s=0, stable_s=0, use_inotify=False)


@pytest.fixture
def inotify_watcher(isolated, redis_client, tmp_path):
    from shared.runtime import Runtime

    settings, _ = isolated
    drop = tmp_path / "drop"
    drop.mkdir()
    watcher = DropFolderWatcher(drop, Ingestor(Runtime(settings), make_celery(settings)), poll_s=0, stable_s=0.2)
    assert watcher._inotify is not None, "inotify is available on Linux"
    return watcher


def test_a_file_still_being_written_is_not_taken_until_it_stops_changing(watcher):
    path = watcher.folder / "growing.html"
    path.write_bytes(b"<html><body>")
    watcher.poll_once()
    with path.open("ab") as handle:
        handle.write(b"<p>more</p>")
    os.utime(path, (1, 1))  # a write with a different mtime, as a slow copy would leave
    watcher.poll_once()
    assert watcher.ingestor.rt.status.raw_ids() == []
    watcher.poll_once()  # unchanged since the last look: complete
    assert len(watcher.ingestor.rt.status.raw_ids()) == 1


def test_links_are_filed_as_failed_without_touching_their_target(watcher, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the pipeline")
    (watcher.folder / "link.html").symlink_to(secret)
    watcher.poll_once()
    assert (watcher.folder / "failed" / "link.html").is_symlink()
    assert "links are not followed" in (watcher.folder / "failed" / "link.html.reason.txt").read_text()
    assert secret.read_text() == "not for the pipeline"
    assert watcher.ingestor.rt.status.raw_ids() == []


def test_odd_file_names_are_ingested_and_kept_verbatim(watcher):
    name = "Ünïcode 'quoted' name; rm -rf $(x) ..html"
    (watcher.folder / name).write_bytes(b"<html><body><p>odd</p></body></html>")
    watcher.poll_once()
    watcher.poll_once()
    (raw_id,) = watcher.ingestor.rt.status.raw_ids()
    assert watcher.ingestor.rt.status.get(raw_id).filename == name


def test_hidden_and_partial_download_files_are_ignored(watcher):
    (watcher.folder / ".page.html.swp").write_bytes(b"x")
    watcher.poll_once()
    watcher.poll_once()
    assert watcher.ingestor.rt.status.raw_ids() == []


def test_a_writer_that_pauses_with_the_file_open_is_not_taken_until_it_closes(inotify_watcher):
    import time

    path = inotify_watcher.folder / "slow.html"
    page = b"<html><body><article><p>" + b"The council met on Monday. " * 200 + b"</p></article></body></html>"
    with path.open("wb") as handle:
        handle.write(page[: len(page) * 2 // 5])
        handle.flush()
        inotify_watcher.poll_once()
        time.sleep(0.6)  # three times the stability window, still open
        inotify_watcher.poll_once()
        assert inotify_watcher.ingestor.rt.status.raw_ids() == []
        handle.write(page[len(page) * 2 // 5 :])
    inotify_watcher.poll_once()  # closed by its writer: complete at once
    (raw_id,) = inotify_watcher.ingestor.rt.status.raw_ids()
    assert inotify_watcher.ingestor.rt.raw_store.get(raw_id) == page


def test_the_stability_window_is_a_setting(isolated, redis_client, tmp_path):
    from shared.runtime import Runtime

    settings, _ = isolated
    (tmp_path / "drop").mkdir()
    watcher = DropFolderWatcher(tmp_path / "drop", Ingestor(Runtime(settings.model_copy(update={"drop_stable_s": 3600})),
                                                         make_celery(settings)), poll_s=0, use_inotify=False)
    (watcher.folder / "page.html").write_bytes(b"<html><body><p>x</p></body></html>")
    watcher.poll_once()
    watcher.poll_once()
    assert watcher.stable_s == 3600 and watcher.ingestor.rt.status.raw_ids() == []


def test_a_file_dropped_again_after_failing_is_taken_cleanly(watcher):
    rt = watcher.ingestor.rt
    path = watcher.folder / "page.html"
    path.write_bytes(b"")  # the first attempt: fails at ingest ("The file is empty")
    watcher.poll_once()
    watcher.poll_once()
    watcher.poll_once()
    reason_file = watcher.folder / "failed" / "page.html.reason.txt"
    assert "The file is empty" in reason_file.read_text()
    (old_letter,) = rt.dead_letters.list()

    path.write_bytes(b"<html><body><article><p>" + b"The council met on Monday. " * 20 + b"</p></article></body></html>")
    watcher.poll_once()
    watcher.poll_once()
    (raw_id,) = [rid for rid in rt.status.raw_ids() if rid != old_letter.raw_id]
    rt.status.set_parsed(raw_id, ["a1"])  # what the workers would do: parsed and indexed
    rt.status.mark_article(raw_id, "a1", "indexed")
    watcher.poll_once()
    assert (watcher.folder / "done" / "page.html").is_file()
    assert sorted(p.name for p in (watcher.folder / "failed").iterdir()) == []  # no stale copy or reason file
    assert rt.dead_letters.list() == []  # nor a stale dead letter
    assert rt.status.raw_ids() == [raw_id]
