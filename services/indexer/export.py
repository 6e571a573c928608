"""Export formats for every match of a search: NDJSON (whole articles) and CSV (one row each).

``services.indexer.es.iter_matches`` streams the documents; these functions
turn each into a line, so the API and the CLI can write an export of any size
with flat memory. Pure, no network.

* NDJSON: the stored article, less the bookkeeping copy of the parser's input
  (``parsed``): text, entities, dates, places, everything a notebook needs.
* CSV: ``CSV_COLUMNS``; name lists are joined with ``"; "``, the body is left
  out (a spreadsheet cell is no place for it: take NDJSON for the text).

    >>> csv_header()
    'article_id,published_at,title,source,url,language,people,organizations,places,duplicate_of\\r\\n'
    >>> csv_line({"article_id": "a1", "title": "Floods, again", "people": ["A", "B"]})
    'a1,,"Floods, again",,,,A; B,,,\\r\\n'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal

import orjson

ExportFormat = Literal["ndjson", "csv"]
FORMATS = ("ndjson", "csv")
CSV_COLUMNS = (
    "article_id", "published_at", "title", "source", "url", "language", "people", "organizations", "places",
    "duplicate_of",
)  # fmt: skip
NDJSON_EXCLUDES = ["parsed"]
# Newest first, then by id: a stable order an export can be resumed or diffed in.
EXPORT_SORT: list[Any] = [{"published_at": {"order": "desc", "missing": "_last"}}, {"article_id": "asc"}]
MEDIA_TYPES = {"ndjson": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}


def source_fields(fmt: ExportFormat) -> list[str] | dict[str, list[str]]:
    """What to fetch from Elasticsearch for a format (CSV needs only its columns)."""
    return list(CSV_COLUMNS) if fmt == "csv" else {"excludes": NDJSON_EXCLUDES}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def csv_header() -> str:
    return _row(CSV_COLUMNS)


def _row(values: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(list(values))
    return buffer.getvalue()


def csv_line(doc: Mapping[str, Any]) -> str:
    return _row(_cell(doc.get(column)) for column in CSV_COLUMNS)


def ndjson_line(doc: Mapping[str, Any]) -> str:
    return orjson.dumps({k: v for k, v in doc.items() if k not in NDJSON_EXCLUDES}).decode() + "\n"


def export_lines(docs: Iterable[Mapping[str, Any]], fmt: ExportFormat) -> Iterator[str]:
    """The export as text lines, header first for CSV."""
    if fmt == "csv":
        yield csv_header()
        for doc in docs:
            yield csv_line(doc)
    elif fmt == "ndjson":
        for doc in docs:
            yield ndjson_line(doc)
    else:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
