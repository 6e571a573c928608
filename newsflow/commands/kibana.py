"""``newsflow kibana ...``: provision the data view, searches, map and dashboard.

    newsflow kibana import --url http://127.0.0.1:5601 --wait 120
    newsflow kibana export-objects newsflow-kibana.ndjson

Both default to the alias and Kibana URL from ``NEWSFLOW_*`` settings; the
credentials are the Elasticsearch ones (Kibana authenticates against it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import typer

from services.indexer.kibana import KibanaImportError, export_objects, import_objects
from shared.settings import get_settings

app = typer.Typer(help="Kibana data view, saved searches and dashboard for the article index.")


@app.command("import")
def import_command(
    url: str | None = typer.Option(None, "--url", help="Kibana base URL (default: NEWSFLOW_KIBANA_URL)"),
    alias: str | None = typer.Option(None, "--alias", help="index alias (default: NEWSFLOW_INDEX_ALIAS)"),
    wait: float = typer.Option(0.0, "--wait", help="seconds to keep retrying while Kibana starts"),
) -> None:
    """Import (or update in place) every saved object into Kibana."""
    settings = get_settings()
    password = settings.elasticsearch_password.get_secret_value() if settings.elasticsearch_password else None
    kibana_url = url or settings.kibana_url
    try:
        summary = import_objects(
            kibana_url,
            export_objects(alias or settings.index_alias),
            username=settings.elasticsearch_username,
            password=password,
            wait_s=wait,
        )
    except KibanaImportError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    except httpx.HTTPError as exc:
        typer.echo(f"error: cannot reach Kibana at {kibana_url}: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"imported {summary.get('successCount', 0)} saved objects into {kibana_url}")


@app.command("export-objects")
def export_command(
    path: Path = typer.Argument(..., help="where to write the NDJSON file; - for standard output"),
    alias: str | None = typer.Option(None, "--alias", help="index alias (default: NEWSFLOW_INDEX_ALIAS)"),
) -> None:
    """Write the saved objects as NDJSON, for Kibana's Saved Objects import page."""
    ndjson = export_objects(alias or get_settings().index_alias)
    if str(path) == "-":
        sys.stdout.write(ndjson)
        return
    try:
        path.write_text(ndjson, encoding="utf-8")
    except OSError as exc:
        typer.echo(
            f"error: cannot write {path}: {exc.strerror or exc}; pick a folder that exists, or - for standard output",
            err=True,
        )
        raise typer.Exit(1) from exc
    typer.echo(f"wrote {ndjson.count(chr(10))} saved objects to {path}")
