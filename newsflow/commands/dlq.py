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
def dlq_list(
    json_output: bool = typer.Option(False, "--json", help="Print the letters as JSON (no tracebacks)."),
) -> None:
    """Every dead letter, newest last."""
    letters = runtime().dead_letters.list()
    if json_output:
        print_json([letter.model_dump(mode="json", exclude={"traceback", "payload"}) for letter in letters])
        return
    table = Table("id", "stage", "file", "failed at", "reason")
    for letter in letters:
        table.add_row(
            letter.dead_letter_id,
            letter.stage,
            escape(letter.filename or letter.raw_id or ""),
            letter.failed_at.isoformat(timespec="seconds"),
            escape(letter.reason),
        )
    console.print(table)


def _letter(letter_id: str):
    """The one letter a full id or a prefix of one names; exit 1 when none or several do."""
    found = runtime().dead_letters.resolve(letter_id)
    if len(found) == 1:
        return found[0]
    if not found:
        console.print(f"[red]no dead letter {escape(letter_id)}; `newsflow dlq list` shows their ids[/red]")
    else:
        console.print(f"[red]{escape(letter_id)} names {len(found)} dead letters; give more of the id[/red]")
    raise typer.Exit(1)


@app.command("show")
def dlq_show(letter_id: str = typer.Argument(..., help="A dead letter id, or its first characters.")) -> None:
    """One dead letter in full (reason, traceback, raw reference, payload)."""
    print_json(_letter(letter_id).model_dump(mode="json"))


@app.command("replay")
def dlq_replay(
    letter_ids: list[str] = typer.Argument(None, help="Dead letter ids, or their first characters."),
    all_letters: bool = typer.Option(False, "--all", help="Replay every dead letter."),
    stage: Optional[str] = typer.Option(None, help="Only letters of this stage."),
) -> None:
    """Send dead-lettered messages back to their stage (after a fix). Exit 1 when one could not be sent."""
    from services.ingest.replay import replay_letters

    rt = runtime()
    if all_letters == bool(letter_ids):
        raise typer.BadParameter("name the dead letters to replay, or pass --all (not both)", param_hint="LETTER_IDS")
    letters = rt.dead_letters.list() if all_letters else [_letter(letter_id) for letter_id in letter_ids]
    if stage:
        letters = [letter for letter in letters if letter.stage == stage]
    report = replay_letters(rt, make_celery(rt.settings), letters)
    console.print(f"replayed {report.sent} of {len(letters)} dead letter(s)")
    for line in report.not_sent:
        console.print(f"[red]- not replayed: {escape(line)}[/red]")
    if report.not_sent:
        raise typer.Exit(1)
