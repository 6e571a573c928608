"""Elasticsearch cost per article of two mapping versions, on the same documents in the same run.

    .venv/bin/python tools/index_cost/measure.py --old-ref ca4e3d9 --copies 6 --rounds 3

Parses and enriches the bench's default corpus once (``--cache`` keeps the result), replicates
the articles ``--copies`` times under distinct ids, and writes them with the bulk API in
requests of ``--bulk`` documents (the pipeline's usual 4-5 per request) into a fresh index per
mapping version and round, alternating the versions (ABAB) because the server is shared. Per
version: Lucene documents (``_cat/indices docs.count``), store size after a flush, and the
server's CPU (``_nodes/stats`` process CPU, refresh included: on a shared node it counts other
clients' requests too) and the index's own indexing, refresh and merge time per article; also the
enricher -> indexer message size and the indexer's own CPU to read a message and build its
document. Creates and deletes only indices named ``{--prefix}*``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import orjson  # noqa: E402

from newsflow.bench import load_pages  # noqa: E402
from services.indexer import es as es_io  # noqa: E402
from services.indexer.documents import bulk_actions, to_document  # noqa: E402
from services.indexer.mapping import MAPPING_VERSION, index_settings, mappings  # noqa: E402
from shared.elastic import make_client  # noqa: E402
from shared.models import EnrichedArticle, IndexRequest  # noqa: E402
from shared.settings import Settings  # noqa: E402


def enriched_articles(dataset: Path, cache: Path | None) -> list[EnrichedArticle]:
    if cache is not None and cache.exists():
        return [EnrichedArticle.model_validate_json(line) for line in cache.read_text().splitlines()]
    from services.enricher.pipeline import Enricher
    from services.parser.parse import parse_page
    from shared.errors import PermanentError
    from shared.identity import raw_id
    from shared.models import RawPageRef, utc_now

    settings = Settings()
    articles = []
    for name, data in load_pages(dataset):
        ref = RawPageRef(raw_id=raw_id(data), filename=name, size_bytes=len(data), received_at=utc_now())
        try:
            articles.extend(
                parse_page(data, ref, max_raw_bytes=settings.max_raw_bytes,
                           max_decompressed_bytes=settings.max_decompressed_bytes,
                           max_articles=settings.max_articles_per_page)
            )  # fmt: skip
        except PermanentError:
            continue
    enricher = Enricher()
    enriched = [e for start in range(0, len(articles), 32) for e in enricher.enrich_batch(articles[start : start + 32])]
    if cache is not None:
        cache.write_text("".join(e.model_dump_json() + "\n" for e in enriched))
    return enriched


def old_mappings(ref: str) -> dict[str, Any]:
    """``mappings()`` of ``services/indexer/mapping.py`` at git ``ref``."""
    source = subprocess.run(
        ["git", "-C", str(REPO), "show", f"{ref}:services/indexer/mapping.py"], check=True, capture_output=True
    ).stdout
    with tempfile.NamedTemporaryFile(suffix=".py", delete=False) as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location("old_mapping", f.name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    os.unlink(f.name)
    return module.mappings()


def replicas(enriched: list[EnrichedArticle], copies: int) -> list[dict[str, Any]]:
    docs = []
    for copy in range(copies):
        for e in enriched:
            doc = to_document(e)
            doc["article_id"] = f"{doc['article_id']}-{copy}"
            docs.append(doc)
    return docs


def server_cpu_ms(client) -> int:
    nodes = client.nodes.stats(metric="process").body["nodes"]
    return sum(n["process"]["cpu"]["total_in_millis"] for n in nodes.values())


def index_once(client, index: str, body: dict[str, Any], docs: list[dict[str, Any]], bulk: int) -> dict[str, Any]:
    alias = f"{index}-alias"  # the bulk writer requires an alias, as the indexer's always is
    client.indices.create(index=index, mappings=body, settings=index_settings(), aliases={alias: {}})
    cpu_before, wall = server_cpu_ms(client), time.perf_counter()
    for start in range(0, len(docs), bulk):
        report = es_io.write_bulk(client, bulk_actions(docs[start : start + bulk], alias), max_docs=bulk,
                                  max_bytes=50 << 20)  # fmt: skip
        assert all(o.status == "indexed" for o in report.outcomes), report.outcomes[:1]
    client.indices.refresh(index=index)
    cpu_ms = server_cpu_ms(client) - cpu_before
    wall_s = time.perf_counter() - wall
    client.indices.flush(index=index)
    stats = client.cat.indices(index=index, format="json", bytes="b").body[0]
    # This index's own work (other sessions' requests on the shared node are not in it): indexing,
    # refresh and merge time as the node accounts them per index.
    own = client.indices.stats(index=index, metric="indexing,refresh,merge").body["indices"][index]["primaries"]
    return {
        "lucene_docs": int(stats["docs.count"]),
        "store_bytes": int(stats["store.size"]),
        "server_cpu_ms": cpu_ms,
        "index_time_ms": own["indexing"]["index_time_in_millis"],
        "refresh_time_ms": own["refresh"]["total_time_in_millis"],
        "merge_time_ms": own["merges"]["total_time_in_millis"],
        "wall_s": wall_s,
    }


def message_costs(enriched: list[EnrichedArticle], repeat: int = 5) -> dict[str, Any]:
    """Bytes on the index queue and the indexer's CPU to read one message and build its document."""
    old = [e.model_dump_json() for e in enriched]
    new = [orjson.dumps(e.index_payload()).decode() for e in enriched]  # compact, as model_dump_json

    def cpu_per_article(lines: list[str], model: type[EnrichedArticle] | type[IndexRequest]) -> float:
        started = time.process_time()
        for _ in range(repeat):
            for line in lines:
                to_document(model.model_validate_json(line))
        return (time.process_time() - started) / (repeat * len(lines))

    return {
        "old_bytes": statistics.mean(len(m) for m in old),
        "new_bytes": statistics.mean(len(m) for m in new),
        "old_indexer_cpu_ms": 1000 * cpu_per_article(old, EnrichedArticle),
        "new_indexer_cpu_ms": 1000 * cpu_per_article(new, IndexRequest),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=REPO.parent.parent / "shared/eval/article-extraction")
    parser.add_argument("--old-ref", required=True, help="git ref whose mapping is the 'before'")
    parser.add_argument("--copies", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bulk", type=int, default=5)
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--prefix", default="newsflow-index-cost-")
    args = parser.parse_args()

    client = make_client(Settings(), request_timeout_s=120)
    enriched = enriched_articles(args.dataset, args.cache)
    docs = replicas(enriched, args.copies)
    versions = {"before": old_mappings(args.old_ref), f"v{MAPPING_VERSION}": mappings()}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in versions}
    load = os.getloadavg()
    try:
        for round_ in range(args.rounds):
            for name, body in versions.items():
                index = f"{args.prefix}{name}-{round_}"
                runs[name].append(index_once(client, index, body, docs, args.bulk))
                client.indices.delete(index=index)
    finally:
        es_io.delete_by_prefix(client, args.prefix)
    n = len(docs)
    summary: dict[str, Any] = {"articles": n, "load_before": load, "load_after": os.getloadavg()}
    for name, results in runs.items():
        summary[name] = {
            "lucene_docs_per_article": results[0]["lucene_docs"] / n,
            "store_bytes_per_article": statistics.median(r["store_bytes"] for r in results) / n,
            "server_cpu_ms_per_article": [round(r["server_cpu_ms"] / n, 2) for r in results],
            "server_cpu_ms_per_article_median": statistics.median(r["server_cpu_ms"] for r in results) / n,
            "own_time_ms_per_article": [
                round((r["index_time_ms"] + r["refresh_time_ms"] + r["merge_time_ms"]) / n, 2) for r in results
            ],
            "index_time_ms_per_article_median": statistics.median(r["index_time_ms"] for r in results) / n,
            "refresh_time_ms_per_article_median": statistics.median(r["refresh_time_ms"] for r in results) / n,
        }
    summary["message"] = message_costs(enriched)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
