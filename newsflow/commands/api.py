"""``newsflow api``: serve the HTTP API (services/api) with uvicorn on this machine."""

from __future__ import annotations

from typing import Optional

import typer

from newsflow.commands.common import console
from shared.settings import get_settings


def api(
    host: Optional[str] = typer.Option(None, help="Address to listen on (default NEWSFLOW_API_HOST, 127.0.0.1)."),
    port: Optional[int] = typer.Option(None, help="Port (default NEWSFLOW_API_PORT, 8000)."),
) -> None:
    """Serve the HTTP API: push pages, page status, search, export, health, metrics, /docs."""
    from services.api.serve import NoTokenError, check_tokens, serve
    from shared.logs import configure_logging

    settings = get_settings()
    try:
        check_tokens(settings)
    except NoTokenError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    configure_logging()
    serve(settings, host, port)


def register(app: typer.Typer) -> None:
    app.command()(api)
