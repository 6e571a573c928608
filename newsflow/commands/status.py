"""``newsflow status`` and ``verify``: where every file is, and whether each one is accounted for."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape

from newsflow.commands.common import console, print_file_table, print_json, runtime
from shared.status import summarise


def status(
    json_output: bool = typer.Option(False, "--json"),
    files: bool = typer.Option(False, "--files", help="List every file."),
) -> None:
    """Files per state, queue depths and dead letters."""
    from services.ingest.accounting import queue_depths

    rt = runtime()
    statuses = rt.status.all()
    summary = summarise(statuses)
    report: dict[str, Any] = {
        "files": summary,
        "received": len(statuses),
        "in_flight": sum(not s.done for s in statuses),
        "queues": queue_depths(rt),
        "dead_letters": rt.dead_letters.count(),
    }
    if json_output:
        report["file_list"] = [s.as_dict() for s in statuses] if files else None
        print_json(report)
        return
    console.print(f"received {report['received']} file(s): " + ", ".join(f"{k} {v}" for k, v in sorted(summary.items())))
    console.print("queue depths: " + ", ".join(f"{k} {v}" for k, v in report["queues"].items()))
    console.print(f"dead letters: {report['dead_letters']}")
    if files:
        print_file_table(statuses)


def verify(json_output: bool = typer.Option(False, "--json")) -> None:
    """Check that every received file is indexed in Elasticsearch, dead-lettered, or still in flight."""
    from services.ingest.accounting import verify as run_verify

    rt = runtime()
    result = run_verify(rt, rt.elasticsearch)
    if json_output:
        print_json(result.as_dict())
    else:
        console.print(f"received {result.received}, indexed {result.indexed}, failed {result.failed}, "
                      f"in flight {result.in_flight}, unaccounted {result.unaccounted}")
        for problem in result.problems:
            console.print(f"[red]- {escape(problem)}[/red]")
    if result.unaccounted:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(status)
    app.command()(verify)
