"""``newsflow sweep`` and ``reprocess``: send files through the pipeline again, after a loss or an improvement."""

from __future__ import annotations

import typer

from newsflow.commands.common import console, runtime
from shared.logs import configure_logging
from shared.queues import make_celery


def sweep(once: bool = typer.Option(False, "--once", help="One pass, then exit.")) -> None:
    """Redrive files whose messages were lost (only when the pipeline is idle); see services/ingest/redrive.py."""
    from services.ingest.redrive import redrive_once, sweep_forever

    configure_logging()
    rt = runtime()
    celery_app = make_celery(rt.settings)
    if once:
        console.print(f"redriven: {len(redrive_once(rt, celery_app, rt.settings.stalled_after_s))} file(s)")
        return
    sweep_forever(rt, celery_app, rt.settings.stalled_after_s, rt.settings.sweep_interval_s)


def reprocess(
    raw_ids: list[str] = typer.Argument(None, help="Raw ids (default: every stored file)."),
    stage: str = typer.Option("parse", help="parse: from the raw bytes; enrich: from the indexed articles."),
    outdated: bool = typer.Option(False, "--outdated", help="With --stage enrich: only articles enriched "
                                  "by another enricher version."),
) -> None:
    """Send stored pages, or indexed articles, through the pipeline again (documents are overwritten in place)."""
    from services.ingest.reprocess import reenrich, reprocess_files

    rt = runtime()
    app_ = make_celery(rt.settings)
    if stage == "enrich":
        from services.enricher.pipeline import ENRICHER_VERSION

        sent = reenrich(rt, app_, rt.elasticsearch, raw_ids=raw_ids or None, outdated_only=outdated,
                        current_version=ENRICHER_VERSION)
        scope = f"not enriched by {ENRICHER_VERSION}" if outdated else "indexed"
        console.print(f"re-sent {sent} {scope} article(s) to enrich")
        return
    if stage != "parse":
        raise typer.BadParameter(f"unknown stage {stage!r}; choose parse or enrich", param_hint="--stage")
    if outdated:
        raise typer.BadParameter("--outdated needs --stage enrich", param_hint="--outdated")
    sent, asked = reprocess_files(rt, app_, raw_ids or None)
    console.print(f"re-sent {sent} of {asked} file(s) to parse")


def register(app: typer.Typer) -> None:
    app.command()(sweep)
    app.command()(reprocess)
