"""Deterministic identities: the same input always gets the same ids.

``raw_id`` is the sha256 of the raw bytes; ``article_id`` comes from the
canonical URL when the page has one, else from source + title + a fingerprint
of the body. Elasticsearch uses ``article_id`` as ``_id``, so redelivery and
re-ingestion overwrite instead of duplicating.

    >>> article_id(url="https://Example.com/a?utm_source=x#top") == article_id(url="https://example.com/a")
    True
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PARAMS = re.compile(r"^(utm_|fbclid$|gclid$|mc_|ocid$|cmpid$)", re.IGNORECASE)
_WORD = re.compile(r"\w+", re.UNICODE)


def raw_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, drop fragment, tracking parameters and trailing slash."""
    parts = urlsplit(url.strip())
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)]
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def body_fingerprint(text: str) -> str:
    """Whitespace- and case-insensitive digest of the words of a text."""
    words = " ".join(w.lower() for w in _WORD.findall(text))
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


def article_id(*, url: str | None = None, source: str | None = None, title: str = "", body: str = "") -> str:
    if url:
        key = "url:" + normalise_url(url)
    else:
        key = "text:" + "\x1f".join(
            [(source or "").strip().lower(), " ".join(title.split()).lower(), body_fingerprint(body)]
        )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
