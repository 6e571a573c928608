"""``newsflow up``, ``down`` and ``worker``: the local stack and one service's worker process."""

from __future__ import annotations

import importlib

import typer
from rich.markup import escape
from rich.table import Table

from newsflow.commands.common import console, runtime
from shared.logs import configure_logging
from shared.queues import make_celery
from shared.settings import get_settings
from shared.worker import WORKER_STAGES, run_worker


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
        console.print(
            f"HTTP API on [bold]http://127.0.0.1:{settings.api_port}[/bold] (docs at /docs); "
            f"its bearer token is in [bold]{where}[/bold]."
        )


def down() -> None:
    """Stop what `newsflow up` started."""
    from newsflow.stack import LocalStack

    stopped = LocalStack(get_settings()).down()
    console.print(f"stopped: {', '.join(stopped) if stopped else 'nothing was running'}")


def worker(name: str = typer.Argument(..., help="parser, enricher or indexer")) -> None:
    """Run one service's Celery worker (consumes only its own queue)."""
    if name not in WORKER_STAGES:
        raise typer.BadParameter(f"unknown worker {name!r}; choose from {', '.join(WORKER_STAGES)}")
    configure_logging()
    settings = runtime().settings
    celery_app = make_celery(settings)
    warm_up = importlib.import_module(f"services.{name}.tasks").register(celery_app, runtime)
    run_worker(celery_app, settings, name, warm_up=warm_up)


def register(app: typer.Typer) -> None:
    app.command()(up)
    app.command()(down)
    app.command()(worker)
