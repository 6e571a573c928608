"""``newsflow bench``: throughput on the real local stack beside a naive baseline (see ``newsflow.bench``)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Optional

import typer

from newsflow.commands.common import console, print_json
from shared.settings import get_settings


def bench(
    dataset: Path = typer.Option(Path("../shared/eval/article-extraction"), help="Folder with html/*.html.gz."),
    pages: int = typer.Option(1000, help="Replicate the dataset's pages (with distinct content) to this many."),
    baseline_pages: Optional[int] = typer.Option(
        None, help="Time the naive baseline and the single stages on the first N pages only (long runs)."
    ),
    latency_samples: int = typer.Option(10, help="Single pages timed on the warm, idle stack."),
    json_output: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    results: Optional[Path] = typer.Option(None, help="Append this run's row here (default: docs/bench-results.md)."),
) -> None:
    """Throughput end to end on the real local stack, beside a naive one-process baseline and the stage ceiling."""
    from newsflow.bench import run as run_bench
    from newsflow.stack import LocalStack

    settings = get_settings()
    stack = LocalStack(settings)
    stack.start_redis()
    stack.start_elasticsearch()
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-") as workdir:
        report = run_bench(
            dataset, pages, settings, Path(workdir), baseline_pages=baseline_pages, latency_samples=latency_samples
        )
    from newsflow.bench_report import RESULTS_FILE, append_result, print_report

    append_result(results or RESULTS_FILE, report)
    if json_output:
        print_json(report)
        return
    print_report(console, report)


def register(app: typer.Typer) -> None:
    app.command()(bench)
