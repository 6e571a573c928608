"""``newsflow dlq list|show|replay``: inspect dead letters and send them back after a fix."""

from __future__ import annotations

from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from newsflow.commands.common import console, print_json, runtime
from shared.queues import make_celery

app = typer.Typer(help="Inspect and replay dead letters.", no_args_is_help=True)


@app.command("list")
def dlq_list(json_output: bool = typer.Option(False, "--json")) -> None:
    """Every dead letter, newest last."""
    letters = runtime().dead_letters.list()
    if json_output:
        print_json([letter.model_dump(mode="json", exclude={"traceback", "payload"}) for letter in letters])
        return
    table = Table("id", "stage", "file", "failed at", "reason")
    for letter in letters:
        table.add_row(letter.dead_letter_id, letter.stage, escape(letter.filename or letter.raw_id or ""),
                      letter.failed_at.isoformat(timespec="seconds"), escape(letter.reason))
    console.print(table)


@app.command("show")
def dlq_show(letter_id: str) -> None:
    """One dead letter in full (reason, traceback, raw reference, payload)."""
    letter = runtime().dead_letters.get(letter_id)
    if letter is None:
        console.print(f"[red]no dead letter {escape(letter_id)}[/red]")
        raise typer.Exit(1)
    print_json(letter.model_dump(mode="json"))


@app.command("replay")
def dlq_replay(
    letter_ids: list[str] = typer.Argument(None),
    all_letters: bool = typer.Option(False, "--all", help="Replay every dead letter."),
    stage: Optional[str] = typer.Option(None, help="Only letters of this stage."),
) -> None:
    """Send dead-lettered messages back to their stage (after a fix); the letter is removed once re-sent."""
    from services.ingest.replay import replay

    rt = runtime()
    if all_letters:
        letters = rt.dead_letters.list()
    else:
        letters = [letter for letter in map(rt.dead_letters.get, letter_ids or []) if letter is not None]
    if stage:
        letters = [letter for letter in letters if letter.stage == stage]
    sent = replay(rt, make_celery(rt.settings), letters)
    console.print(f"replayed {sent} of {len(letters)} dead letter(s)")
