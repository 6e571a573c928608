"""``newsflow search``: full text plus filters over the indexed articles, as a table or JSON."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from newsflow.commands.common import console, print_json, runtime


def _iso_day(value: Optional[str]) -> Optional[str]:
    if value is not None:
        try:
            date.fromisoformat(value)
        except ValueError as exc:
            raise typer.BadParameter(f"{value!r} is not a day like 2025-06-02") from exc
    return value


def _iso_time(value: Optional[str]) -> Optional[str]:
    if value is not None:
        try:
            datetime.fromisoformat(value)
        except ValueError as exc:
            raise typer.BadParameter(f"{value!r} is not a date or ISO 8601 time") from exc
    return value


def search(
    query: str = typer.Argument("", help="Full-text query (empty: everything)."),
    person: Optional[str] = typer.Option(None, help="Only articles mentioning this person."),
    org: Optional[str] = typer.Option(None, help="Only articles mentioning this organisation."),
    place: Optional[str] = typer.Option(None, help="Only articles mentioning this place."),
    source: Optional[str] = typer.Option(None, help="Only articles from this source."),
    since: Optional[str] = typer.Option(None, callback=_iso_time, help="Published on or after (date or ISO time)."),
    until: Optional[str] = typer.Option(None, callback=_iso_time, help="Published on or before (a day: all of it)."),
    mentioned_since: Optional[str] = typer.Option(None, callback=_iso_day, help="Mentions a day on or after (YYYY-MM-DD)."),
    mentioned_until: Optional[str] = typer.Option(None, callback=_iso_day, help="Mentions a day on or before (YYYY-MM-DD)."),
    size: int = typer.Option(10, help="How many hits."),
    json_output: bool = typer.Option(False, "--json", help="Print hits as JSON."),
) -> None:
    """Search indexed articles: full text plus filters on people, organisations, places, sources, dates."""
    from services.indexer import es
    from services.indexer.search import build_search

    rt = runtime()
    settings = rt.settings
    body = build_search(query or None, person=person, org=org, place=place, source=source, since=since,
                        until=until, mentioned_since=mentioned_since, mentioned_until=mentioned_until, size=size)
    total, hits = es.search_articles(rt.elasticsearch, settings.index_alias, body)
    if json_output:
        print_json(hits)
        return
    table = Table(show_lines=True)
    table.add_column("score", no_wrap=True)
    table.add_column("title / snippet", ratio=4)
    table.add_column("source", ratio=1)
    table.add_column("published", no_wrap=True)
    table.add_column("people · places", ratio=2)
    for hit in hits:
        snippet = escape(hit.get("snippet") or "")
        snippet = snippet.replace("<em>", "[bold yellow]").replace("</em>", "[/bold yellow]")
        entities = ", ".join((hit.get("people") or [])[:4]) + " · " + ", ".join((hit.get("places") or [])[:4])
        table.add_row(f"{hit['score']:.2f}" if hit.get("score") is not None else "",
                      f"[bold]{escape(hit['title'])}[/bold]\n{snippet}", escape(hit.get("source") or ""),
                      str(hit.get("published_at") or "")[:16], escape(entities))
    console.print(table)
    console.print(f"{len(hits)} of {total} matching article(s)")


def register(app: typer.Typer) -> None:
    app.command()(search)
