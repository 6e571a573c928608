"""Reprocess: send stored files, or indexed articles, through the pipeline again.

After a parser or enricher improvement (``newsflow reprocess``), and for the
sweeper's redrive of files whose messages were lost. Every stage is idempotent
(deterministic ids), so documents are overwritten in place, never duplicated.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from elasticsearch import Elasticsearch, helpers

from shared.documents import article_from_document
from shared.queues import send
from shared.runtime import Runtime


def reprocess_file(rt: Runtime, app: Celery, raw_id: str, *, keep_progress: bool = False) -> bool:
    """Send a stored file to ``parse`` again; False when there is no such file (status or bytes).

    ``keep_progress`` keeps the articles already counted (redrive after a lost message);
    otherwise the file's accounting starts afresh.
    """
    ref = rt.status.ref(raw_id)
    if ref is None or not rt.raw_store.exists(raw_id):
        return False
    if keep_progress:
        rt.status.touch(raw_id)
    else:
        rt.status.reset(raw_id)
    send(app, "parse", ref.model_dump(mode="json"))
    return True


def reprocess_files(rt: Runtime, app: Celery, raw_ids: list[str] | None = None) -> tuple[int, int]:
    """Reparse the given files (default: every file with a status); returns (sent, asked for)."""
    targets = raw_ids or rt.status.raw_ids()
    return sum(reprocess_file(rt, app, rid) for rid in targets), len(targets)


def reenrich(
    rt: Runtime,
    app: Celery,
    es_client: Elasticsearch,
    *,
    raw_ids: list[str] | None = None,
    outdated_only: bool = False,
    current_version: str | None = None,
) -> int:
    """Send indexed articles back to the enricher, rebuilt from their documents; returns how many.

    The enricher overwrites each document in place (same id), so search keeps
    answering throughout. ``outdated_only`` picks the articles enriched by a
    version other than ``current_version``. The files' accounting is left as
    it is: they stay indexed while their articles are refreshed.
    """
    filters: list[dict[str, Any]] = []
    if raw_ids:
        filters.append({"terms": {"raw_id": raw_ids}})
    query: dict[str, Any] = {"bool": {"filter": filters}}
    if outdated_only:
        query["bool"]["must_not"] = [{"term": {"enricher_version": current_version}}]
    sent = 0
    for hit in helpers.scan(es_client, index=rt.settings.index_alias, query={"query": query}, size=500):
        send(app, "enrich", article_from_document(hit["_source"]).model_dump(mode="json"))
        sent += 1
    return sent
