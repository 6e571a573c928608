"""The whole enricher on seed-like articles: what the lead's task will call."""

import pytest

from shared.models import EnrichedArticle, PageDate
from services.enricher.pipeline import ENRICHER_VERSION, Enricher, chunks

pytestmark = pytest.mark.unit


def test_chunks_cover_the_text_exactly():
    text = "para one\n" * 50 + "x" * 300
    pieces = chunks(text, limit=100)
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= 100 for _, p in pieces)
    assert all(text[o : o + len(p)] == p for o, p in pieces)


def test_seed_articles_are_fully_enriched(seed_enriched):
    main = seed_enriched["seed_main"]
    assert isinstance(main, EnrichedArticle)
    assert main.enricher_version == ENRICHER_VERSION
    assert (main.language, main.published.resolution) == ("en", "relative_to_fetch")
    assert main.published.value.date().isoformat() == "2025-06-02"
    assert main.keywords and main.fingerprint.startswith("minhash64:")
    assert main.duplicate_of is None
    # Round trip through JSON as the task sends it.
    assert EnrichedArticle.model_validate_json(main.model_dump_json()) == main


def test_long_article_is_enriched_whole_with_right_offsets(nlp, make_article, seed_texts):
    body = "\n".join([seed_texts["seed_main"]] * 6)  # ~14k characters, cut into ~2k pieces below
    small_chunks = Enricher(nlp=nlp, max_chunk_chars=2_500)
    (enriched,) = small_chunks.enrich_batch([make_article(body)])
    terekhov = next(e for e in enriched.entities if e.name == "Ihor Terekhov")
    assert terekhov.count == 12  # twice per copy, none lost at piece boundaries
    assert max(m.start for m in terekhov.mentions) > len(body) - len(seed_texts["seed_main"])
    for entity in enriched.entities:
        assert all(body[m.start : m.end] == m.text for m in entity.mentions)
    for expr in enriched.dates:
        assert body[expr.start : expr.end] == expr.text


def test_duplicate_of_is_set_for_a_syndicated_copy(enricher, make_article, seed_texts):
    story = seed_texts["seed_related_pentagon"]
    original, copy = enricher.enrich_batch([
        make_article(story, article_id="wsj"),
        make_article("Reprinted with permission of our partner.\n" + story, article_id="mint"),
    ])
    assert original.duplicate_of is None
    assert copy.duplicate_of == "wsj"


def test_article_without_any_date_reference(enricher, make_article):
    article = make_article("Officials met on Monday in Kyiv.", fetched_at=None,
                           published=PageDate(text="3 days ago", origin="visible-text"))
    (enriched,) = enricher.enrich_batch([article])
    assert enriched.published is None
    (monday,) = enriched.dates
    assert (monday.value, monday.resolution) == (None, "unresolved")


def test_empty_body_is_not_an_error(enricher, make_article):
    (enriched,) = enricher.enrich_batch([make_article("", title="Only a title")])
    assert enriched.entities == [] and enriched.dates == [] and enriched.language in (None, "en")


def test_the_north_as_a_metonym_is_no_place(enricher, make_article):
    body = ("Pyongyang fired a missile on Monday, the North's state media said. South Korea condemned the launch. "
            "Leaders in the West said the North has tested several missiles this year.")
    [enriched] = enricher.enrich_batch([make_article(body)])
    places = {p.name for p in enriched.places}
    assert {"Pyongyang", "South Korea"} <= places
    assert not places & {"North", "West"}
    assert not {e.name for e in enriched.entities} & {"North", "West"}


def _unseen_words_article(make_article, tag: str, i: int):
    return make_article(" ".join(f"Mayor Zorblat{tag}{i}q{j} opened the Quuxville{tag}{i}w{j} bridge." for j in range(40)))


def test_past_the_vocabulary_limit_a_stream_of_new_words_does_not_grow_it(nlp, make_article):
    """A long-running worker keeps flat memory: once the vocabulary is full, words first seen in
    a batch are freed after it."""
    enricher = Enricher(nlp=nlp, vocab_limit=0)

    def article(i: int):
        return _unseen_words_article(make_article, "full", i)

    enricher.enrich_batch([article(0)])
    strings_before = len(nlp.vocab.strings)
    enriched = enricher.enrich_batch([article(i) for i in range(1, 20)])

    assert len(nlp.vocab.strings) == strings_before
    # Offsets taken inside the memory zone still point at the right text afterwards.
    found = [e for a in enriched for e in a.entities]
    assert found
    for enriched_article in enriched:
        body = enriched_article.article.body
        assert all(body[m.start : m.end] == m.text for e in enriched_article.entities for m in e.mentions)


def test_the_vocabulary_keeps_new_words_up_to_its_limit_then_stops_growing(nlp, make_article):
    """Below the limit the words stay (no lexeme is built twice); the limit bounds the growth."""
    limit = len(nlp.vocab.strings) + 300  # one of these articles adds ~160 strings
    enricher = Enricher(nlp=nlp, vocab_limit=limit)
    start = len(nlp.vocab.strings)

    enricher.enrich_batch([_unseen_words_article(make_article, "kept", 0)])
    after_one = len(nlp.vocab.strings)
    assert after_one > start
    for i in range(1, 10):
        enricher.enrich_batch([_unseen_words_article(make_article, "kept", i)])
    full = len(nlp.vocab.strings)
    assert limit <= full < limit + (after_one - start)  # it stops at most one batch past the limit
    enricher.enrich_batch([_unseen_words_article(make_article, "kept", 99)])
    assert len(nlp.vocab.strings) == full


def test_a_failing_article_costs_only_itself_in_a_batch(nlp, make_article, seed_texts):
    """enrich_each: the batch worker settles the failure on that article and indexes the rest."""
    from services.enricher.dedup import MemoryDuplicateIndex

    class FailsOn(MemoryDuplicateIndex):
        def find_or_add(self, article_id, sig):
            if article_id == "bad":
                raise ConnectionError("duplicate index unreachable")
            return super().find_or_add(article_id, sig)

    enricher = Enricher(nlp=nlp, duplicates=FailsOn())
    body = seed_texts["seed_main"]
    batch = [make_article(body, article_id="first"), make_article("Other news from Kyiv today.", article_id="bad"),
             make_article(body, article_id="copy")]
    first, bad, copy = enricher.enrich_each(batch)
    assert isinstance(bad, ConnectionError)
    assert (first.article.article_id, first.duplicate_of) == ("first", None)
    assert (copy.article.article_id, copy.duplicate_of) == ("copy", "first")  # enriched again, not twice-seen
    assert enricher.enrich_each([make_article(body, article_id="next")])[0].duplicate_of == "first"
