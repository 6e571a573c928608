"""All of the indexer's network I/O with Elasticsearch, in one place.

The client comes from the caller (``Runtime.elasticsearch``, built by ``shared.elastic``).

* ``ensure_index``: template + versioned index + alias, idempotent and safe
  when several indexer workers start together.
* ``write_bulk``: sends ``BulkAction``s in count- and byte-bounded batches
  and returns one outcome per action (see ``services.indexer.bulk``). One bad
  document never raises; a transport failure (connection refused, timeout,
  a 429/5xx on the whole request) does, and ``shared.errors.is_transient``
  tells the task to retry it.
* ``search_articles``: runs a body from ``services.indexer.search``.

    >>> client = Runtime(Settings()).elasticsearch  # doctest: +SKIP
    >>> ensure_index(client, "newsflow-articles")  # doctest: +SKIP
    'newsflow-articles-v1'
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch, NotFoundError

from .bulk import BulkReport, ItemOutcome, batches, classify_response, encode
from .documents import BulkAction
from .mapping import index_name, index_template
from .search import parse_hits, parse_total

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
            "alias also reads older index versions; reindex them into the current one",
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


def search_articles(
    client: Elasticsearch, alias: str, body: Mapping[str, Any]
) -> tuple[int, list[dict[str, Any]]]:
    """Run a ``build_search`` body; return (total matches, parsed hits)."""
    response = client.search(index=alias, **body)
    return parse_total(response.body), parse_hits(response.body)


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
