"""``newsflow``: the command line for users (ingest, watch, search, status, dead letters) and for the stack.

Every command reads the same ``NEWSFLOW_*`` settings as the workers.
"""

from __future__ import annotations

import sys
import time
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Optional

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from shared.logs import configure_logging
from shared.queues import make_celery, queue_name
from shared.runtime import Runtime
from shared.settings import get_settings

app = typer.Typer(help="newsflow: raw news pages in, searchable articles out.", no_args_is_help=True)
dlq_app = typer.Typer(help="Inspect and replay dead letters.", no_args_is_help=True)
app.add_typer(dlq_app, name="dlq")
# Piped or captured output (make demo, CI logs) gets a readable width instead of rich's 80 columns.
console = Console(width=None if sys.stdout.isatty() else 130)

WORKER_STAGES = {"parser": "parse", "enricher": "enrich", "indexer": "index"}


@lru_cache(maxsize=1)
def runtime() -> Runtime:
    return Runtime(get_settings())


def _print_json(value) -> None:
    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2, default=str).decode() + "\n")


# -- the stack -------------------------------------------------------------------------------------
@app.command()
def up(services_only: bool = typer.Option(False, help="Only Redis and Elasticsearch, no workers.")) -> None:
    """Start the local stack (Redis, Elasticsearch, workers, watcher) and wait until it is healthy."""
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
    console.print(f"Drop files into [bold]{get_settings().drop_folder}[/bold] or run `newsflow ingest PATH`.")


@app.command()
def down() -> None:
    """Stop what `newsflow up` started."""
    from newsflow.stack import LocalStack

    stopped = LocalStack(get_settings()).down()
    console.print(f"stopped: {', '.join(stopped) if stopped else 'nothing was running'}")


@app.command()
def worker(name: str = typer.Argument(..., help="parser, enricher or indexer")) -> None:
    """Run one service's Celery worker (consumes only its own queue)."""
    import importlib

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
    import os

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


# -- ingest ----------------------------------------------------------------------------------------
@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="Files, folders or globs."),
    wait: bool = typer.Option(False, "--wait", help="Show progress until every file is indexed or failed."),
    timeout_s: float = typer.Option(300.0, "--timeout", help="Seconds to wait with --wait."),
    fetched_at: Optional[datetime] = typer.Option(
        None, help="When the pages were crawled (reference for '3 days ago'); ISO 8601, UTC if no zone."
    ),
) -> None:
    """Ingest raw pages: HTML, aggregator text dumps, JSON / JSON lines, WARC (optionally gzipped)."""
    from newsflow.ingest import Ingestor, expand_paths, wait_for

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
    if not wait:
        return
    raw_ids = [r.raw_id for r in results if r.raw_id]
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        bar = progress.add_task("processing", total=len(raw_ids))
        final = wait_for(rt, raw_ids, timeout_s,
                         on_progress=lambda s: progress.update(bar, completed=sum(x.done for x in s)))
    _print_file_table(final)
    if any(not s.done for s in final) or len(final) < len(raw_ids):
        console.print(f"[red]timed out after {timeout_s:.0f}s with files still in flight[/red]")
        raise typer.Exit(2)


@app.command()
def watch(folder: Path = typer.Argument(..., help="The drop folder.")) -> None:
    """Ingest files dropped into FOLDER; move each to done/ or failed/ once the pipeline finished it."""
    from newsflow.ingest import Ingestor
    from newsflow.watcher import DropFolderWatcher

    configure_logging()
    rt = runtime()
    DropFolderWatcher(folder, Ingestor(rt, make_celery(rt.settings))).run()


# -- search and status -----------------------------------------------------------------------------
def _iso_day(value: Optional[str]) -> Optional[str]:
    if value is not None:
        try:
            date.fromisoformat(value)
        except ValueError as exc:
            raise typer.BadParameter(f"{value!r} is not a day like 2025-06-02") from exc
    return value


def _iso_time(value: Optional[str]) -> Optional[str]:
    if value is not None:
        try:
            datetime.fromisoformat(value)
        except ValueError as exc:
            raise typer.BadParameter(f"{value!r} is not a date or ISO 8601 time") from exc
    return value


@app.command()
def search(
    query: str = typer.Argument("", help="Full-text query (empty: everything)."),
    person: Optional[str] = typer.Option(None, help="Only articles mentioning this person."),
    org: Optional[str] = typer.Option(None, help="Only articles mentioning this organisation."),
    place: Optional[str] = typer.Option(None, help="Only articles mentioning this place."),
    source: Optional[str] = typer.Option(None, help="Only articles from this source."),
    since: Optional[str] = typer.Option(None, callback=_iso_time, help="Published on or after (date or ISO time)."),
    until: Optional[str] = typer.Option(None, callback=_iso_time, help="Published on or before (a day: all of it)."),
    mentioned_since: Optional[str] = typer.Option(None, callback=_iso_day, help="Mentions a day on or after (YYYY-MM-DD)."),
    mentioned_until: Optional[str] = typer.Option(None, callback=_iso_day, help="Mentions a day on or before (YYYY-MM-DD)."),
    size: int = typer.Option(10, help="How many hits."),
    json_output: bool = typer.Option(False, "--json", help="Print hits as JSON."),
) -> None:
    """Search indexed articles: full text plus filters on people, organisations, places, sources, dates."""
    from services.indexer import es
    from services.indexer.search import build_search

    settings = get_settings()
    body = build_search(query or None, person=person, org=org, place=place, source=source, since=since,
                        until=until, mentioned_since=mentioned_since, mentioned_until=mentioned_until, size=size)
    total, hits = es.search_articles(es.make_client(settings), settings.index_alias, body)
    if json_output:
        _print_json(hits)
        return
    table = Table(show_lines=True)
    table.add_column("score", no_wrap=True)
    table.add_column("title / snippet", ratio=4)
    table.add_column("source", ratio=1)
    table.add_column("published", no_wrap=True)
    table.add_column("people · places", ratio=2)
    for hit in hits:
        snippet = escape(hit.get("snippet") or "")
        snippet = snippet.replace("<em>", "[bold yellow]").replace("</em>", "[/bold yellow]")
        entities = ", ".join((hit.get("people") or [])[:4]) + " · " + ", ".join((hit.get("places") or [])[:4])
        table.add_row(f"{hit['score']:.2f}" if hit.get("score") is not None else "",
                      f"[bold]{escape(hit['title'])}[/bold]\n{snippet}", escape(hit.get("source") or ""),
                      str(hit.get("published_at") or "")[:16], escape(entities))
    console.print(table)
    console.print(f"{len(hits)} of {total} matching article(s)")


def _print_file_table(statuses) -> None:
    table = Table("file", "state", "articles indexed", "reason")
    for s in statuses:
        counts = s.counts
        skipped = f" ({len(s.skipped)} of {s.records} records skipped)" if s.skipped else ""
        table.add_row(escape(s.filename), s.state, f"{counts.get('indexed', 0)}/{counts.get('expected', 0)}{skipped}",
                      escape(s.reason or ""))
    console.print(table)
    _print_skips(statuses)


def _print_skips(statuses) -> None:
    """One unwrapped line per file that skipped records, naming every reason (a table cell would fold it)."""
    for s in statuses:
        if s.skipped:
            console.print(f"- {escape(s.filename)} ({s.raw_id[:12]}): {escape(s.progress())}", soft_wrap=True)


@app.command()
def status(
    json_output: bool = typer.Option(False, "--json"),
    files: bool = typer.Option(False, "--files", help="List every file."),
) -> None:
    """Files per state, queue depths and dead letters."""
    from newsflow.accounting import queue_depths

    rt = runtime()
    statuses = rt.status.all()
    summary: dict[str, int] = {}
    for s in statuses:
        summary[s.state] = summary.get(s.state, 0) + 1
    report = {
        "files": summary,
        "received": len(statuses),
        "in_flight": sum(not s.done for s in statuses),
        "queues": queue_depths(rt),
        "dead_letters": rt.dead_letters.count(),
        "skipped_records": sum(len(s.skipped) for s in statuses),
    }
    if json_output:
        report["file_list"] = [s.as_dict() for s in statuses] if files else None
        _print_json(report)
        return
    console.print(f"received {report['received']} file(s): " + ", ".join(f"{k} {v}" for k, v in sorted(summary.items())))
    console.print("queue depths: " + ", ".join(f"{k} {v}" for k, v in report["queues"].items()))
    console.print(f"dead letters: {report['dead_letters']}")
    with_skips = [s for s in statuses if s.skipped]
    if with_skips:
        console.print(f"records skipped inside files: {report['skipped_records']} in {len(with_skips)} file(s)")
        if not files:
            _print_skips(with_skips)
    if files:
        _print_file_table(statuses)


@app.command()
def verify(json_output: bool = typer.Option(False, "--json")) -> None:
    """Check that every received file is indexed in Elasticsearch, dead-lettered, or still in flight."""
    from newsflow.accounting import verify as run_verify
    from services.indexer import es

    rt = runtime()
    result = run_verify(rt, es.make_client(rt.settings))
    if json_output:
        _print_json(result.as_dict())
    else:
        console.print(f"received {result.received}, indexed {result.indexed}, failed {result.failed}, "
                      f"in flight {result.in_flight}, unaccounted {result.unaccounted}")
        for problem in result.problems:
            console.print(f"[red]- {escape(problem)}[/red]")
        if result.skipped_records:
            console.print(f"records skipped inside files, each with its reason: {result.skipped_records}")
            for entry in result.skipped:
                console.print(f"- {escape(entry['filename'])} ({entry['raw_id'][:12]}): {escape(entry['progress'])}",
                              soft_wrap=True)
    if result.unaccounted:
        raise typer.Exit(1)


@app.command()
def sweep(once: bool = typer.Option(False, "--once", help="One pass, then exit.")) -> None:
    """Redrive files whose messages were lost (only when the pipeline is idle); see newsflow/redrive.py."""
    from newsflow.redrive import redrive_once, sweep_forever

    configure_logging()
    rt = runtime()
    celery_app = make_celery(rt.settings)
    if once:
        console.print(f"redriven: {len(redrive_once(rt, celery_app, rt.settings.stalled_after_s))} file(s)")
        return
    sweep_forever(rt, celery_app, rt.settings.stalled_after_s, rt.settings.sweep_interval_s)


@app.command()
def reprocess(
    raw_ids: list[str] = typer.Argument(None, help="Raw ids (default: every stored file)."),
    stage: str = typer.Option("parse", help="parse: from the raw bytes; enrich: from the indexed articles."),
    outdated: bool = typer.Option(False, "--outdated", help="With --stage enrich: only articles enriched "
                                  "by another enricher version."),
) -> None:
    """Send stored pages, or indexed articles, through the pipeline again (documents are overwritten in place)."""
    rt = runtime()
    app_ = make_celery(rt.settings)
    if stage == "enrich":
        from newsflow.replay import reenrich
        from services.enricher.pipeline import ENRICHER_VERSION
        from services.indexer.es import make_client

        sent = reenrich(rt, app_, make_client(rt.settings), raw_ids=raw_ids or None, outdated_only=outdated,
                        current_version=ENRICHER_VERSION)
        scope = f"not enriched by {ENRICHER_VERSION}" if outdated else "indexed"
        console.print(f"re-sent {sent} {scope} article(s) to enrich")
        return
    if stage != "parse":
        raise typer.BadParameter(f"unknown stage {stage!r}; choose parse or enrich", param_hint="--stage")
    if outdated:
        raise typer.BadParameter("--outdated needs --stage enrich", param_hint="--outdated")
    from newsflow.ingest import Ingestor

    ingestor = Ingestor(rt, app_)
    targets = raw_ids or rt.status.raw_ids()
    sent = sum(ingestor.reprocess(rid) for rid in targets)
    console.print(f"re-sent {sent} of {len(targets)} file(s) to parse")


# -- dead letters ----------------------------------------------------------------------------------
@dlq_app.command("list")
def dlq_list(json_output: bool = typer.Option(False, "--json")) -> None:
    """Every dead letter, newest last."""
    letters = runtime().dead_letters.list()
    if json_output:
        _print_json([letter.model_dump(mode="json", exclude={"traceback", "payload"}) for letter in letters])
        return
    table = Table("id", "stage", "file", "failed at", "reason")
    for letter in letters:
        table.add_row(letter.dead_letter_id, letter.stage, escape(letter.filename or letter.raw_id or ""),
                      letter.failed_at.isoformat(timespec="seconds"), escape(letter.reason))
    console.print(table)


@dlq_app.command("show")
def dlq_show(letter_id: str) -> None:
    """One dead letter in full (reason, traceback, raw reference, payload)."""
    letter = runtime().dead_letters.get(letter_id)
    if letter is None:
        console.print(f"[red]no dead letter {escape(letter_id)}[/red]")
        raise typer.Exit(1)
    _print_json(letter.model_dump(mode="json"))


@dlq_app.command("replay")
def dlq_replay(
    letter_ids: list[str] = typer.Argument(None),
    all_letters: bool = typer.Option(False, "--all", help="Replay every dead letter."),
    stage: Optional[str] = typer.Option(None, help="Only letters of this stage."),
) -> None:
    """Send dead-lettered messages back to their stage (after a fix); the letter is removed once re-sent."""
    from newsflow.replay import replay

    rt = runtime()
    if all_letters:
        letters = rt.dead_letters.list()
    else:
        letters = [letter for letter in map(rt.dead_letters.get, letter_ids or []) if letter is not None]
    if stage:
        letters = [letter for letter in letters if letter.stage == stage]
    sent = replay(rt, make_celery(rt.settings), letters)
    console.print(f"replayed {sent} of {len(letters)} dead letter(s)")


@app.command()
def bench(
    dataset: Path = typer.Option(Path("../shared/eval/article-extraction"), help="Folder with html/*.html.gz."),
    pages: int = typer.Option(1000, help="Replicate the dataset's pages (with distinct content) to this many."),
    baseline_pages: Optional[int] = typer.Option(None, help="Time the naive baseline and the single stages on the first N pages only (long runs)."),
    latency_samples: int = typer.Option(10, help="Single pages timed on the warm, idle stack."),
    json_output: bool = typer.Option(False, "--json"),
) -> None:
    """Throughput end to end on the real local stack, beside a naive one-process baseline and the stage ceiling."""
    import tempfile

    from newsflow.bench import run as run_bench
    from newsflow.stack import LocalStack

    settings = get_settings()
    stack = LocalStack(settings)
    stack.start_redis()
    stack.start_elasticsearch()
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-") as workdir:
        report = run_bench(dataset, pages, settings, Path(workdir), baseline_pages=baseline_pages,
                           latency_samples=latency_samples)
    if json_output:
        _print_json(report)
        return
    from newsflow.bench_report import print_report

    print_report(console, report)


def _mount_optional_groups() -> None:
    """Sub-commands owned by other modules (evaluation, Kibana)."""
    from newsflow.evaluation import app as eval_app
    from newsflow.kibana_cmd import app as kibana_app

    app.add_typer(eval_app, name="eval")
    app.add_typer(kibana_app, name="kibana")


_mount_optional_groups()

if __name__ == "__main__":
    app()
