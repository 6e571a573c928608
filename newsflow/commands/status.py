"""``newsflow status`` and ``verify``: where every file is, and whether each one is accounted for."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape

from newsflow.commands.common import console, print_file_table, print_json, print_skips, runtime
from shared.status import summarise


def status(
    json_output: bool = typer.Option(
        False,
        "--json",
        help="Print the report as JSON (with --files: every file's status, records and skipped records).",
    ),
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
        "skipped_records": sum(len(s.skipped) for s in statuses),
    }
    if json_output:
        report["file_list"] = [s.as_dict() for s in statuses] if files else None
        print_json(report)
        return
    console.print(
        f"received {report['received']} file(s): " + ", ".join(f"{k} {v}" for k, v in sorted(summary.items()))
    )
    console.print("queue depths: " + ", ".join(f"{k} {v}" for k, v in report["queues"].items()))
    console.print(f"dead letters: {report['dead_letters']}")
    with_skips = [s for s in statuses if s.skipped]
    if with_skips:
        console.print(f"records skipped inside files: {report['skipped_records']} in {len(with_skips)} file(s)")
        if not files:
            print_skips(with_skips)
    if files:
        print_file_table(statuses)


def verify(
    json_output: bool = typer.Option(False, "--json", help="Print the counts, problems and skipped records as JSON."),
) -> None:
    """Check that every received file is indexed in Elasticsearch, dead-lettered, or still in flight (exit 1 if not)."""
    from services.ingest.accounting import verify as run_verify

    rt = runtime()
    client = rt.elasticsearch
    client.info()  # verification needs Elasticsearch even when no file does: say so when it is down
    result = run_verify(rt, client)
    if json_output:
        print_json(result.as_dict())
    else:
        console.print(
            f"received {result.received}, indexed {result.indexed}, failed {result.failed}, "
            f"in flight {result.in_flight}, unaccounted {result.unaccounted}"
        )
        for problem in result.problems:
            console.print(f"[red]- {escape(problem)}[/red]")
        if result.skipped_records:
            console.print(f"records skipped inside files, each with its reason: {result.skipped_records}")
            for entry in result.skipped:
                console.print(
                    f"- {escape(entry['filename'])} ({entry['raw_id'][:12]}): {escape(entry['progress'])}",
                    soft_wrap=True,
                )
    if result.unaccounted:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(status)
    app.command()(verify)
