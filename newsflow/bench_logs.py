"""Worker log reading for ``newsflow bench``: per-stage run times the workers write to their logs.

The bench records where each log ends before its run (``log_sizes``) and reads only what follows.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path

from newsflow.bench_sampling import percentiles

_TASK_DONE = re.compile(r"Task newsflow\.(parse)\[[^\]]+\] succeeded in ([0-9.]+)s")
_BULK_DONE = re.compile(r'"bulk_s":\[([0-9.,]*)\]')
_BATCH_DONE = re.compile(r"(enrich) batch of (\d+) done in ([0-9.]+)s")


def log_sizes(log_dir: Path) -> dict[str, int]:
    """Where each worker's log ends now: ``worker_log_timings`` reads only what comes after."""
    return {
        name: path.stat().st_size
        for name in ("parser", "enricher", "indexer")
        if (path := log_dir / f"{name}.log").exists()
    }


def worker_log_timings(log_dir: Path, starts: dict[str, int] | None = None) -> dict:
    """Per-stage processing time percentiles and the bulk request count, read from the workers' logs.

    Celery logs every parse task's run time, the batch runner every enrich batch's, and with
    every index batch the wall time of each bulk request it sent (``bulk_s``). ``starts``
    (from ``log_sizes``) skips what each log held before, such as the warm-up's lines.
    """
    durations: dict[str, list[float]] = {"parse": [], "enrich_batch": [], "index_bulk": []}
    batch_sizes: list[int] = []
    for name in ("parser", "enricher", "indexer"):
        path = log_dir / f"{name}.log"
        if not path.exists():
            continue
        with path.open(errors="replace") as log:
            log.seek((starts or {}).get(name, 0))
            for line in log:
                if (task := _TASK_DONE.search(line)) is not None:
                    durations[task[1]].append(float(task[2]))
                elif (batch := _BATCH_DONE.search(line)) is not None:
                    durations["enrich_batch"].append(float(batch[3]))
                    batch_sizes.append(int(batch[2]))
                elif (bulk := _BULK_DONE.search(line)) is not None:
                    durations["index_bulk"].extend(float(s) for s in bulk[1].split(",") if s)
    return {
        "task_seconds": {stage: percentiles(values) for stage, values in durations.items()},
        "bulk_requests": len(durations["index_bulk"]),
        "articles_per_enrich_batch": statistics.mean(batch_sizes) if batch_sizes else None,
    }
