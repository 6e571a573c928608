"""Near-duplicate detection: is this article a syndicated copy of one already seen?

Agency copy (AP, Reuters, AFP) is republished by hundreds of outlets with a new
intro line, a different headline or a trimmed ending. Exact hashes miss that;
MinHash (datasketch; shingles hashed with CRC-32, stable across processes and
several times cheaper than the default SHA-1) over word 5-gram shingles of the
body estimates the Jaccard similarity
of two texts from a 64-number signature, and locality-sensitive hashing (16
bands of 4 rows) finds candidates without comparing against every stored
article. A candidate is confirmed when the estimated similarity reaches
``threshold`` (0.5 by default: a copy with a new first paragraph keeps far more
than half its shingles; two different stories on the same event share almost
none, since 5-word sequences are specific).

The signature travels on ``EnrichedArticle.fingerprint`` as
``minhash64:<base64>``, so any later tool can compare two articles without
re-reading them. ``DuplicateIndex`` is the protocol the enricher needs;
``MemoryDuplicateIndex`` serves tests and single-process runs, and
``dedup_store.RedisDuplicateIndex`` shares the index between workers.

The first article seen wins: each article gets an arrival number, and an
article is only ever marked a duplicate of one that arrived before it, so
redelivering the original after its copy cannot flip the relation.

    >>> index = MemoryDuplicateIndex()
    >>> text = " ".join(f"word{i}" for i in range(200))
    >>> index.find_or_add("a", signature(text)) is None
    True
    >>> index.find_or_add("b", signature("Breaking: " + text))
    'a'
"""

from __future__ import annotations

import base64
import re
import zlib
from functools import lru_cache
from typing import Protocol

import numpy as np

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS = 5
DEFAULT_THRESHOLD = 0.5
_PREFIX = "minhash64:"
_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _permutations():
    """The 64 hash permutations, drawn once (datasketch redraws them per MinHash otherwise)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32").permutations


def load() -> None:
    """Draw the permutations now rather than on the first ``signature`` (see ``language.load``)."""
    _permutations()


def signature(text: str) -> np.ndarray:
    """MinHash signature (64 uint32) of the word 5-grams of ``text``."""
    from datasketch import MinHash

    # Lowering the whole text first is the same as lowering each word only for
    # ASCII ("İ" lowers to two characters, the second not a word character).
    words = _WORD.findall(text.lower()) if text.isascii() else [w.lower() for w in _WORD.findall(text)]
    n = min(SHINGLE_WORDS, len(words)) or 1
    if len(words) <= n:  # short text (or none): one shingle of every word
        shingles = {" ".join(words).encode("utf-8")}
    else:  # word n-grams by zipping shifted lists: no per-shingle slicing (the shortest ends them: not strict)
        shingles = set(map(str.encode, map(" ".join, zip(*(words[k:] for k in range(n)), strict=False))))
    mh = MinHash(num_perm=NUM_PERM, seed=1, permutations=_permutations(), scheme="affine32", hashfunc=zlib.crc32)
    mh.update_batch(list(shingles))
    return mh.hashvalues.astype(np.uint32)


def encode(sig: np.ndarray) -> str:
    return _PREFIX + base64.b64encode(sig.astype("<u4").tobytes()).decode("ascii")


def decode(fingerprint: str) -> np.ndarray:
    if not fingerprint.startswith(_PREFIX):
        raise ValueError("not a minhash64 fingerprint")
    return np.frombuffer(base64.b64decode(fingerprint[len(_PREFIX) :]), dtype="<u4").astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.mean(a == b))


def band_keys(sig: np.ndarray) -> list[str]:
    """One key per LSH band: articles sharing any band key are candidates."""
    raw = sig.astype("<u4")
    return [f"{i}:{raw[i * ROWS : (i + 1) * ROWS].tobytes().hex()}" for i in range(BANDS)]


class DuplicateIndex(Protocol):
    def find_or_add(self, article_id: str, sig: np.ndarray) -> str | None:
        """Record ``article_id``; return the id of an earlier near-duplicate, if any."""
        ...


def pick_original(
    sig: np.ndarray, own_order: int, candidates: dict[str, tuple[int, np.ndarray]], threshold: float
) -> str | None:
    """Earliest-arrived candidate similar enough and older than the article itself."""
    best: tuple[int, str] | None = None
    for other_id, (order, other_sig) in candidates.items():
        if order < own_order and similarity(sig, other_sig) >= threshold:
            if best is None or order < best[0]:
                best = (order, other_id)
    return best[1] if best else None


class MemoryDuplicateIndex:
    """Process-local index; what the Redis store does, without the network."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._order: dict[str, int] = {}
        self._sigs: dict[str, np.ndarray] = {}
        self._bands: dict[str, set[str]] = {}

    def find_or_add(self, article_id: str, sig: np.ndarray) -> str | None:
        own = self._order.setdefault(article_id, len(self._order))
        keys = band_keys(sig)
        candidate_ids = set().union(*(self._bands.get(k, set()) for k in keys)) - {article_id}
        candidates = {c: (self._order[c], self._sigs[c]) for c in candidate_ids}
        self._sigs[article_id] = sig
        original = pick_original(sig, own, candidates, self.threshold)
        if original is None:  # only originals are filed (see ``dedup_store``: copies would grow the bands)
            for k in keys:
                self._bands.setdefault(k, set()).add(article_id)
        return original
