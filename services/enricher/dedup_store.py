"""Redis-backed ``DuplicateIndex``: one near-duplicate index shared by all enricher workers.

The only module of the enricher that does network I/O. Layout, every key under
the ``prefix`` given by the caller (the task passes ``<key_prefix>:dedup``):

* ``{prefix}:seq``            counter giving each new article its arrival number;
* ``{prefix}:order``          hash article_id -> arrival number;
* ``{prefix}:sig``            hash article_id -> fingerprint (``dedup.encode``);
* ``{prefix}:band:{i}:{hex}`` set of article_ids sharing LSH band ``i``.

One round trip reads the candidates, one writes the article (pipelined).
Two workers enriching two copies of the same story at the same instant may
both see no original; each is then an original, which is the safe failure
(no article is hidden). Keys do not expire: the index grows with the corpus
(about 1 KB per article); delete the prefix to start over.

    idx = RedisDuplicateIndex(redis.Redis.from_url(url), prefix="newsflow:dedup")
    idx.find_or_add(article_id, dedup.signature(body))
"""

from __future__ import annotations

import numpy as np

from services.enricher import dedup


class RedisDuplicateIndex:
    def __init__(self, client, *, prefix: str, threshold: float = dedup.DEFAULT_THRESHOLD) -> None:
        self._r = client
        self.prefix = prefix
        self.threshold = threshold

    def _band(self, key: str) -> str:
        return f"{self.prefix}:band:{key}"

    def _arrival(self, article_id: str) -> int:
        order_key = f"{self.prefix}:order"
        existing = self._r.hget(order_key, article_id)
        if existing is not None:
            return int(existing)
        number = int(self._r.incr(f"{self.prefix}:seq"))
        if self._r.hsetnx(order_key, article_id, number):
            return number
        return int(self._r.hget(order_key, article_id))  # another worker registered it first

    def find_or_add(self, article_id: str, sig: np.ndarray) -> str | None:
        own = self._arrival(article_id)
        keys = dedup.band_keys(sig)
        pipe = self._r.pipeline(transaction=False)
        for k in keys:
            pipe.smembers(self._band(k))
        members = pipe.execute()
        ids = sorted({m.decode() if isinstance(m, bytes) else m for group in members for m in group} - {article_id})
        candidates = {}
        if ids:
            pipe = self._r.pipeline(transaction=False)
            pipe.hmget(f"{self.prefix}:order", ids)
            pipe.hmget(f"{self.prefix}:sig", ids)
            orders, sigs = pipe.execute()
            for other, order, fp in zip(ids, orders, sigs):
                if order is not None and fp is not None:
                    fp = fp.decode() if isinstance(fp, bytes) else fp
                    candidates[other] = (int(order), dedup.decode(fp))
        pipe = self._r.pipeline(transaction=False)
        pipe.hset(f"{self.prefix}:sig", article_id, dedup.encode(sig))
        for k in keys:
            pipe.sadd(self._band(k), article_id)
        pipe.execute()
        return dedup.pick_original(sig, own, candidates, self.threshold)
