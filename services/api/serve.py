"""Serve the API with uvicorn (``newsflow api``, ``newsflow up``, compose's ``api`` service).

Refuses to start without a token: an API that anyone on the network could
push into or read from is never what a user meant.

    $ python -m services.api.serve --host 127.0.0.1 --port 8000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from typing import Any

from shared.settings import Settings, get_settings

APP_FACTORY = "services.api.serve:app_from_environment"
MULTIPROCESS_METRICS_ENV = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's name (services/api/metrics.py)


class NoTokenError(RuntimeError):
    pass


def check_tokens(settings: Settings) -> None:
    from services.api.auth import load_tokens

    if not load_tokens(settings):
        raise NoTokenError(f"the API needs a token: set NEWSFLOW_API_TOKENS or write one to {settings.api_token_path}")


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Run until stopped, in ``settings.api_workers`` processes.

    One process tops out at one core: Python runs one request's code at a time, and a small page
    costs about 4 ms of it (parsing HTTP, FastAPI's parameters, Redis and Celery clients), so ten
    clients queue behind each other. Several processes share the listening socket and the cores.
    Each worker process then builds its app from the environment (``app_from_environment``), where
    the entry points take their settings from too, and the API's own request counters are kept in
    files that ``/metrics`` adds up (prometheus_client's multiprocess mode), so a scrape still
    counts every request whichever process answers it. uvloop and httptools (pinned) make the
    event loop and the HTTP parsing C code.
    """
    import uvicorn

    check_tokens(settings)
    options: dict[str, Any] = dict(
        host=host or settings.api_host, port=port or settings.api_port, loop="uvloop", http="httptools",
        access_log=False, log_config=None, server_header=False, timeout_graceful_shutdown=10,
    )  # fmt: skip
    if settings.api_workers == 1:
        from services.api.app import create_app

        uvicorn.run(create_app(settings), **options)
        return
    with tempfile.TemporaryDirectory(prefix="newsflow-api-metrics-") as metrics_dir:
        # Read by prometheus_client when a worker process imports it: set before they start.
        os.environ[MULTIPROCESS_METRICS_ENV] = metrics_dir
        try:
            uvicorn.run(APP_FACTORY, factory=True, workers=settings.api_workers, **options)
        finally:
            os.environ.pop(MULTIPROCESS_METRICS_ENV, None)


def app_from_environment():
    """The app of one worker process (``serve`` with several workers): settings from the environment."""
    from services.api.app import create_app

    return create_app(get_settings())


def main(argv: list[str] | None = None) -> int:
    from shared.logs import configure_logging

    parser = argparse.ArgumentParser(description="Serve the newsflow HTTP API.")
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    args = parser.parse_args(argv)
    configure_logging()
    try:
        serve(get_settings(), args.host, args.port)
    except NoTokenError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
