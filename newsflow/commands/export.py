"""``newsflow export``: every article matching a search, as CSV or NDJSON, to a file or standard output.

The same filters as ``newsflow search`` and ``GET /v1/export``; the documents
stream from Elasticsearch batch by batch (services.indexer.es.iter_matches),
so an export of any size runs in flat memory, with no cap.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from newsflow.commands.common import console, runtime
from newsflow.commands.search import (
    HideDuplicates,
    Lang,
    MentionedSince,
    MentionedUntil,
    Org,
    Person,
    Place,
    Query,
    Since,
    Source,
    Uncertain,
    Until,
)  # fmt: skip


def export(
    query: Query = "",
    person: Person = None,
    org: Org = None,
    place: Place = None,
    source: Source = None,
    lang: Lang = None,
    since: Since = None,
    until: Until = None,
    mentioned_since: MentionedSince = None,
    mentioned_until: MentionedUntil = None,
    hide_duplicates: HideDuplicates = False,
    include_uncertain_dates: Uncertain = False,
    format: Annotated[
        str, typer.Option("--format", "-f", help="ndjson (whole articles) or csv (one row each).")
    ] = "ndjson",  # noqa: A002
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="File to write (default: standard output).")
    ] = None,
) -> None:
    """Export every matching article (no cap), newest first, as NDJSON or CSV."""
    from services.indexer import es
    from services.indexer.export import EXPORT_SORT, FORMATS, ExportFormat, export_lines, source_fields
    from services.indexer.query_language import QueryError
    from services.indexer.search import build_query

    match format:  # typer hands over a plain string; the match makes it an ExportFormat
        case "ndjson" | "csv":
            fmt: ExportFormat = format
        case _:
            raise typer.BadParameter(
                f"unknown format {format!r}; choose from {', '.join(FORMATS)}", param_hint="--format"
            )
    rt = runtime()
    settings = rt.settings
    try:
        query_body, notice = build_query(
            query or None, person=person, org=org, place=place, source=source, lang=lang, since=since, until=until,
            mentioned_since=mentioned_since, mentioned_until=mentioned_until, hide_duplicates=hide_duplicates,
            include_uncertain_dates=include_uncertain_dates,
        )  # fmt: skip
        docs = es.iter_matches(
            rt.elasticsearch, settings.index_alias, query_body, sort=EXPORT_SORT, source=source_fields(fmt)
        )
        count = _write(export_lines(docs, fmt), output, header=fmt == "csv")
    except QueryError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from exc
    if notice:
        sys.stderr.write(notice + "\n")  # standard output is the export itself
    if output is not None:
        console.print(f"exported {count} article(s) to {escape(str(output))}")


def _write(lines, output: Optional[Path], *, header: bool) -> int:
    """Write the lines; returns the number of articles (lines less the CSV header)."""
    count = 0
    handle = open(output, "w", encoding="utf-8", newline="") if output is not None else sys.stdout
    try:
        for line in lines:
            handle.write(line)
            count += 1
    finally:
        if output is not None:
            handle.close()
        else:
            handle.flush()
    return count - 1 if header and count else count


def register(app: typer.Typer) -> None:
    app.command()(export)
