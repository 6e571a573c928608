"""Starting one service's Celery worker: every piece of process tuning, in one place.

``newsflow worker NAME`` registers the service's task (``services.NAME.tasks.register``,
which may hand back a warm-up) and calls ``run_worker``, which

* puts the worker under its Linux scheduling policy (``apply_scheduling``);
* caps each pool process's memory (``shared.process_limits``, ``NEWSFLOW_<WORKER>_MAX_MEMORY_MB``);
* sets how many messages each pool process reserves: one, or two batches for a
  batched stage (celery-batches hands the task what was reserved, so prefetch
  must cover a batch);
* in each pool process, before its first message, runs the warm-up and then
  moves everything loaded so far out of the cyclic garbage collector's reach
  (``freeze_long_lived``);
* starts Celery without its plain-text banner, and has its shutdown notices
  ("worker: Warm shutdown (MainProcess)") written as log lines, so the log is
  JSON lines from the first line to the last.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO

import celery.apps.worker
from celery import Celery
from celery.signals import worker_process_init

from shared.process_limits import install_memory_ceiling
from shared.queues import TASK_NAMES, queue_name
from shared.settings import Settings

WORKER_STAGES = {"parser": "parse", "enricher": "enrich", "indexer": "index"}


def run_worker(app: Celery, settings: Settings, name: str, *, warm_up: Callable[[], None] | None = None) -> None:
    """Run the worker ``name`` (parser, enricher, indexer) on its own queue until it is stopped."""
    apply_scheduling(getattr(settings, f"{name}_scheduling"))
    install_memory_ceiling(getattr(settings, f"{name}_max_memory_mb"))  # before the warm-up: it loads under it
    app.conf.worker_prefetch_multiplier = prefetch_multiplier(app, WORKER_STAGES[name])
    # Celery writes its shutdown notices with safe_say, past logging; it looks the name up when it says one.
    celery.apps.worker.safe_say = say_as_log_line

    @worker_process_init.connect(weak=False)
    def prepare_process(**_: object) -> None:
        if warm_up is not None:
            warm_up()
        freeze_long_lived()

    app.worker_main(
        [
            "--quiet",  # no start-up banner: it is plain text on stdout, which goes to the JSON log
            "worker",
            "--queues",
            queue_name(settings, WORKER_STAGES[name]),
            "--hostname",
            f"{name}.{settings.key_prefix}@%h",
            "--concurrency",
            str(getattr(settings, f"{name}_concurrency")),
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
        ]
    )


def say_as_log_line(message: str, stream: IO[str] | None = None) -> None:
    """Celery's ``safe_say`` (its shutdown notices) as one line in the log's own format.

    Celery calls it from signal handlers, so like Celery's own it is one ``os.write`` and
    takes no logging lock (the interrupted code may hold it). The line is formatted by
    the root handler ``configure_logging`` installed: JSON in a log file.
    """
    record = logging.LogRecord("celery.apps.worker", logging.INFO, __file__, 0, message.strip(), None, None)
    handlers = logging.getLogger().handlers
    formatter = (handlers[0].formatter if handlers else None) or logging.Formatter()
    target = stream if stream is not None else sys.__stderr__  # Celery's default
    if target is not None:
        os.write(target.fileno(), (formatter.format(record) + "\n").encode())


def prefetch_multiplier(app: Celery, stage: str) -> int:
    """Messages each pool process of ``stage``'s worker reserves: two batches for a batched task, else one.

    One keeps a crash from losing buffered work (``shared.queues``); a batch task
    (``shared.stage.stage_batch_task``) only ever sees what its process reserved,
    so it reserves two batches: one being handled, one filling.

    >>> from shared.queues import make_celery
    >>> prefetch_multiplier(make_celery(Settings()), "parse")
    1
    """
    batch = getattr(app.tasks.get(TASK_NAMES[stage]), "flush_every", 0)
    return 2 * batch if batch else 1


def freeze_long_lived() -> None:
    """Collect once, then keep the cyclic collector from rescanning what is loaded now.

    What a worker loads before its first message (the spaCy model, the gazetteer's
    ~300k objects, the language tables, MinHash permutations) lives as long as the
    process; without this every full collection re-scanned it: measured ~9% of
    enrichment time, a full collection going from ~50 ms to ~10 ms. Reference
    counting still frees anything that is later dropped.
    """
    gc.collect()
    gc.freeze()


def apply_scheduling(policy: str) -> None:
    """Run this worker (and the pool processes it forks) under a Linux scheduling policy.

    Parser and enricher processes are CPU-bound and, on a small machine, outnumber the
    cores. Three spaCy-sized processes time-slicing two cores thrash the caches: 172-178 ms
    of CPU per article against 145 ms for two (docs/bench-results.md).

    * ``batch`` (enricher, indexer): longer slices, no wake-up preemption; 156-166 ms in
      that test.
    * ``idle`` (parser): the process runs only on a core nothing else wants. The parser is
      a quarter of the enricher's cost per article, so it fills the moments an enricher
      waits for work and never competes with two busy enrichers; on an idle stack it gets
      a whole core at once, so single-page latency does not change.

    Redis and Elasticsearch keep the default policy, so they still get the CPU at once
    when a request arrives.
    """
    policies = {"batch": getattr(os, "SCHED_BATCH", None), "idle": getattr(os, "SCHED_IDLE", None)}
    chosen = policies.get(policy)
    if chosen is None:
        return
    try:
        os.sched_setscheduler(0, chosen, os.sched_param(0))
        if policy == "idle":
            # With autogroup scheduling (on by default in most distributions' kernels) the
            # kernel first shares the CPU between sessions, and every worker `newsflow up`
            # starts is a session of its own: the parser's session would get as much CPU as
            # both enricher processes together, whatever its policy inside it (measured: parser
            # 0.65 core, enrichers 0.95 while both had work). The lowest session weight
            # makes the policy hold between sessions too.
            Path("/proc/self/autogroup").write_text("19")
    except OSError:  # a sandbox may forbid it; scheduling is an optimisation, not a requirement
        pass
