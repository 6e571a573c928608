"""``newsflow search``: the search core (services.indexer.search) as a table or a JSON envelope.

The query is the documented query language (docs/API.md): words, "phrases",
AND / OR / NOT, -word, title:, person:, org:, place:, source:, lang:. The
filters here are the same as ``GET /v1/search`` and ``newsflow export``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Optional

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


# Options shared with `newsflow export` (same names, same meaning as the API's parameters).
Query = Annotated[
    str,
    typer.Argument(
        help='Query: words, "phrases", AND/OR/NOT, -word, title:, person:, org:, '
        "place:, source:, lang: (empty: everything)."
    ),
]
Person = Annotated[Optional[str], typer.Option(help="Only articles mentioning this person.")]
Org = Annotated[Optional[str], typer.Option(help="Only articles mentioning this organisation.")]
Place = Annotated[Optional[str], typer.Option(help="Only articles mentioning this place.")]
Source = Annotated[Optional[str], typer.Option(help="Only articles from this source (name or domain).")]
Lang = Annotated[Optional[str], typer.Option(help="Only articles in this language (code, e.g. en).")]
Since = Annotated[Optional[str], typer.Option(callback=_iso_time, help="Published on or after (date or ISO time).")]
Until = Annotated[Optional[str], typer.Option(callback=_iso_time, help="Published on or before (a day: all of it).")]
MentionedSince = Annotated[
    Optional[str], typer.Option(callback=_iso_day, help="Mentions a day on or after (YYYY-MM-DD).")
]
MentionedUntil = Annotated[
    Optional[str], typer.Option(callback=_iso_day, help="Mentions a day on or before (YYYY-MM-DD).")
]
HideDuplicates = Annotated[
    bool, typer.Option("--hide-duplicates", help="Leave out near-duplicates of earlier articles.")
]
Uncertain = Annotated[
    bool,
    typer.Option(
        "--include-uncertain-dates", help="Sort and filter on every publication date, also the uncertain ones."
    ),
]


def search(
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
    sort: Annotated[str, typer.Option(help="relevance, newest or oldest.")] = "relevance",
    size: Annotated[int, typer.Option(help="Hits per page (at most 100).")] = 10,
    page: Annotated[int, typer.Option(help="Page number (the first 10,000 hits; deeper, use --cursor).")] = 1,
    cursor: Annotated[Optional[str], typer.Option(help="Next page after this cursor (printed with each page).")] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the envelope: total, hits, facets, histograms, next_cursor.")
    ] = False,
) -> None:
    """Search indexed articles: the query language plus filters on people, organisations, places, sources, dates."""
    from services.indexer import es
    from services.indexer.query_language import QueryError
    from services.indexer.search import build_search, query_notice

    rt = runtime()
    settings = rt.settings
    try:
        body = build_search(
            query or None, person=person, org=org, place=place, source=source, lang=lang, since=since, until=until,
            mentioned_since=mentioned_since, mentioned_until=mentioned_until, hide_duplicates=hide_duplicates,
            include_uncertain_dates=include_uncertain_dates, sort=sort, size=size, page=page, cursor=cursor,
            facets=json_output, histograms=json_output,
        )  # fmt: skip
        answer = es.search_page(rt.elasticsearch, settings.index_alias, body, query_notice(query or None))
    except QueryError as exc:
        console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(2) from exc
    if json_output:
        print_json(answer)
        return
    _print_table(answer["hits"])
    if answer["notice"]:
        console.print(f"[yellow]{escape(answer['notice'])}[/yellow]")
    first = (page - 1) * size + 1 if not cursor else None
    shown = f"{first}-{first + len(answer['hits']) - 1}" if first and answer["hits"] else str(len(answer["hits"]))
    console.print(f"{shown} of {answer['total']} matching article(s)")
    if answer["next_cursor"]:
        console.print(f"next page: --cursor {answer['next_cursor']}")


def _print_table(hits: list[dict]) -> None:
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
        table.add_row(
            f"{hit['score']:.2f}" if hit.get("score") is not None else "",
            f"[bold]{escape(hit['title'] or '')}[/bold]\n{snippet}",
            escape(hit.get("source") or ""),
            str(hit.get("published_at") or "")[:16],
            escape(entities),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(search)
