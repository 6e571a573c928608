"""What a failing command prints: one sentence saying what is wrong and what to do, never a traceback.

The exit-code contract every command keeps (README, "Exit codes"):

* 0: everything asked for was done;
* 1: something failed or was not found (a file failed, an id is unknown, a store is down);
* 2: usage error (a bad option or argument, a missing one).

``FriendlyGroup`` is the root command group: any exception a command lets out becomes
one line on standard error and exit 1; ``--debug`` (or ``NEWSFLOW_DEBUG=1``) lets the
traceback through instead.

    >>> describe(FileNotFoundError(2, "No such file or directory", "/data/missing"), None)
    '/data/missing does not exist.'
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException  # usage errors (typer vendors click: this is their base)

if TYPE_CHECKING:
    from shared.settings import Settings

DEBUG_ENV = "NEWSFLOW_DEBUG"


def debug_requested(ctx=None) -> bool:
    if os.environ.get(DEBUG_ENV, "").lower() in ("1", "true", "yes"):
        return True
    return bool(ctx is not None and ctx.params.get("debug"))


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def describe(exc: BaseException, settings: Settings | None) -> str:
    """One sentence for ``exc``: what is wrong and what to do.

    ``settings`` are the entry point's, to name where Redis and Elasticsearch were looked for
    (None when the environment's settings were invalid: then nothing was reached either).
    """
    from shared.errors import NewsflowError

    if isinstance(exc, NewsflowError):
        return exc.reason
    if _is_redis_down(exc):
        url = _without_password(settings.redis_url) if settings else "the configured URL"
        return (
            f"Cannot reach Redis at {url}: start the stack (newsflow up) or point NEWSFLOW_REDIS_URL "
            "at a running Redis."
        )
    if _is_elasticsearch_down(exc):
        url = _without_password(settings.elasticsearch_url) if settings else "the configured URL"
        return (
            f"Cannot reach Elasticsearch at {url}: start the stack (newsflow up) or point "
            "NEWSFLOW_ELASTICSEARCH_URL at a running node."
        )
    api_error = _elasticsearch_refusal(exc)
    if api_error:
        return api_error
    if isinstance(exc, FileNotFoundError):
        return f"{exc.filename or exc} does not exist."
    if isinstance(exc, OSError):
        return f"{exc.filename or 'a file'}: {exc.strerror or exc}."
    return f"Unexpected error ({type(exc).__name__}: {exc}); run again with --debug for the traceback."


def _is_redis_down(exc: BaseException) -> bool:
    import kombu.exceptions
    import redis.exceptions

    return isinstance(
        exc, (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, kombu.exceptions.OperationalError)
    )


def _is_elasticsearch_down(exc: BaseException) -> bool:
    import elastic_transport

    return isinstance(exc, (elastic_transport.ConnectionError, elastic_transport.ConnectionTimeout))


def _elasticsearch_refusal(exc: BaseException) -> str | None:
    import elasticsearch

    if not isinstance(exc, elasticsearch.ApiError):
        return None
    reason = exc.message
    try:
        reason = exc.body["error"]["root_cause"][0]["reason"]
    except (KeyError, IndexError, TypeError):
        pass
    return f"Elasticsearch refused the request ({exc.meta.status}): {reason}"


class FriendlyGroup(TyperGroup):
    """The root group: a command's unexpected exception is one line on stderr and exit 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except TyperException as exc:
            if getattr(exc, "exit_code", 1) != 2 or not hasattr(exc, "format_message"):
                raise
            # A usage error of a subcommand: one line too, with where to look (exit 2).
            where = exc.ctx.command_path if getattr(exc, "ctx", None) is not None else ctx.command_path
            typer.echo(f"error: {exc.format_message()} (see: {where} --help)", err=True)
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - every failure gets its sentence below
            if debug_requested(ctx):
                raise
            # The root callback (newsflow.cli.main) put the entry point's settings on the context.
            typer.echo(f"error: {describe(exc, ctx.obj)} (--debug shows the traceback)", err=True)
            raise typer.Exit(1) from None
