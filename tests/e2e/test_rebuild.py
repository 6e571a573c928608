"""Rebuild from the raw store (issue 22, item 10): the raw store is the source of truth.

Every index behind the alias is deleted; ``newsflow reprocess --all`` rebuilds the same
articles (same ids, same count, same enrichments) while new files keep arriving.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.ingest.progress import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_617e04975ce0a18a.txt"
CITIES = ["Lisbon", "Nairobi", "Osaka", "Toronto", "Lima", "Warsaw", "Hanoi", "Accra"]
VOLATILE = {"enriched_at", "indexed_at"}  # when it happened, not what was found


def _export(folder: Path, n: int, start: int) -> Path:
    path = folder / f"export-{start}.jsonl"
    lines = []
    for i in range(start, start + n):
        city = CITIES[i % len(CITIES)]
        lines.append(json.dumps({
            "url": f"https://news.example.org/rebuild/{i}",
            "title": f"{city} council approves budget plan number {i}",
            "text": f"The city council of {city} approved budget plan number {i} on Monday, June 2, 2025. "
                    f"Mayor Maria Costa said the plan would fund {i % 7 + 2} new schools in {city}.",
            "published": "2025-06-04T09:00:00Z",
        }))
    path.write_text("\n".join(lines) + "\n")
    return path


def _documents(es, alias: str) -> dict[str, dict]:
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=1000, query={"match_all": {}})["hits"]["hits"]
    return {h["_id"]: {k: v for k, v in h["_source"].items() if k not in VOLATILE} for h in hits}


def test_deleting_every_index_and_reprocessing_all_rebuilds_the_same_articles(pipeline, es, tmp_path):
    alias = pipeline.settings.index_alias
    ingestor = pipeline.ingestor()
    first = [ingestor.ingest_file(p).raw_id for p in (SEED, _export(tmp_path, 4, 0), _export(tmp_path, 4, 10))]
    assert all(s.state == "indexed" for s in wait_for(pipeline.runtime, first, timeout_s=300))
    before = _documents(es, alias)
    assert len(before) == 12

    es.indices.delete(index=",".join(es.indices.get_alias(name=alias)))
    assert not es.indices.exists_alias(name=alias)

    rebuilt = pipeline.cli("reprocess", "--all")
    assert "re-sent 3 of 3 file(s)" in rebuilt.stdout
    arriving = [ingestor.ingest_file(_export(tmp_path, 3, 20)).raw_id]  # new files keep arriving meanwhile
    statuses = wait_for(pipeline.runtime, first + arriving, timeout_s=300)
    assert all(s.state == "indexed" for s in statuses), [s.as_dict() for s in statuses]

    after = _documents(es, alias)
    assert len(after) == 15
    assert {k: after[k] for k in before} == before  # same ids, same enrichments
    verified = json.loads(pipeline.cli("verify", "--json").stdout)
    assert (verified["indexed"], verified["unaccounted"], verified["in_flight"]) == (4, 0, 0), verified
