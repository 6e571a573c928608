"""Serve the API with uvicorn (``newsflow api``, ``newsflow up``, compose's ``api`` service).

Refuses to start without a token: an API that anyone on the network could
push into or read from is never what a user meant.

    $ python -m services.api.serve --host 127.0.0.1 --port 8000
"""

from __future__ import annotations

import argparse
import sys

from shared.settings import Settings, get_settings


class NoTokenError(RuntimeError):
    pass


def check_tokens(settings: Settings) -> None:
    from services.api.auth import load_tokens

    if not load_tokens(settings):
        raise NoTokenError(f"the API needs a token: set NEWSFLOW_API_TOKENS or write one to {settings.api_token_path}")


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Run until stopped. One process: the work per request is I/O (Redis, disk, Elasticsearch)."""
    import uvicorn

    from services.api.app import create_app

    check_tokens(settings)
    uvicorn.run(
        create_app(settings), host=host or settings.api_host, port=port or settings.api_port,
        access_log=False, log_config=None, server_header=False, timeout_graceful_shutdown=10,
    )  # fmt: skip


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
