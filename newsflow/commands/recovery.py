"""``newsflow sweep``, ``reprocess`` and ``reindex``: send files through the pipeline again, after a loss or an
improvement; move indexed articles to a new mapping version."""

from __future__ import annotations

import typer
from rich.markup import escape

from newsflow.commands.common import console, runtime
from shared.logs import configure_logging
from shared.queues import make_celery


def sweep(once: bool = typer.Option(False, "--once", help="One pass, then exit.")) -> None:
    """Redrive files whose messages were lost (only when the pipeline is idle) and record stored files that
    have no status; see services/ingest/redrive.py."""
    from services.ingest.redrive import recover_orphans, redrive_once, sweep_forever

    configure_logging()
    rt = runtime()
    celery_app = make_celery(rt.settings)
    if once:
        recovered = recover_orphans(rt, celery_app, rt.settings.stalled_after_s)
        if recovered:
            console.print(f"recovered: {len(recovered)} stored file(s) that had no status record")
        console.print(f"redriven: {len(redrive_once(rt, celery_app, rt.settings.stalled_after_s))} file(s)")
        return
    sweep_forever(rt, celery_app, rt.settings.stalled_after_s, rt.settings.sweep_interval_s)


def reprocess(
    raw_ids: list[str] = typer.Argument(
        None, help="Raw ids of files, or their first characters (as `verify` prints them)."
    ),
    all_files: bool = typer.Option(
        False, "--all", help="Every stored file (with --stage enrich: every indexed article)."
    ),
    stage: str = typer.Option("parse", help="parse: from the raw bytes; enrich: from the indexed articles."),
    outdated: bool = typer.Option(
        False, "--outdated", help="With --stage enrich: only articles enriched by another enricher version."
    ),
) -> None:
    """Send stored pages, or indexed articles, through the pipeline again (documents are overwritten in place).

    Name the files, or pass --all (or, with --stage enrich, --outdated). Exit 1 when an id names no file.
    """
    from services.ingest.reprocess import reenrich, reprocess_files

    if stage not in ("parse", "enrich"):
        raise typer.BadParameter(f"unknown stage {stage!r}; choose parse or enrich", param_hint="--stage")
    if outdated and stage != "enrich":
        raise typer.BadParameter("--outdated needs --stage enrich", param_hint="--outdated")
    if raw_ids and all_files:
        raise typer.BadParameter("name files or pass --all, not both", param_hint="--all")
    if not raw_ids and not all_files and not outdated:
        raise typer.BadParameter(
            "name the files to reprocess (raw ids, as `newsflow status --files` shows "
            "them), or pass --all for every stored file",
            param_hint="RAW_IDS",
        )
    rt = runtime()
    targets = _resolve_raw_ids(rt, raw_ids) if raw_ids else None
    app_ = make_celery(rt.settings)
    if stage == "enrich":
        from services.enricher.pipeline import ENRICHER_VERSION

        sent = reenrich(
            rt, app_, rt.elasticsearch, raw_ids=targets, outdated_only=outdated, current_version=ENRICHER_VERSION
        )
        scope = f"not enriched by {ENRICHER_VERSION}" if outdated else "indexed"
        console.print(f"re-sent {sent} {scope} article(s) to enrich")
        return
    sent, asked = reprocess_files(rt, app_, targets)
    console.print(f"re-sent {sent} of {asked} file(s) to parse")
    if sent < asked:
        console.print(f"[red]{asked - sent} file(s) have no stored bytes to reparse[/red]")
        raise typer.Exit(1)


def _resolve_raw_ids(rt, raw_ids: list[str]) -> list[str]:
    """Full raw ids for what the user typed (full ids or prefixes); exit 1 naming each that matches no file
    or more than one."""
    resolved, problems = [], []
    for typed in raw_ids:
        found = rt.status.resolve(typed)
        if len(found) == 1:
            resolved.append(found[0])
        elif not found:
            problems.append(f"no file has the raw id {typed!r}")
        else:
            problems.append(f"{typed!r} names {len(found)} files; give more of the id")
    if problems:
        for problem in problems:
            console.print(f"[red]{escape(problem)}[/red]")
        raise typer.Exit(1)
    return resolved


def reindex() -> None:
    """Copy the articles of older mapping versions behind the alias into the current index, then drop those indices.

    Run once after upgrading to a new mapping version (the indexer already writes to the new index, and
    search reads both until then). An article indexed again since keeps its newer document. Exit 1 when
    some documents did not fit the new mapping: their index stays; `reprocess --all` rebuilds them.
    """
    from services.indexer.es import upgrade_older_versions

    rt = runtime()
    report = upgrade_older_versions(rt.elasticsearch, rt.settings.index_alias)
    if not report.copied:
        console.print(f"nothing to do: {rt.settings.index_alias} reads only {report.target}")
        return
    for index, count in report.copied.items():
        kept = report.refused.get(index)
        fate = "kept behind the alias" if kept else "dropped"
        console.print(f"{index}: {count} copied, {report.newer[index]} already newer in {report.target}; {fate}")
        for reason in kept or []:
            console.print(f"  [red]{escape(reason)}[/red]")
    if any(report.refused.values()):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(sweep)
    app.command()(reprocess)
    app.command()(reindex)
