"""``newsflow``: the command line for users (ingest, watch, search, status, dead letters) and for the stack.

Every command reads the same ``NEWSFLOW_*`` settings as the workers. The
commands live in ``newsflow.commands``, one module per group; this module only
assembles them (``newsflow.cli:app`` is the entry point, ``python -m
newsflow.cli`` runs it too). Failures follow one contract (``newsflow.errors``):
exit 0 when everything asked for was done, 1 when something failed or was not
found, 2 for a usage error, and one sentence instead of a traceback.
"""

from __future__ import annotations

import typer
from pydantic import ValidationError

from newsflow import __version__
from newsflow.commands import api, bench, dlq, export, ingest, kibana, recovery, search, stack, status
from newsflow.errors import DEBUG_ENV, FriendlyGroup
from newsflow.evaluation import app as eval_app
from shared.settings import get_settings

app = typer.Typer(
    help="newsflow: raw news pages in, searchable articles out.",
    no_args_is_help=True,
    cls=FriendlyGroup,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"newsflow {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    debug: bool = typer.Option(False, "--debug", help=f"Show the traceback of a failure (or set {DEBUG_ENV}=1)."),
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """newsflow: raw news pages in, searchable articles out. Exit codes: 0 done, 1 failed or not found, 2 usage."""
    # For a failure's sentence (FriendlyGroup: where Redis and Elasticsearch were looked for). Invalid
    # NEWSFLOW_* settings are left for the command that needs them to report; the others still run.
    try:
        ctx.obj = get_settings()
    except ValidationError:
        ctx.obj = None


# Registration order is the order `newsflow --help` lists the commands in.
for group in (stack, ingest, search, export, status, recovery, api, bench):
    group.register(app)
app.add_typer(dlq.app, name="dlq")
app.add_typer(eval_app, name="eval")
app.add_typer(kibana.app, name="kibana")

if __name__ == "__main__":
    app()
