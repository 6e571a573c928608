"""``newsflow``: the command line for users (ingest, watch, search, status, dead letters) and for the stack.

Every command reads the same ``NEWSFLOW_*`` settings as the workers. The
commands live in ``newsflow.commands``, one module per group; this module only
assembles them (``newsflow.cli:app`` is the entry point, ``python -m
newsflow.cli`` runs it too).
"""

from __future__ import annotations

import typer

from newsflow.commands import api, bench, dlq, export, ingest, kibana, recovery, search, stack, status
from newsflow.evaluation import app as eval_app

app = typer.Typer(help="newsflow: raw news pages in, searchable articles out.", no_args_is_help=True)
# Registration order is the order `newsflow --help` lists the commands in.
for group in (stack, ingest, search, export, status, recovery, api, bench):
    group.register(app)
app.add_typer(dlq.app, name="dlq")
app.add_typer(eval_app, name="eval")
app.add_typer(kibana.app, name="kibana")

if __name__ == "__main__":
    app()
