"""The Redis-backed duplicate index against a real Redis (per-test key prefix, cleaned up)."""

import pytest
import redis

from services.enricher import dedup
from services.enricher.dedup_store import RedisDuplicateIndex

pytestmark = pytest.mark.integration


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
    worker_a = RedisDuplicateIndex(client, prefix=unique_prefix)
    worker_b = RedisDuplicateIndex(client, prefix=unique_prefix)
    assert worker_a.find_or_add("wsj", dedup.signature(story)) is None
    assert worker_b.find_or_add("mint", dedup.signature("(Reuters) By our staff.\n" + story)) == "wsj"
    assert worker_b.find_or_add("other", dedup.signature(seed_texts["seed_main"])) is None


def test_redelivery_keeps_the_first_arrival_as_original(client, unique_prefix, seed_texts):
    story = seed_texts["seed_main"]
    index = RedisDuplicateIndex(client, prefix=unique_prefix)
    index.find_or_add("first", dedup.signature(story))
    index.find_or_add("second", dedup.signature("Updated. " + story))
    assert index.find_or_add("first", dedup.signature(story)) is None
    assert index.find_or_add("second", dedup.signature("Updated. " + story)) == "first"


def test_all_keys_live_under_the_prefix(client, unique_prefix, seed_texts):
    RedisDuplicateIndex(client, prefix=unique_prefix).find_or_add("x", dedup.signature(seed_texts["seed_main"]))
    keys = [k.decode() for k in client.scan_iter(match=f"{unique_prefix}:*")]
    assert f"{unique_prefix}:sig" in keys and f"{unique_prefix}:order" in keys
    assert sum(k.startswith(f"{unique_prefix}:band:") for k in keys) == dedup.BANDS
