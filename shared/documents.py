"""The parser's article inside an indexed document: what lets ``reprocess --stage enrich`` skip the raw bytes.

The indexer stores each article's parser output under ``parsed`` (minus the
fields the document already keeps verbatim); ingest's reprocess reads it back
to send the article to the enricher again. Both sides share this contract here,
so neither service imports the other.
"""

from __future__ import annotations

from typing import Any

from shared.models import Article

# Article fields the document already stores verbatim, left out of ``parsed``.
PARSED_ELSEWHERE = frozenset({"body", "metadata"})


def article_from_document(source: dict[str, Any]) -> Article:
    """The parser's article a document was enriched from (for ``reprocess --stage enrich``).

    >>> doc = {"parsed": {"article_id": "a1", "raw_id": "r" * 64, "position": 0, "source_format": "html",
    ...        "title": "T"}, "body": "B", "metadata": {}}
    >>> article_from_document(doc).body
    'B'
    """
    if not isinstance(source.get("parsed"), dict):
        raise ValueError("document has no parsed article (indexed before mapping version 2); reprocess from raw")
    return Article.model_validate({**source["parsed"], **{k: source.get(k) for k in PARSED_ELSEWHERE}})
