"""All of the indexer's network I/O with Elasticsearch, in one place.

The client comes from the caller (``Runtime.elasticsearch``, built by ``shared.elastic``).

* ``ensure_index``: template + versioned index + alias, idempotent and safe
  when several indexer workers start together.
* ``write_bulk``: sends ``BulkAction``s in count- and byte-bounded batches
  and returns one outcome per action (see ``services.indexer.bulk``). One bad
  document never raises; a transport failure (connection refused, timeout,
  a 429/5xx on the whole request) does, and ``shared.errors.is_transient``
  tells the task to retry it.
* ``search_articles`` / ``search_page``: run a body from ``services.indexer.search``
  (a request Elasticsearch refuses as malformed is a ``QueryError``, never a crash).
* ``get_article``: one document by id; ``iter_matches``: every match of a query,
  streamed page by page over a point in time (exports have no cap).
* ``upgrade_older_versions``: after a mapping change, copy the articles of the older
  index versions behind the alias into the current one and drop the older indices
  (``newsflow reindex``; this node has no ``_reindex``, so the copy is client-side).

    >>> client = Runtime(Settings()).elasticsearch  # doctest: +SKIP
    >>> ensure_index(client, "newsflow-articles")  # doctest: +SKIP
    'newsflow-articles-v1'
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch, NotFoundError

from .bulk import BulkReport, ItemOutcome, batches, classify_response, encode
from .documents import BulkAction
from .mapping import MAPPING_VERSION, index_name, index_template
from .query_language import QueryError
from .search import parse_hits, parse_search, parse_total

log = logging.getLogger(__name__)


def _alias_targets(client: Elasticsearch, alias: str) -> dict[str, bool]:
    """{index: is_write_index} for every index the alias points at (empty if none)."""
    try:
        response = client.indices.get_alias(name=alias)
    except NotFoundError:
        return {}
    return {
        index: bool(body.get("aliases", {}).get(alias, {}).get("is_write_index", False))
        for index, body in response.body.items()
    }


def _create_index(client: Elasticsearch, index: str, aliases: dict[str, Any]) -> None:
    """Create ``index``; losing a creation race to another worker is success too."""
    try:
        client.indices.create(index=index, aliases=aliases)
        log.info("created index", extra={"index": index})
    except BadRequestError as exc:
        if exc.error != "resource_already_exists_exception":
            raise


def ensure_index(client: Elasticsearch, alias: str, *, shards: int = 1, replicas: int = 0) -> str:
    """Make ``alias`` write to ``{alias}-v{MAPPING_VERSION}``; return that index name.

    Idempotent and race-safe: the template PUT is last-writer-wins with the
    same body; a first index is created with the alias in the same request, and
    the worker that loses that race gets ``resource_already_exists_exception``,
    which is the outcome it wanted. When the alias already points at an older
    version, one atomic alias update makes the new index the write index and
    keeps the old one readable behind the alias until it is reindexed and
    removed (a mapping change must not make existing articles vanish from
    search).
    """
    target = index_name(alias)
    client.indices.put_index_template(name=alias, **index_template(alias, shards=shards, replicas=replicas))
    targets = _alias_targets(client, alias)
    if targets.get(target):
        return target
    _create_index(client, target, {} if targets else {alias: {"is_write_index": True}})
    targets = _alias_targets(client, alias)
    if targets.get(target):
        return target
    older = sorted(index for index in targets if index != target)
    actions: list[dict[str, Any]] = [{"add": {"index": target, "alias": alias, "is_write_index": True}}]
    actions += [{"add": {"index": index, "alias": alias, "is_write_index": False}} for index in older]
    client.indices.update_aliases(actions=actions)
    if older:
        log.warning(
            "alias also reads older index versions; `newsflow reindex` copies them into the current one",
            extra={"alias": alias, "index": target, "older": older},
        )
    return target


def write_bulk(
    client: Elasticsearch,
    actions: Iterable[BulkAction],
    *,
    max_docs: int,
    max_bytes: int,
    refresh: bool | str | None = None,
) -> BulkReport:
    """Send ``actions`` with the bulk API and report every item's outcome, in order.

    Each request holds at most ``max_docs`` actions and ``max_bytes`` bytes
    (the indexer passes ``bulk_max_docs`` / ``bulk_max_bytes``). ``require_alias`` makes Elasticsearch refuse to auto-create a
    concrete index (with a dynamic mapping) when the alias is missing; those
    items come back retryable. Batches already sent stay written if a later
    batch raises; resending them is harmless because every action is an
    ``index`` by ``_id``.

    >>> report = write_bulk(client, actions, max_docs=200, max_bytes=5 << 20)  # doctest: +SKIP
    >>> Counter(outcome.status for outcome in report.outcomes)                  # doctest: +SKIP
    Counter({'indexed': 199, 'permanent': 1})
    """
    outcomes: list[ItemOutcome] = []
    request_s: list[float] = []
    for batch in batches((encode(a) for a in actions), max_docs=max_docs, max_bytes=max_bytes):
        operations = [line for item in batch for line in item.lines]
        started = time.perf_counter()
        response = client.bulk(operations=operations, require_alias=True, refresh=refresh)
        request_s.append(time.perf_counter() - started)
        outcomes.extend(classify_response([item.action for item in batch], response.body))
        log.debug("bulk request of %d actions took %.3fs", len(batch), request_s[-1])
    return BulkReport(outcomes, request_s)


_NO_HITS: Mapping[str, Any] = {"hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}


def _search(client: Elasticsearch, **request: Any) -> Mapping[str, Any]:
    try:
        return client.search(**request).body
    except NotFoundError as exc:
        if exc.error == "index_not_found_exception":
            return _NO_HITS  # nothing indexed yet: the indexer creates the index with the first article
        raise
    except BadRequestError as exc:
        # A value Elasticsearch cannot read (a date like "last tuesday", a cursor from another sort).
        raise QueryError(f"Elasticsearch cannot run this search: {_reason(exc)}") from exc


def _reason(exc: BadRequestError) -> str:
    info = exc.info if isinstance(exc.info, Mapping) else {}
    causes = info.get("error", {}).get("root_cause") or [info.get("error", {})]
    reason = causes[0].get("reason") if causes and isinstance(causes[0], Mapping) else None
    return str(reason or exc.message)[:300]


def search_articles(client: Elasticsearch, alias: str, body: Mapping[str, Any]) -> tuple[int, list[dict[str, Any]]]:
    """Run a ``build_search`` body; return (total matches, parsed hits)."""
    response = _search(client, index=alias, **body)
    return parse_total(response), parse_hits(response)


def search_page(
    client: Elasticsearch, alias: str, body: Mapping[str, Any], notice: str | None = None
) -> dict[str, Any]:
    """Run a ``build_search`` body; return the envelope of ``search.parse_search``."""
    return parse_search(_search(client, index=alias, **body), int(body.get("size", 10)), notice)


def get_article(client: Elasticsearch, alias: str, article_id: str) -> dict[str, Any] | None:
    """The stored document of one article, or None. Reads through the alias (every version)."""
    hits = _search(client, index=alias, query={"ids": {"values": [article_id]}}, size=1)["hits"]["hits"]
    return hits[0]["_source"] if hits else None


def iter_matches(
    client: Elasticsearch,
    alias: str,
    query: Mapping[str, Any],
    *,
    sort: list[Any],
    source: list[str] | bool = True,
    batch_size: int = 500,
    keep_alive: str = "2m",
):
    """Every document matching ``query``, in ``sort`` order, one batch at a time (no cap).

    A point in time freezes the view for the whole export, so articles indexed meanwhile
    neither shift pages nor appear twice; ``search_after`` walks it to the end.
    """
    try:
        pit = client.open_point_in_time(index=alias, keep_alive=keep_alive).body["id"]
    except NotFoundError as exc:
        if exc.error == "index_not_found_exception":
            return  # nothing indexed yet
        raise
    try:
        after = None
        while True:
            request: dict[str, Any] = {
                "pit": {"id": pit, "keep_alive": keep_alive}, "query": query, "sort": sort,
                "size": batch_size, "_source": source, "track_total_hits": False,
            }  # fmt: skip
            if after is not None:
                request["search_after"] = after
            response = _search(client, **request)
            pit = response.get("pit_id", pit)
            hits = response["hits"]["hits"]
            for hit in hits:
                yield hit["_source"]
            if len(hits) < batch_size:
                return
            after = hits[-1]["sort"]
    finally:
        client.options(ignore_status=404).close_point_in_time(id=pit)


# A ``create`` that finds the id already in the current index: that article was indexed again
# since the mapping changed, and its newer document wins over the old copy.
_ALREADY_CURRENT = "version_conflict_engine_exception"


@dataclass(frozen=True)
class UpgradeReport:
    """Per older index: documents copied, skipped (a newer one was there) and refused by the mapping."""

    target: str
    copied: dict[str, int]
    newer: dict[str, int]
    refused: dict[str, list[str]]  # index -> reasons (first few); an index with any is kept

    @property
    def dropped(self) -> list[str]:
        return [index for index in self.copied if not self.refused.get(index)]


def upgrade_older_versions(
    client: Elasticsearch, alias: str, *, batch_size: int = 500, max_bytes: int = 20 << 20
) -> UpgradeReport:
    """Copy every document of the older versions behind ``alias`` into its current index, then drop them.

    Documents keep their ``_source`` (only ``mapping_version`` changes): a mapping version that
    changes how fields are indexed, not which fields there are, needs nothing else. Copies are
    ``create``s, so an article indexed again since the upgrade keeps its newer document. An older
    index is deleted only when every one of its documents is in the current index; a document the
    current mapping refuses keeps its index behind the alias (and the reason is reported):
    ``newsflow reprocess --all`` rebuilds such articles from the raw store instead.
    """
    target = ensure_index(client, alias)
    older = sorted(index for index in _alias_targets(client, alias) if index != target)
    copied: dict[str, int] = {}
    newer: dict[str, int] = {}
    refused: dict[str, list[str]] = {}
    for index in older:
        copied[index] = newer[index] = 0
        reasons: list[str] = []
        documents = iter_matches(client, index, {"match_all": {}}, sort=["_doc"], batch_size=batch_size)
        actions = (
            BulkAction(doc["article_id"], alias, {**doc, "mapping_version": MAPPING_VERSION}, op="create")
            for doc in documents
        )
        report = write_bulk(client, actions, max_docs=batch_size, max_bytes=max_bytes)
        for outcome in report.outcomes:
            if outcome.status == "indexed":
                copied[index] += 1
            elif outcome.error_type == _ALREADY_CURRENT:
                newer[index] += 1
            else:
                reasons.append(f"{outcome.article_id}: {outcome.reason}")
        refused[index] = reasons[:5] + ([f"... {len(reasons) - 5} more"] if len(reasons) > 5 else [])
        if not reasons:
            client.indices.refresh(index=target)
            client.indices.delete(index=index)
            log.info("older index version copied and dropped", extra={"index": index, "target": target})
    return UpgradeReport(target, copied, newer, refused)


def delete_by_prefix(client: Elasticsearch, prefix: str) -> None:
    """Delete every index and index template whose name starts with ``prefix`` (tests, benchmarks).

    Elasticsearch 8 refuses wildcard deletes by default (``action.destructive_requires_name``),
    so the names are listed first and deleted explicitly.
    """
    names = client.indices.get(index=f"{prefix}*", expand_wildcards="all").body
    if names:
        client.indices.delete(index=",".join(names))
    found = client.options(ignore_status=404).indices.get_index_template(name=f"{prefix}*")
    for template in found.body.get("index_templates", []):
        client.indices.delete_index_template(name=template["name"])
