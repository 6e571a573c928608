"""Query parameters shared by ``/v1/search`` and ``/v1/export``: the query and its filters."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import Query

from services.indexer.query_language import MAX_QUERY_CHARS

Text = Annotated[str | None, Query(max_length=500)]
Bound = Annotated[
    str | None,
    Query(max_length=64, description="a day (2025-06-02), an ISO 8601 time, or date math like now-7d"),
]


@dataclass(frozen=True)
class Filters:
    q: str | None
    person: str | None
    org: str | None
    place: str | None
    source: str | None
    lang: str | None
    since: str | None
    until: str | None
    mentioned_since: str | None
    mentioned_until: str | None
    hide_duplicates: bool
    include_uncertain_dates: bool

    def search_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``services.indexer.search.build_search`` (less the query)."""
        return {k: v for k, v in asdict(self).items() if k != "q"}


def filters(
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_QUERY_CHARS,
            description='words, "phrases", AND/OR/NOT, -word, title:, person:, '
            "org:, place:, source:, lang: (see docs/API.md)",
        ),
    ] = None,
    person: Annotated[str | None, Query(max_length=500, description="articles mentioning this person")] = None,
    org: Annotated[str | None, Query(max_length=500, description="... this organisation")] = None,
    place: Annotated[str | None, Query(max_length=500, description="... this place")] = None,
    source: Annotated[str | None, Query(max_length=500, description="outlet name or exact value")] = None,
    lang: Annotated[str | None, Query(max_length=20, description="language code, e.g. en")] = None,
    since: Bound = None,
    until: Bound = None,
    mentioned_since: Bound = None,
    mentioned_until: Bound = None,
    hide_duplicates: Annotated[bool, Query(description="leave out near-duplicates of earlier articles")] = False,
    include_uncertain_dates: Annotated[
        bool, Query(description="sort and filter on every publication date, also those the parser is unsure of")
    ] = False,
) -> Filters:
    return Filters(
        q,
        person,
        org,
        place,
        source,
        lang,
        since,
        until,
        mentioned_since,
        mentioned_until,
        hide_duplicates,
        include_uncertain_dates,
    )
