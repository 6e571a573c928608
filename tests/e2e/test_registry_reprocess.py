"""Corpus-wide names end to end (issue 17): a later full name renames older articles on re-enrichment.

An article that only ever says "Halvorsen" is indexed under that name; a later article names
"Ingrid Halvorsen", and the registry makes the full form canonical. ``newsflow reprocess
--stage enrich --all`` then re-files the old article, so the people facet holds one value
and a person filter on the full name finds both articles.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from services.ingest.progress import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _export(folder: Path, name: str, title: str, text: str) -> Path:
    path = folder / f"{name}.jsonl"
    record = {"url": f"https://news.example.org/registry/{name}", "title": title, "text": text,
              "published": "2025-06-04T09:00:00Z"}
    path.write_text(json.dumps(record) + "\n")
    return path


def _people(es, alias: str) -> dict[str, list[str]]:
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=100, query={"match_all": {}})["hits"]["hits"]
    return {h["_source"]["title"]: h["_source"]["people"] for h in hits}


def test_reprocess_enrich_gives_old_articles_the_full_name_a_later_article_taught(pipeline, es, tmp_path):
    alias = pipeline.settings.index_alias
    ingestor = pipeline.ingestor()
    short = _export(tmp_path, "short", "Port budget passes",
                    "The port authority approved its budget on Monday. Halvorsen said the vote was close, and "
                    "Halvorsen thanked the dock workers for their patience during the long negotiations.")
    full = _export(tmp_path, "full", "Halvorsen named port chief",
                   "Ingrid Halvorsen was named head of the port authority on Tuesday after a long search. "
                   "Halvorsen said she would meet the dock workers' union within a week to discuss pay.")
    first = ingestor.ingest_file(short).raw_id
    assert wait_for(pipeline.runtime, [first], timeout_s=300)[0].state == "indexed"
    second = ingestor.ingest_file(full).raw_id
    assert wait_for(pipeline.runtime, [second], timeout_s=300)[0].state == "indexed"
    before = _people(es, alias)
    assert before["Port budget passes"] == ["Halvorsen"]  # enriched before the full name was known
    assert before["Halvorsen named port chief"] == ["Ingrid Halvorsen"]

    out = pipeline.cli("reprocess", "--stage", "enrich", "--all").stdout
    assert "re-sent 2 " in out
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and _people(es, alias)["Port budget passes"] != ["Ingrid Halvorsen"]:
        time.sleep(0.5)
    assert _people(es, alias) == {"Port budget passes": ["Ingrid Halvorsen"],
                                  "Halvorsen named port chief": ["Ingrid Halvorsen"]}
    found = json.loads(pipeline.cli("search", "--person", "Ingrid Halvorsen", "--json").stdout)
    assert found["total"] == 2
