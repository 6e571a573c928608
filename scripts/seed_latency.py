"""Drop-to-searchable time of the seed page on a warm stack (issue: "under 5 s"), printed, not asserted.

    .venv/bin/python scripts/seed_latency.py [--runs 5]

Uses the running local stack (`make up`); each run drops a copy of the seed page
with one distinct line, so it is new bytes, and times ingest -> status indexed ->
every article visible to search.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from services.indexer.es import make_client
from services.ingest.ingestor import Ingestor
from shared.queues import make_celery
from shared.runtime import Runtime
from shared.settings import get_settings

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_617e04975ce0a18a.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    settings = get_settings()
    rt = Runtime(settings)
    ingestor = Ingestor(rt, make_celery(settings))
    es = make_client(settings)
    times = []
    for run in range(args.runs):
        data = SEED.read_bytes() + f"\nlatency probe {time.time_ns()}\n".encode()
        started = time.perf_counter()
        raw_id = ingestor.ingest_bytes(data, f"seed-latency-{run}.txt").raw_id
        while not rt.status.get(raw_id).done:
            time.sleep(0.02)
        ids = sorted(rt.status.article_ids(raw_id, "indexed"))
        while es.count(index=settings.index_alias, query={"ids": {"values": ids}})["count"] < len(ids):
            time.sleep(0.05)
        times.append(time.perf_counter() - started)
        print(f"run {run + 1}: {len(ids)} articles searchable after {times[-1]:.2f} s")
    print(f"seed page drop-to-searchable: median {statistics.median(times):.2f} s, max {max(times):.2f} s")


if __name__ == "__main__":
    main()
