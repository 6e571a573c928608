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
    return DropFolderWatcher(drop, Ingestor(rt, make_celery(settings)), poll_s=0)


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
