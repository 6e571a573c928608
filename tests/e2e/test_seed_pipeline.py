"""End to end: real Redis, real Elasticsearch, three real worker processes, the real CLI."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from services.ingest.progress import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_617e04975ce0a18a.txt"
BOILERPLATE = ("Try Our AI Features", "DOWNLOAD THE APP", "Orange background", "No comments yet")


def _ingest_and_wait(pipeline, *paths, timeout_s=120):
    ingestor = pipeline.ingestor()
    results = [ingestor.ingest_file(p) for p in paths]
    raw_ids = [r.raw_id for r in results if r.raw_id]
    statuses = wait_for(pipeline.runtime, raw_ids, timeout_s)
    assert all(s.done for s in statuses), [s.as_dict() for s in statuses]
    return results, statuses


def _all_docs(es, alias):
    es.indices.refresh(index=alias)
    return [h["_source"] for h in es.search(index=alias, size=100, query={"match_all": {}})["hits"]["hits"]]


def _envelope(pipeline, *args):
    return json.loads(pipeline.cli("search", *args, "--json").stdout)


def _search(pipeline, *args):
    return _envelope(pipeline, *args)["hits"]


def test_seed_page_becomes_four_clean_searchable_articles(pipeline, es):
    _, (status,) = _ingest_and_wait(pipeline, SEED)
    assert status.state == "indexed"
    docs = _all_docs(es, pipeline.settings.index_alias)
    assert len(docs) == 4
    assert sorted(d["source"] for d in docs) == ["India Today", "Mint", "The Hindu", "The Hindu"]
    titles = {d["title"] for d in docs}
    assert "Ukraine, Russia meet in Turkiye for peace talks with few hopes for breakthrough" in titles
    assert "North Korea's Kim says he'll 'unconditionally support' Russia's war against Ukraine" in titles
    for doc in docs:
        flat = json.dumps(doc)
        for phrase in BOILERPLATE:
            assert phrase not in flat, f"boilerplate {phrase!r} leaked into {doc['title']!r}"

    hits = _search(pipeline, "Kim Jong Un")
    assert hits[0]["title"].startswith("North Korea's Kim says")

    umerov = _search(pipeline, "--person", "Rustem Umerov")
    assert [h["title"] for h in umerov] == [
        "Ukraine, Russia meet in Turkiye for peace talks with few hopes for breakthrough"
    ]

    # The North Korea story mentions "Thursday (June 5, 2025)"; the Istanbul one "Monday (June 2, 2025)".
    around_june_2 = _search(pipeline, "--mentioned-since", "2025-06-02", "--mentioned-until", "2025-06-02")
    assert "Ukraine, Russia meet in Turkiye for peace talks with few hopes for breakthrough" in {
        h["title"] for h in around_june_2
    }
    far_future = _search(pipeline, "--mentioned-since", "2031-01-01")
    assert far_future == []

    # The query language, facets and paging through the CLI (the same core as GET /v1/search).
    envelope = _envelope(pipeline, "Kim Jong Un")
    assert envelope["total"] >= 1 and "Kim Jong Un" in {f["value"] for f in envelope["facets"]["people"]}
    assert "North Korea's Kim says" not in {h["title"][:22] for h in _search(pipeline, "Ukraine AND NOT Kim")}
    first = _envelope(pipeline, "--size", "2", "--sort", "newest")
    second = _envelope(pipeline, "--size", "2", "--sort", "newest", "--cursor", first["next_cursor"])
    assert first["total"] == 4 and len({h["id"] for h in first["hits"] + second["hits"]}) == 4
    lines = pipeline.cli("export", "--format", "csv").stdout.splitlines()
    assert lines[0].startswith("article_id,") and len(lines) == 5


def test_reingesting_changes_nothing_and_renamed_copies_are_recognised(pipeline, es, tmp_path):
    _ingest_and_wait(pipeline, SEED)
    es.indices.refresh(index=pipeline.settings.index_alias)
    before = es.count(index=pipeline.settings.index_alias)["count"]
    copy = tmp_path / "renamed-copy.txt"
    shutil.copy(SEED, copy)
    ingestor = pipeline.ingestor()
    again = ingestor.ingest_file(SEED)
    renamed = ingestor.ingest_file(copy)
    assert again.outcome == renamed.outcome == "duplicate"
    assert "000_617e04975ce0a18a.txt" in renamed.message
    es.indices.refresh(index=pipeline.settings.index_alias)
    assert es.count(index=pipeline.settings.index_alias)["count"] == before == 4


def test_bad_files_fail_with_a_reason_and_a_dead_letter_while_the_batch_lands(pipeline, es, tmp_path):
    bad = {
        "empty.html": b"",
        "binary.bin": bytes(range(256)) * 64,
        "broken.json": b'{"title": "half a record", "text": ',
    }
    paths = []
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    paths.append(SEED)
    results, statuses = _ingest_and_wait(pipeline, *paths)
    by_name = {s.filename: s for s in statuses}
    assert by_name[SEED.name].state == "indexed"
    letters = {letter.filename: letter for letter in pipeline.runtime.dead_letters.list()}
    for name in bad:
        assert by_name[name].state == "failed", by_name[name]
        assert by_name[name].reason and len(by_name[name].reason) > 10
        letter = letters[name]
        # An empty file fails at ingest, on its own ("The file is empty."); the others at parse.
        assert letter.stage == ("ingest" if name == "empty.html" else "parse") and letter.reason == by_name[name].reason
        assert letter.raw_path and open(letter.raw_path, "rb").read() == bad[name], "raw bytes are kept"
    verify = json.loads(pipeline.cli("verify", "--json").stdout)
    assert verify["unaccounted"] == 0 and verify["indexed"] == 1 and verify["failed"] == 3


def test_drop_folder_files_move_to_done_only_when_indexed(pipeline, es, tmp_path):
    from services.ingest.watcher import DropFolderWatcher

    drop = tmp_path / "drop"
    drop.mkdir()
    watcher = DropFolderWatcher(drop, pipeline.ingestor(), poll_s=0.1)
    shutil.copy(SEED, drop / SEED.name)
    (drop / "empty.txt").write_bytes(b"")
    watcher.poll_once()
    assert (drop / SEED.name).exists(), "a file is not picked up before its size is stable"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (drop / "done" / SEED.name).exists():
        watcher.poll_once()
        time.sleep(0.1)
    assert (drop / "done" / SEED.name).exists()
    while time.monotonic() < deadline and not (drop / "failed" / "empty.txt").exists():
        watcher.poll_once()
        time.sleep(0.1)
    assert (drop / "failed" / "empty.txt").exists()
    assert (drop / "failed" / "empty.txt.reason.txt").read_text().strip()
    es.indices.refresh(index=pipeline.settings.index_alias)
    assert es.count(index=pipeline.settings.index_alias)["count"] == 4


def test_reprocess_enrich_redoes_outdated_enrichments_in_place(pipeline, es):
    from services.enricher.pipeline import ENRICHER_VERSION

    _ingest_and_wait(pipeline, SEED)
    alias = pipeline.settings.index_alias
    before = {d["article_id"]: d for d in _all_docs(es, alias)}
    stale_id = next(i for i, d in before.items() if d["title"].startswith("Ukraine, Russia meet"))
    # As an older enricher left it: another version, and the people it had not found.
    es.update(index=alias, id=stale_id, doc={"enricher_version": "0.0.1", "people": []}, refresh=True)

    out = pipeline.cli("reprocess", "--stage", "enrich", "--outdated").stdout
    assert "re-sent 1 " in out

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        after = {d["article_id"]: d for d in _all_docs(es, alias)}
        if after[stale_id]["enricher_version"] == ENRICHER_VERSION:
            break
        time.sleep(0.5)
    assert after[stale_id]["enricher_version"] == ENRICHER_VERSION
    assert "Rustem Umerov" in after[stale_id]["people"]
    assert set(after) == set(before)  # overwritten in place: no new document
    untouched = [i for i in before if i != stale_id]
    assert all(after[i]["indexed_at"] == before[i]["indexed_at"] for i in untouched)
