"""The search page's whole state, read from and written back to its query string.

Every control on the page is a link or a form that produces a new query
string, so a search can be bookmarked, shared and reloaded, and the back button
works. The parameter names are the API's (``GET /v1/search``): what the page
shows at ``/?q=drones&place=Kharkiv`` is what ``/v1/search?q=drones&place=Kharkiv``
answers, and what the "export CSV" link exports.

    >>> state = SearchState.from_query("q=drones&place=Kharkiv&place=Kyiv&page=2")
    >>> state.filters["place"]
    ('Kharkiv', 'Kyiv')
    >>> state.without("place", "Kyiv").url()
    '/?q=drones&place=Kharkiv'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode

# Facet fields an analyst filters on, with the label the page shows. Each may repeat.
FACETS: dict[str, str] = {
    "person": "People",
    "org": "Organisations",
    "place": "Places",
    "source": "Sources",
    "lang": "Languages",
}
# Date bounds: published (since/until) and mentioned (the dates the story talks about).
RANGES: dict[str, str] = {
    "since": "Published from",
    "until": "Published to",
    "mentioned_since": "Mentioned from",
    "mentioned_until": "Mentioned to",
}
SORTS = ("relevance", "newest", "oldest")
PAGE_SIZE = 20
PAGE_SIZES = (5, 10, 20, 50, 100)
MAX_HITS = 10_000  # the core pages this deep (then its cursor, or the export, which has no cap: the page says so)
MAX_PAGE = MAX_HITS // min(PAGE_SIZES)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class PageError(Exception):
    """Something the user should read as one sentence, with the HTTP status it deserves."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class StateError(PageError):
    """A query string the page cannot honour."""


@dataclass(frozen=True)
class SearchState:
    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ranges: Mapping[str, str] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    show_duplicates: bool = False
    size: int = PAGE_SIZE

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> SearchState:
        q = ""
        filters: dict[str, list[str]] = {}
        ranges: dict[str, str] = {}
        sort, page, dups, size = "relevance", 1, False, PAGE_SIZE
        for key, raw in pairs:
            value = raw.strip()
            if not value:
                continue
            if key == "q":
                q = value
            elif key in FACETS:
                if value not in filters.setdefault(key, []):
                    filters[key].append(value)
            elif key in RANGES:
                if not _DAY.match(value):
                    raise StateError(f"“{value}” is not a day: write it as YYYY-MM-DD.")
                ranges[key] = value
            elif key == "sort":
                if value not in SORTS:
                    raise StateError(f"Sort by one of {', '.join(SORTS)}, not “{value}”.")
                sort = value
            elif key == "page":
                if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
                    raise StateError(f"Pages start at 1; “{value}” is not a page number.")
                page = int(value)
            elif key == "size":
                if not value.isdigit() or int(value) not in PAGE_SIZES:
                    raise StateError(f"Show {', '.join(map(str, PAGE_SIZES))} results a page, not “{value}”.")
                size = int(value)
            elif key == "dups":
                dups = value in ("1", "show", "true")
            elif key == "hide_duplicates":  # the API's name for the same switch (the export link uses it)
                dups = value == "false"
        if page * size > MAX_HITS:
            raise StateError(f"The page lists the first {MAX_HITS:,} matches; use “export CSV” to read every match.")
        return cls(q, {k: tuple(v) for k, v in filters.items()}, ranges, sort, page, dups, size)

    @classmethod
    def from_query(cls, query: str) -> SearchState:
        return cls.from_pairs(parse_qsl(query, keep_blank_values=True))

    # -- writing it back -------------------------------------------------
    def pairs(self, *, paging: bool = True) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        for key in FACETS:
            out += [(key, v) for v in self.filters.get(key, ())]
        for key in RANGES:
            if key in self.ranges:
                out.append((key, self.ranges[key]))
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.show_duplicates:
            out.append(("dups", "show"))
        if self.size != PAGE_SIZE:
            out.append(("size", str(self.size)))
        if paging and self.page > 1:
            out.append(("page", str(self.page)))
        return out

    def url(self, path: str = "/") -> str:
        query = urlencode(self.pairs())
        return f"{path}?{query}" if query else path

    # -- the next states a click leads to (a filter change starts again at page 1) --
    def with_(self, key: str, value: str) -> SearchState:
        if key in RANGES:
            return replace(self, ranges={**self.ranges, key: value}, page=1)
        values = self.filters.get(key, ())
        if value in values:
            return replace(self, page=1)
        return replace(self, filters={**self.filters, key: (*values, value)}, page=1)

    def without(self, key: str, value: str | None = None) -> SearchState:
        if key in RANGES:
            return replace(self, ranges={k: v for k, v in self.ranges.items() if k != key}, page=1)
        if key == "q":
            return replace(self, q="", page=1)
        kept = tuple(v for v in self.filters.get(key, ()) if value is not None and v != value)
        filters = {k: v for k, v in self.filters.items() if k != key}
        if kept:
            filters[key] = kept
        return replace(self, filters=filters, page=1)

    def at_page(self, page: int) -> SearchState:
        return replace(self, page=page)

    def toggled_duplicates(self) -> SearchState:
        return replace(self, show_duplicates=not self.show_duplicates, page=1)

    def chips(self) -> list[dict[str, str]]:
        """One removable chip per active filter: its label, value and the URL without it."""
        chips = []
        for key, label in FACETS.items():
            for value in self.filters.get(key, ()):
                chips.append({"label": label, "value": value, "remove": self.without(key, value).url()})
        for key, label in RANGES.items():
            if key in self.ranges:
                chips.append({"label": label, "value": self.ranges[key], "remove": self.without(key).url()})
        return chips

    def api_params(self) -> list[tuple[str, str]]:
        """The same search as ``/v1/search`` / ``/v1/export`` parameters (no paging)."""
        pairs = [(k, v) for k, v in self.pairs(paging=False) if k not in ("dups", "size")]
        return pairs + [("hide_duplicates", "false" if self.show_duplicates else "true")]
