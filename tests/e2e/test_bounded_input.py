"""Bounded memory and time for any input (issue 22, item 9), against real workers, Redis and Elasticsearch.

Hostile pages generated here, beside ordinary ones flowing through the same pipeline:
one sentence naming a place and a weekday repeated ~880,000 times (a 50 MB text: it
used to grow an enricher past 15 GB; as plain text, so the parser hands all of it on,
where HTML extraction would fold the repeated paragraphs), 40,000 distinct dates, and thousands of distinct
invented names. Each must be indexed with the limits it hit recorded and its counts
exact, inside Elasticsearch's nested-object limit, while every enricher process stays
under its memory ceiling and the ordinary pages are indexed as usual.
"""

from __future__ import annotations

import json
import random

import psutil
import pytest

from services.ingest.progress import wait_for
from newsflow.stack import LocalStack, isolated_pipeline

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SENTENCE = "Officials in Kyiv said on Monday that talks would resume. "
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def _page(title: str, sentences: list[str], per_paragraph: int = 20) -> bytes:
    paragraphs = ("<p>" + "".join(sentences[i : i + per_paragraph]) + "</p>" for i in range(0, len(sentences), per_paragraph))
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            + "".join(paragraphs) + "</article></body></html>").encode()


def _invented_names(n: int) -> list[str]:
    rnd = random.Random(22)
    syllables = ["ka", "lo", "mi", "ren", "tu", "za", "vo", "shi", "bel", "dar", "gon", "pra", "nes", "ul"]
    word = lambda k: "".join(rnd.choice(syllables) for _ in range(k)).title()  # noqa: E731
    return [f"{word(2)} {word(3)} met the harbour committee on Tuesday. " for _ in range(n)]


@pytest.fixture
def isolated(unique_prefix, tmp_path, base_settings):
    """The test's own pipeline, its parser at normal priority: at idle priority (the default) a 50 MB
    page waits behind every other process of a busy shared machine, which says nothing about bounds."""
    return isolated_pipeline(base_settings, unique_prefix, tmp_path / "runtime", NEWSFLOW_RETRY_BACKOFF_S="0.2",
                             NEWSFLOW_PARSER_SCHEDULING="normal")


def hostile_pages() -> dict[str, bytes]:
    dates = [f"On {d:02d} {m} {y} the board met again. " for y in range(1901, 2021) for m in MONTHS for d in range(1, 29)]
    return {
        "repeated.txt": ("Talks to resume\n" + SENTENCE * 880_000).encode(),
        "dates.html": _page("The board's minutes", dates[:40_000]),
        "names.html": _page("Harbour committee guests", _invented_names(60_000)),
    }


def ordinary_pages(folder) -> list:
    paths = []
    for i in range(12):
        path = folder / f"ordinary-{i:02d}.json"
        path.write_text(json.dumps({
            "url": f"https://news.example.org/ordinary/{i}",
            "title": f"Lisbon council approves budget plan {i}",
            "text": f"The city council of Lisbon approved budget plan {i} on Monday after a long debate. "
                    f"Mayor Maria Costa said the plan would fund {i + 2} new schools.",
        }))
        paths.append(path)
    return paths


def _pool_processes(settings, name: str) -> list[psutil.Process]:
    main = LocalStack(settings).managed(name).process()
    assert main is not None, f"{name} is not running"
    return main.children(recursive=True)


def _peak_rss_mb(proc: psutil.Process) -> float:
    for line in open(f"/proc/{proc.pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_hostile_pages_are_enriched_within_bounds_beside_ordinary_ones(pipeline, es, tmp_path):
    settings = pipeline.settings
    hostile = hostile_pages()
    for name, data in hostile.items():
        (tmp_path / name).write_bytes(data)
    paths = [tmp_path / "repeated.txt", *ordinary_pages(tmp_path)[:6], tmp_path / "dates.html",
             tmp_path / "names.html", *ordinary_pages(tmp_path)[6:]]
    ingestor = pipeline.ingestor()
    raw_ids = [ingestor.ingest_file(p).raw_id for p in paths]

    enrichers = _pool_processes(settings, "enricher")
    assert enrichers and all(p.rlimit(psutil.RLIMIT_AS)[0] == settings.enricher_max_memory_mb * 2**20 for p in enrichers)

    statuses = {s.filename: s for s in wait_for(pipeline.runtime, raw_ids, timeout_s=900)}
    assert all(s.state == "indexed" for s in statuses.values()), [
        (n, s.state, s.reason) for n, s in statuses.items() if s.state != "indexed"]
    for proc in _pool_processes(settings, "enricher"):
        assert _peak_rss_mb(proc) < settings.enricher_max_memory_mb

    es.indices.refresh(index=settings.index_alias)
    docs = {d["_source"]["title"]: d["_source"] for d in
            es.search(index=settings.index_alias, size=100, query={"match_all": {}})["hits"]["hits"]}
    assert len(docs) == 15
    for title in ("Talks to resume", "The board's minutes", "Harbour committee guests"):
        doc = docs[title]
        assert any("NEWSFLOW_ENRICH_MAX_CHARS" in note for note in doc["enrichment_partial"]), doc["enrichment_partial"]
        assert len(doc["entities"]) + len(doc["place_details"]) + len(doc["dates"]) < 10_000  # ES nested limit
        assert len(doc["dates"]) <= settings.enrich_max_dates < doc["dates_total"]

    repeated = docs["Talks to resume"]
    assert len(repeated["body"]) > 50_000_000 - 2_000_000  # the whole text is indexed, only enrichment is bounded
    (kyiv,) = [e for e in repeated["entities"] if e["name"] == "Kyiv"]
    assert kyiv["count"] > settings.enrich_max_mentions_per_entity  # exact count, beyond the kept mentions
    assert "Kyiv" in repeated["places"]
    names = docs["Harbour committee guests"]
    assert len(names["entities"]) == settings.enrich_max_entities < names["entities_total"]

    ordinary = docs["Lisbon council approves budget plan 3"]
    assert ordinary["enrichment_partial"] == [] and "Maria Costa" in ordinary["people"]
    verified = json.loads(pipeline.cli("verify", "--json").stdout)
    assert (verified["unaccounted"], verified["in_flight"], verified["indexed"]) == (0, 0, 15)
