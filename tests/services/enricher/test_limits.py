"""Bounds per article (services/enricher/limits.py): every cap that bites is recorded, counts stay exact."""

from __future__ import annotations

import pytest

from services.enricher.limits import ES_NESTED_OBJECTS_LIMIT, EnrichLimits
from services.enricher.pipeline import Enricher

pytestmark = pytest.mark.unit

SENTENCE = "Officials in Kyiv said on Monday that talks would resume. "


def test_a_repetitive_body_is_read_up_to_the_limit_with_exact_counts_and_notes(nlp, make_article):
    limits = EnrichLimits(max_chars=20_000, max_mentions=10, max_dates=50)
    body = SENTENCE * 2_000  # 116,000 characters
    (enriched,) = Enricher(nlp=nlp, limits=limits).enrich_batch([make_article(body)])
    kyiv = next(e for e in enriched.entities if e.name == "Kyiv")
    read = body[:20_000]
    assert kyiv.count == read.count("Kyiv") > 10  # exact over the part read
    assert len(kyiv.mentions) == 10
    assert len(enriched.dates) == 50 < enriched.dates_total == read.count("Monday")
    assert enriched.partial == [
        "entities and dates were read in the first 20000 of 116000 characters (NEWSFLOW_ENRICH_MAX_CHARS)",
        "kept the first 10 mentions of 1 entities; their counts are exact (NEWSFLOW_ENRICH_MAX_MENTIONS_PER_ENTITY)",
        f"resolved the first 50 of {enriched.dates_total} dates (NEWSFLOW_ENRICH_MAX_DATES)",
    ]
    assert all(body[d.start : d.end] == d.text for d in enriched.dates)


def test_many_distinct_names_keep_the_most_mentioned(nlp, make_article):
    names = ["Maria Costa", "John Kamau", "Aiko Tanaka", "Paul Martin", "Rosa Quispe", "Jan Nowak"]
    body = "".join(f"{name} met the committee. " for name in names) + "Maria Costa spoke again. " * 3
    (enriched,) = Enricher(nlp=nlp, limits=EnrichLimits(max_entities=2)).enrich_batch([make_article(body)])
    assert len(enriched.entities) == 2 < enriched.entities_total
    assert enriched.entities[0].name == "Maria Costa"
    assert any("NEWSFLOW_ENRICH_MAX_ENTITIES" in note for note in enriched.partial)


def test_an_ordinary_article_is_not_marked_partial(enricher, make_article, seed_texts):
    (enriched,) = enricher.enrich_batch([make_article(seed_texts["seed_main"])])
    assert enriched.partial == []
    assert enriched.entities_total == len(enriched.entities) and enriched.dates_total >= len(enriched.dates)


def test_out_of_time_keeps_what_was_read_and_says_so(nlp, make_article):
    limits = EnrichLimits(time_limit_s=1e-9)  # expired before the first piece
    (enriched,) = Enricher(nlp=nlp, limits=limits).enrich_batch([make_article(SENTENCE * 50)])
    assert enriched.entities == [] and enriched.dates == []
    assert any("NEWSFLOW_ENRICH_TIME_LIMIT_S" in note for note in enriched.partial)


def test_limits_that_could_break_the_nested_object_limit_are_refused():
    with pytest.raises(ValueError, match="nested-object limit"):
        EnrichLimits(max_entities=ES_NESTED_OBJECTS_LIMIT // 2, max_dates=10)
