"""A memory ceiling for each worker pool process, so one input can never take the machine down.

A page can make a stage allocate without end (issue 22: an enricher grew past 15 GB on
one 50 MB page). The enricher's own limits (``services/enricher/limits.py``) bound what
an article costs; this is the backstop under every stage: the address space of each pool
process is capped (``RLIMIT_AS``), so an allocation past the ceiling fails with
``MemoryError`` inside the task. The stage runner then dead-letters that message with
the reason (``shared.stage.settle``) and the process goes on with the next one.

Address space, not RSS: it is the one bound the kernel enforces at the allocation, and a
worker's address space is close to its resident size (an enricher process: ~600 MB of
address space for ~420 MB resident after loading its model).

    install_memory_ceiling(2048)   # in the worker's entry point, before the pool starts
"""

from __future__ import annotations

import logging
import resource

from celery.signals import worker_process_init

log = logging.getLogger(__name__)


def apply_memory_ceiling(max_memory_mb: int) -> None:
    """Cap this process's address space at ``max_memory_mb`` (0: no ceiling)."""
    if max_memory_mb <= 0:
        return
    limit = max_memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def install_memory_ceiling(max_memory_mb: int) -> None:
    """Apply the ceiling in every pool process the worker forks (the parent stays unbounded, so it can
    always replace a child)."""

    @worker_process_init.connect(weak=False)
    def _ceiling(**_) -> None:
        apply_memory_ceiling(max_memory_mb)
        log.info("memory ceiling %d MB per process", max_memory_mb)


MEMORY_REASON = (
    "Processing ran out of memory on this input (the memory ceiling per worker process, "
    "NEWSFLOW_<WORKER>_MAX_MEMORY_MB); the input is too large or too repetitive."
)
