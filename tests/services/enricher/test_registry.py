"""Corpus-wide canonical names: the same matching in memory and through the real Redis, shared by workers."""

import pytest
import redis

from services.enricher.registry import Known, MemoryRegistry, apply, entity_id
from services.enricher.registry_store import RedisRegistry
from shared.models import Entity, Mention


def _names(registry, *articles):
    """Canonical name of every (type, name) of each article, filed in order."""
    return [{k[1]: v.name for k, v in r.items()} for r in registry.resolve_batch([list(a) for a in articles])]


@pytest.fixture
def client(redis_url, unique_prefix):
    r = redis.Redis.from_url(redis_url)
    yield r
    keys = list(r.scan_iter(match=f"{unique_prefix}:*"))
    if keys:
        r.delete(*keys)
    r.close()


@pytest.fixture(params=["memory", "redis"])
def make_registry(request, unique_prefix):
    """A factory: each call is one more worker on the same registry."""
    if request.param == "memory":
        shared = MemoryRegistry()
        return lambda: shared
    client = request.getfixturevalue("client")
    return lambda: RedisRegistry(client, prefix=f"{unique_prefix}:registry")


@pytest.mark.integration
def test_surname_joins_the_one_full_name_and_spelling_variants_join(make_registry):
    reg = make_registry()
    _names(reg, [("person", "Donald Trump"), ("person", "Volodymyr Zelensky"), ("person", "Joshua Apte")])
    assert _names(make_registry(), [("person", "Trump"), ("person", "Volodymyr Zelenskiy"), ("person", "Josh Apte")]) \
        == [{"Trump": "Donald Trump", "Volodymyr Zelenskiy": "Volodymyr Zelensky", "Josh Apte": "Joshua Apte"}]


@pytest.mark.integration
def test_ambiguous_surname_stays_apart_and_types_never_mix(make_registry):
    reg = make_registry()
    _names(reg, [("person", "Kim Jong Un")], [("person", "Kim Yo Jong")])
    [names] = _names(reg, [("person", "Kim"), ("organization", "Trump"), ("person", "Ivanka Trump")])
    assert names == {"Kim": "Kim", "Trump": "Trump", "Ivanka Trump": "Ivanka Trump"}


@pytest.mark.integration
def test_surname_first_then_full_name_renames_the_entity(make_registry):
    reg = make_registry()
    [first] = reg.resolve_batch([[("person", "Trump")]])
    [second] = make_registry().resolve_batch([[("person", "Donald Trump")]])
    assert first[("person", "Trump")].entity_id == second[("person", "Donald Trump")].entity_id
    assert _names(make_registry(), [("person", "Trump")]) == [{"Trump": "Donald Trump"}]


@pytest.mark.integration
def test_organisation_less_a_leading_word_joins_the_one_longer_name(make_registry):
    reg = make_registry()
    _names(reg, [("organization", "UEFA Champions League")])
    assert _names(reg, [("organization", "Champions League")]) == [{"Champions League": "UEFA Champions League"}]


@pytest.mark.integration
def test_racing_workers_that_split_a_person_heal_on_the_next_surname(client, unique_prefix):
    a = RedisRegistry(client, prefix=f"{unique_prefix}:registry")
    b = RedisRegistry(client, prefix=f"{unique_prefix}:registry")
    a.resolve_batch([[("person", "Trump")]])
    # Worker b decided "Donald Trump" is new before a's write landed: its write, as b would send it.
    donald = Known(entity_id("person", "Donald Trump"), "person", "Donald Trump", 0, {"donald trump"})
    b._write({donald.entity_id: donald}, {donald.entity_id}, set(), {("person:trum", donald.entity_id)},
             [{donald.entity_id}])
    [healed] = a.resolve_batch([[("person", "Trump")]])
    assert healed[("person", "Trump")].entity_id == donald.entity_id
    assert _names(b, [("person", "Donald Trump")]) == [{"Donald Trump": "Donald Trump"}]


@pytest.mark.unit
def test_apply_merges_two_names_of_one_entity_and_keeps_the_aliases():
    reg = MemoryRegistry()
    reg.resolve([("person", "Volodymyr Zelensky")])
    entities = [
        Entity(type="person", name="Volodymyr Zelenskiy", count=2, first_offset=0,
               mentions=[Mention(text="Volodymyr Zelenskiy", start=0, end=19), Mention(text="Zelenskiy", start=40, end=49)]),
        Entity(type="person", name="Zelensky", count=1, first_offset=30, mentions=[Mention(text="Zelensky", start=30, end=38)]),
    ]
    resolved = reg.resolve([(e.type, e.name) for e in entities])
    [merged] = apply(entities, resolved)
    assert (merged.name, merged.count, merged.first_offset) == ("Volodymyr Zelensky", 3, 0)
    assert merged.aliases == ["Volodymyr Zelenskiy", "Zelensky"] and merged.entity_id
    assert [m.start for m in merged.mentions] == [0, 30, 40]


@pytest.mark.integration
def test_enricher_gives_a_later_articles_surname_the_corpus_name(nlp, client, unique_prefix, make_article):
    from services.enricher.pipeline import Enricher

    worker_a = Enricher(nlp=nlp, registry=RedisRegistry(client, prefix=f"{unique_prefix}:registry"))
    worker_b = Enricher(nlp=nlp, registry=RedisRegistry(client, prefix=f"{unique_prefix}:registry"))
    [first] = worker_a.enrich_batch([make_article("President Donald Trump spoke in Ohio on Monday.", article_id="a1")])
    [second] = worker_b.enrich_batch([make_article("Mr. Trump said on Tuesday that the talks with China would go on.", article_id="a2")])
    people = {e.name: e for e in first.entities + second.entities if e.type == "person"}
    assert set(people) == {"Donald Trump"}
    later = next(e for e in second.entities if e.type == "person")
    assert later.aliases == ["Trump"] and later.entity_id == people["Donald Trump"].entity_id
