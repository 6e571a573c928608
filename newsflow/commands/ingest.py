"""``newsflow ingest`` and ``watch``: hand files to the ingest service, by name or through a drop folder."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from newsflow.commands.common import console, print_file_table, runtime
from shared.logs import configure_logging
from shared.queues import make_celery


def ingest(
    paths: list[str] = typer.Argument(..., help="Files, folders or globs."),
    wait: bool = typer.Option(False, "--wait", help="Show progress until every file is indexed or failed."),
    timeout_s: float = typer.Option(300.0, "--timeout", help="Seconds to wait with --wait."),
    fetched_at: Optional[datetime] = typer.Option(
        None, help="When the pages were crawled (reference for '3 days ago'); ISO 8601, UTC if no zone."
    ),
) -> None:
    """Ingest raw pages: HTML, aggregator text dumps, JSON / JSON lines, WARC (optionally gzipped).

    Exit 1 when a file could not be ingested (missing, empty, over the size limit) or, with --wait,
    did not end up fully indexed.
    """
    from services.ingest.files import expand_paths
    from services.ingest.ingestor import Ingestor
    from services.ingest.progress import wait_for

    if fetched_at is not None and fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=timezone.utc)
    rt = runtime()
    ingestor = Ingestor(rt, make_celery(rt.settings))
    results = [ingestor.ingest_file(path, fetched_at=fetched_at) for path in expand_paths(paths)]
    if not results:
        console.print("[yellow]no files found[/yellow]")
        raise typer.Exit(1)
    for result in results:
        colour = {"queued": "green", "duplicate": "yellow", "failed": "red"}[result.outcome]
        console.print(f"[{colour}]{result.outcome:9}[/{colour}] {escape(result.path)} {escape(result.message)}")
    failed = [r for r in results if r.outcome == "failed"]
    if not wait:
        if failed:
            raise typer.Exit(1)
        return
    raw_ids = [r.raw_id for r in results if r.raw_id]
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        bar = progress.add_task("processing", total=len(raw_ids))
        final = wait_for(
            rt, raw_ids, timeout_s, on_progress=lambda s: progress.update(bar, completed=sum(x.done for x in s))
        )
    print_file_table(final)
    if any(not s.done for s in final) or len(final) < len(raw_ids):
        console.print(f"[red]timed out after {timeout_s:.0f}s with files still in flight[/red]")
        raise typer.Exit(1)
    unfinished = [s for s in final if s.state != "indexed"]
    if failed or unfinished:
        console.print(
            f"[red]{len(failed) + len(unfinished)} file(s) not fully indexed; `newsflow dlq list` says why[/red]"
        )
        raise typer.Exit(1)


def watch(folder: Path = typer.Argument(..., help="The drop folder.")) -> None:
    """Ingest files dropped into FOLDER; move each to done/ or failed/ once the pipeline finished it."""
    from services.ingest.ingestor import Ingestor
    from services.ingest.watcher import DropFolderWatcher

    configure_logging()
    rt = runtime()
    DropFolderWatcher(folder, Ingestor(rt, make_celery(rt.settings))).run()


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(watch)
