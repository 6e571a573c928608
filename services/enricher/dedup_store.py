"""Redis-backed ``DuplicateIndex``: one near-duplicate index shared by all enricher workers.

The only module of the enricher that does network I/O. Layout, every key under
the ``prefix`` given by the caller (the task passes ``<key_prefix>:dedup``):

* ``{prefix}:seq``                counter giving each new article its arrival number;
* ``{prefix}:article:{id}``       hash ``order`` (arrival number), ``sig`` (``dedup.encode``);
* ``{prefix}:band:{i}:{hex}``     set of article_ids sharing LSH band ``i``.

Every article and band key expires ``ttl_s`` after it was last written
(``NEWSFLOW_DEDUP_TTL_DAYS``, 30 days by default): syndicated copies arrive
within days of the original, so older fingerprints only cost memory (about
1 KB per article). A band set lives as long as its newest member; ids in it
whose article has expired are skipped and removed when a lookup meets them.
An article seen again (redelivery) has its expiry renewed.

One round trip reads the candidates, one writes the article (pipelined).
Two workers enriching two copies of the same story at the same instant may
both see no original; each is then an original, which is the safe failure
(no article is hidden).

    idx = RedisDuplicateIndex(redis.Redis.from_url(url), prefix="newsflow:dedup", ttl_s=30 * 86400)
    idx.find_or_add(article_id, dedup.signature(body))
"""

from __future__ import annotations

import numpy as np
import redis

from services.enricher import dedup


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

    def _band(self, key: str) -> str:
        return f"{self.prefix}:band:{key}"

    def _article(self, article_id: str) -> str:
        return f"{self.prefix}:article:{article_id}"

    def _arrival(self, article_id: str) -> int:
        key = self._article(article_id)
        existing = self._r.hget(key, "order")
        if existing is not None:
            return int(existing)
        number = int(self._r.incr(f"{self.prefix}:seq"))
        if self._r.hsetnx(key, "order", number):
            self._r.pexpire(key, self.ttl_ms)  # a worker dying right here leaves a key find_or_add renews
            return number
        winner = self._r.hget(key, "order")  # another worker registered it first
        if winner is None:  # ... and its key expired in the instant since: register afresh
            return self._arrival(article_id)
        return int(winner)

    def find_or_add(self, article_id: str, sig: np.ndarray) -> str | None:
        own = self._arrival(article_id)
        keys = dedup.band_keys(sig)
        pipe = self._r.pipeline(transaction=False)
        for k in keys:
            pipe.smembers(self._band(k))
        members = pipe.execute()
        in_bands: dict[str, list[str]] = {}
        for k, group in zip(keys, members, strict=True):
            for m in group:
                in_bands.setdefault(m.decode() if isinstance(m, bytes) else m, []).append(k)
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
                fp = fp.decode() if isinstance(fp, bytes) else fp
                candidates[other] = (int(order), dedup.decode(fp))
        article = self._article(article_id)
        pipe.hset(article, "sig", dedup.encode(sig))
        pipe.pexpire(article, self.ttl_ms)
        for k in keys:
            pipe.sadd(self._band(k), article_id)
            pipe.pexpire(self._band(k), self.ttl_ms)
        pipe.execute()
        return dedup.pick_original(sig, own, candidates, self.threshold)
