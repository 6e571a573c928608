"""``newsflow up``, ``down`` and ``worker``: the local stack and one service's worker process."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from newsflow.commands.common import console, runtime
from shared.logs import configure_logging
from shared.queues import make_celery, queue_name
from shared.settings import get_settings

WORKER_STAGES = {"parser": "parse", "enricher": "enrich", "indexer": "index"}


def up(services_only: bool = typer.Option(False, help="Only Redis and Elasticsearch, no workers.")) -> None:
    """Start the local stack (Redis, Elasticsearch, workers, watcher, API) and wait until it is healthy."""
    from newsflow.stack import LocalStack, StackError

    stack = LocalStack(get_settings())
    try:
        with console.status("starting the local stack..."):
            parts = stack.up(services_only=services_only)
    except StackError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(1) from exc
    table = Table("part", "where", "state", "log", title="newsflow local stack")
    for part in parts:
        table.add_row(part.name, part.where, part.state, str(part.log))
    console.print(table)
    settings = get_settings()
    console.print(f"Drop files into [bold]{settings.drop_folder}[/bold] or run `newsflow ingest PATH`.")
    if not services_only:
        where = "NEWSFLOW_API_TOKENS" if settings.api_tokens is not None else str(settings.api_token_path)
        console.print(f"HTTP API on [bold]http://127.0.0.1:{settings.api_port}[/bold] (docs at /docs); "
                      f"its bearer token is in [bold]{where}[/bold].")


def down() -> None:
    """Stop what `newsflow up` started."""
    from newsflow.stack import LocalStack

    stopped = LocalStack(get_settings()).down()
    console.print(f"stopped: {', '.join(stopped) if stopped else 'nothing was running'}")


def worker(name: str = typer.Argument(..., help="parser, enricher or indexer")) -> None:
    """Run one service's Celery worker (consumes only its own queue)."""
    if name not in WORKER_STAGES:
        raise typer.BadParameter(f"unknown worker {name!r}; choose from {', '.join(WORKER_STAGES)}")
    from shared.process_limits import install_memory_ceiling

    configure_logging()
    settings = get_settings()
    apply_scheduling(getattr(settings, f"{name}_scheduling"))
    install_memory_ceiling(getattr(settings, f"{name}_max_memory_mb"))
    celery_app = make_celery(settings)
    importlib.import_module(f"services.{name}.tasks").register(celery_app, runtime)
    celery_app.worker_main([
        "worker",
        "--queues", queue_name(settings, WORKER_STAGES[name]),
        "--hostname", f"{name}.{settings.key_prefix}@%h",
        "--concurrency", str(getattr(settings, f"{name}_concurrency")),
        "--loglevel", "INFO",
        "--without-gossip", "--without-mingle",
    ])


def apply_scheduling(policy: str) -> None:
    """Run this worker (and the pool processes it forks) under a Linux scheduling policy.

    Parser and enricher processes are CPU-bound and, on a small machine, outnumber the
    cores. Three spaCy-sized processes time-slicing two cores thrash the caches: 172-178 ms
    of CPU per article against 145 ms for two (docs/DEVELOPING.md, "Throughput").

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
    if policies.get(policy) is None:
        return
    try:
        os.sched_setscheduler(0, policies[policy], os.sched_param(0))
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


def register(app: typer.Typer) -> None:
    app.command()(up)
    app.command()(down)
    app.command()(worker)
