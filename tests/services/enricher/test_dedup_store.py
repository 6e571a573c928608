"""The Redis-backed duplicate index against a real Redis (per-test key prefix, cleaned up)."""

import time

import pytest
import redis

from services.enricher import dedup
from services.enricher.dedup_store import RedisDuplicateIndex
from services.enricher.tasks import duplicate_index
from shared.runtime import Runtime
from shared.settings import Settings

pytestmark = pytest.mark.integration

TTL_S = 3600


@pytest.fixture
def client(redis_url, unique_prefix):
    r = redis.Redis.from_url(redis_url)
    yield r
    keys = list(r.scan_iter(match=f"{unique_prefix}:*"))
    if keys:
        r.delete(*keys)
    r.close()


def test_copy_seen_by_another_worker_is_a_duplicate(client, unique_prefix, seed_texts):
    story = seed_texts["seed_related_pentagon"]
    worker_a = RedisDuplicateIndex(client, prefix=unique_prefix, ttl_s=TTL_S)
    worker_b = RedisDuplicateIndex(client, prefix=unique_prefix, ttl_s=TTL_S)
    assert worker_a.find_or_add("wsj", dedup.signature(story)) is None
    assert worker_b.find_or_add("mint", dedup.signature("(Reuters) By our staff.\n" + story)) == "wsj"
    assert worker_b.find_or_add("other", dedup.signature(seed_texts["seed_main"])) is None


def test_redelivery_keeps_the_first_arrival_as_original(client, unique_prefix, seed_texts):
    story = seed_texts["seed_main"]
    index = RedisDuplicateIndex(client, prefix=unique_prefix, ttl_s=TTL_S)
    index.find_or_add("first", dedup.signature(story))
    index.find_or_add("second", dedup.signature("Updated. " + story))
    assert index.find_or_add("first", dedup.signature(story)) is None
    assert index.find_or_add("second", dedup.signature("Updated. " + story)) == "first"


def test_all_keys_live_under_the_prefix(client, unique_prefix, seed_texts):
    RedisDuplicateIndex(client, prefix=unique_prefix, ttl_s=TTL_S).find_or_add(
        "x", dedup.signature(seed_texts["seed_main"])
    )
    keys = [k.decode() for k in client.scan_iter(match=f"{unique_prefix}:*")]
    assert f"{unique_prefix}:article:x" in keys and f"{unique_prefix}:seq" in keys
    assert sum(k.startswith(f"{unique_prefix}:band:") for k in keys) == dedup.BANDS


def test_fingerprints_expire_and_an_expired_original_is_forgotten(client, unique_prefix, seed_texts):
    story = seed_texts["seed_related_pentagon"]
    # Two seconds: long enough to list the keys before they expire on a loaded machine.
    index = RedisDuplicateIndex(client, prefix=unique_prefix, ttl_s=2)
    index.find_or_add("wsj", dedup.signature(story))
    written = [k for k in client.scan_iter(match=f"{unique_prefix}:*") if not k.endswith(b":seq")]
    assert len(written) == 1 + dedup.BANDS
    assert all(0 < client.pttl(k) <= 2000 for k in written)
    time.sleep(2.3)
    assert index.find_or_add("mint", dedup.signature("(Reuters) By our staff.\n" + story)) is None
    bands = [k for k in client.scan_iter(match=f"{unique_prefix}:band:*")]
    assert bands and all(client.smembers(k) == {b"mint"} for k in bands)


def test_an_expired_id_still_listed_in_a_band_is_skipped_and_removed(client, unique_prefix, seed_texts):
    """A band set outlives an article when a newer member renewed it."""
    story = seed_texts["seed_main"]
    index = RedisDuplicateIndex(client, prefix=unique_prefix, ttl_s=60)
    index.find_or_add("old", dedup.signature(story))
    client.delete(f"{unique_prefix}:article:old")  # as if it had expired
    assert index.find_or_add("copy", dedup.signature("Updated. " + story)) is None
    for k in client.scan_iter(match=f"{unique_prefix}:band:*"):
        assert b"old" not in client.smembers(k)


def test_seeing_an_article_again_renews_its_expiry(client, unique_prefix, seed_texts):
    sig = dedup.signature(seed_texts["seed_main"])
    index = RedisDuplicateIndex(client, prefix=unique_prefix, ttl_s=60)
    index.find_or_add("a", sig)
    client.pexpire(f"{unique_prefix}:article:a", 1000)
    index.find_or_add("a", sig)
    assert client.pttl(f"{unique_prefix}:article:a") > 50_000


def test_the_enricher_keeps_fingerprints_as_long_as_the_dedup_ttl_days_setting(
    client, redis_url, unique_prefix, seed_texts
):
    rt = Runtime(Settings(redis_url=redis_url, key_prefix=unique_prefix, dedup_ttl_days=2))
    rt.handle(duplicate_index).find_or_add("x", dedup.signature(seed_texts["seed_main"]))
    assert 2 * 86_400 - 60 < client.ttl(f"{unique_prefix}:dedup:article:x") <= 2 * 86_400


def test_the_runtime_owns_one_duplicate_index_on_its_own_redis_client(redis_url, unique_prefix):
    """Every batch of a worker process uses the same index, built on the runtime's client, not a new connection."""
    rt = Runtime(Settings(redis_url=redis_url, key_prefix=unique_prefix))
    index = rt.handle(duplicate_index)
    assert rt.handle(duplicate_index) is index
    assert index.prefix == f"{unique_prefix}:dedup"
    assert Runtime(rt.settings).handle(duplicate_index) is not index  # another runtime (a test, a process) has its own


def test_expiry_must_be_positive(client, unique_prefix):
    with pytest.raises(ValueError):
        RedisDuplicateIndex(client, prefix=unique_prefix, ttl_s=0)


def test_copies_are_never_filed_so_a_story_republished_many_times_costs_each_copy_the_same(
    client, unique_prefix, seed_texts
):
    """Each band of a story holds its original only: the 200th copy reads what the 1st read."""
    story = seed_texts["seed_main"]
    index = RedisDuplicateIndex(client, prefix=unique_prefix, ttl_s=TTL_S)
    index.find_or_add("original", dedup.signature(story))
    for i in range(200):
        assert index.find_or_add(f"copy{i}", dedup.signature(f"Copy number {i}, filed today. " + story)) == "original"
    bands = list(client.scan_iter(match=f"{unique_prefix}:band:*"))
    assert len(bands) == dedup.BANDS and all(client.smembers(k) == {b"original"} for k in bands)
    assert index.find_or_add("copy7", dedup.signature("Copy number 7, filed today. " + story)) == "original"


def test_a_copy_keeps_its_original_and_its_bands_alive(client, unique_prefix, seed_texts):
    story = seed_texts["seed_main"]
    index = RedisDuplicateIndex(client, prefix=unique_prefix, ttl_s=60)
    index.find_or_add("original", dedup.signature(story))
    for k in [*client.scan_iter(match=f"{unique_prefix}:band:*"), f"{unique_prefix}:article:original"]:
        client.pexpire(k, 1000)
    assert index.find_or_add("copy", dedup.signature("Updated. " + story)) == "original"
    renewed = [*client.scan_iter(match=f"{unique_prefix}:band:*"), f"{unique_prefix}:article:original"]
    assert all(client.pttl(k) > 50_000 for k in renewed)
