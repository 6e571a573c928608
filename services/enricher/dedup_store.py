"""Redis-backed ``DuplicateIndex``: one near-duplicate index shared by all enricher workers.

The only module of the enricher that does network I/O. Layout, every key under
the ``prefix`` given by the caller (the task passes ``<key_prefix>:dedup``):

* ``{prefix}:seq``                counter giving each new article its arrival number;
* ``{prefix}:article:{id}``       hash ``order`` (arrival number), ``sig`` (``dedup.encode``);
* ``{prefix}:band:{i}:{hex}``     set of the *originals* sharing LSH band ``i``.

Only originals join the band sets; a copy is recorded (arrival number,
signature) but never filed in a band. Syndicated stories arrive in hundreds of
copies: were every copy filed, each band set of a story would grow with every
copy, and each new copy would read and compare all earlier ones, a cost per
article that grows with the run (measured: the enricher's growing overhead in
long runs, issue 19). Filed this way a lookup reads the originals near it, a
number that does not grow with the copies. ``duplicate_of`` then always names
an original, never a copy of one; a text that resembles a copy but not its
original is an original itself.

Every article key expires ``ttl_s`` after it was last written, and a band set
``ttl_s`` after an original was last filed in it (``NEWSFLOW_DEDUP_TTL_DAYS``,
30 days by default): syndicated copies arrive within days of the original, so
older fingerprints only cost memory (about 1 KB per article). A copy renews its
original and the original's bands, so a story that keeps being republished keeps
its original. Ids in a band whose article has expired are skipped and removed
when a lookup meets them. An article seen again (redelivery) has its expiry renewed.

At most three round trips, each pipelined: the arrival number (one script, so two
workers registering the same article agree) with the band sets; the candidates'
signatures (when there are any); the writes. Two workers enriching two copies of
the same story at the same instant may both see no original; each is then an
original, which is the safe failure (no article is hidden).

    idx = RedisDuplicateIndex(redis.Redis.from_url(url), prefix="newsflow:dedup", ttl_s=30 * 86400)
    idx.find_or_add(article_id, dedup.signature(body))
"""

from __future__ import annotations

import numpy as np
import redis

from services.enricher import dedup

# The article's arrival number: the one it was given, else the next one, given atomically.
_ARRIVAL = """
local order = redis.call('HGET', KEYS[1], 'order')
if not order then
  order = redis.call('INCR', KEYS[2])
  redis.call('HSET', KEYS[1], 'order', order)
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return tonumber(order)
"""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class RedisDuplicateIndex:
    def __init__(
        self, client: redis.Redis, *, prefix: str, ttl_s: float, threshold: float = dedup.DEFAULT_THRESHOLD
    ) -> None:
        """``ttl_s``: how long a fingerprint is kept after it was last seen (the task passes
        ``NEWSFLOW_DEDUP_TTL_DAYS``)."""
        if ttl_s <= 0:
            raise ValueError("ttl_s must be positive")
        self._r = client
        self.prefix = prefix
        self.threshold = threshold
        self.ttl_ms = max(1, round(ttl_s * 1000))
        self._arrival = client.register_script(_ARRIVAL)

    def _band(self, key: str) -> str:
        return f"{self.prefix}:band:{key}"

    def _article(self, article_id: str) -> str:
        return f"{self.prefix}:article:{article_id}"

    def find_or_add(self, article_id: str, sig: np.ndarray) -> str | None:
        keys = dedup.band_keys(sig)
        article = self._article(article_id)
        pipe = self._r.pipeline(transaction=False)
        self._arrival(keys=[article, f"{self.prefix}:seq"], args=[self.ttl_ms], client=pipe)
        for k in keys:
            pipe.smembers(self._band(k))
        own, *members = pipe.execute()
        in_bands: dict[str, list[str]] = {}
        for k, group in zip(keys, members, strict=True):
            for m in group:
                in_bands.setdefault(_text(m), []).append(k)
        ids = sorted(set(in_bands) - {article_id})
        candidates = {}
        pipe = self._r.pipeline(transaction=False)
        if ids:
            for other in ids:
                pipe.hmget(self._article(other), "order", "sig")
            for other, (order, fp) in zip(ids, pipe.execute(), strict=True):
                if order is None or fp is None:  # expired: forget it in the bands that still list it
                    for k in in_bands[other]:
                        pipe.srem(self._band(k), other)
                    continue
                candidates[other] = (int(order), dedup.decode(_text(fp)))
        original = dedup.pick_original(sig, int(own), candidates, self.threshold)
        pipe.hset(article, "sig", dedup.encode(sig))
        pipe.pexpire(article, self.ttl_ms)
        if original is None:  # an original: filed in its bands, where later copies find it
            for k in keys:
                pipe.sadd(self._band(k), article_id)
                pipe.pexpire(self._band(k), self.ttl_ms)
        else:  # a copy: the story is still being republished, so its original is kept as long
            pipe.pexpire(self._article(original), self.ttl_ms)
            for k in dedup.band_keys(candidates[original][1]):
                pipe.pexpire(self._band(k), self.ttl_ms)
        pipe.execute()
        return original
