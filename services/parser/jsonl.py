"""Articles from scraper exports: one JSON object, a JSON array, or JSON lines.

Scrapers disagree on field names (``url``/``link``, ``body``/``content``/
``text``, ``published_at``/``pubDate``...), so each field is looked up under
its common spellings, compared without case, ``_`` or ``-``. Fields we do
not understand are kept in ``metadata`` rather than dropped. A record that
carries raw ``html`` goes through the HTML extractor; the record's own
title and dates win over what the page says, since the scraper saw the live
site. A record with nothing to index is skipped and counted, never fatal to
the rest of the file.

    >>> [a.title for a in read_json(b'{"title": "T", "text": "Some body.", "url": "https://e.com/a"}',
    ...                             raw_id="0" * 64, fetched_at=None, max_articles=10)]
    ['T']
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, TypedDict

from services.parser.articles import Reading, check_article_count, from_html_page, make_article
from services.parser.authors import clean_authors
from services.parser.encoding import decode_bytes
from services.parser.html import extract_html
from services.parser.metadata import page_date, parse_date
from shared.errors import BadInputError
from shared.models import Article, PageDate

_FIELDS: dict[str, tuple[str, ...]] = {
    "url": ("url", "link", "uri", "href", "pageurl", "articleurl", "warctargeturi", "sourceurl"),
    "canonical_url": ("canonicalurl", "canonical"),
    "html": ("html", "rawhtml", "htmlcontent", "contenthtml", "pagehtml", "sourcehtml", "bodyhtml"),
    "text": ("text", "body", "content", "articlebody", "article", "maintext", "fulltext", "bodytext", "plaintext"),
    "title": ("title", "headline", "heading"),
    "published": (
        "published",
        "publishedat",
        "date",
        "datepublished",
        "pubdate",
        "publishdate",
        "publicationdate",
        "publishedtime",
        "createdat",
        "created",
        "time",
    ),
    "modified": ("modified", "updated", "datemodified", "updatedat", "lastmodified", "modifiedat"),
    "source": ("source", "sourcename", "site", "sitename", "publisher", "outlet", "domain", "feed"),
    "fetched_at": (
        "fetchedat",
        "fetched",
        "crawledat",
        "crawldate",
        "crawled",
        "datedownload",
        "scrapedat",
        "retrievedat",
        "downloadedat",
        "fetchdate",
        "fetchtime",
    ),
    "authors": ("authors", "author", "byline", "creator", "creators"),
    "language": ("language", "lang", "locale", "inlanguage"),
    "description": ("description", "summary", "excerpt", "abstract", "lead", "standfirst"),
    "image_url": ("imageurl", "image", "topimage", "thumbnail", "leadimage"),
}
_LOOKUP = {alias: field for field, aliases in _FIELDS.items() for alias in aliases}


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("url") or value.get("@id")
    if isinstance(value, list):
        value = next((v for v in (_text(item) for item in value) if v), None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value  # epoch milliseconds are common too
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    return parse_date(value) if isinstance(value, str) else None


def _record_date(value: Any) -> PageDate | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = _as_datetime(value)
        return PageDate(text=str(value), value=moment, origin="record") if moment else None
    return page_date(_text(value), "record")


def records(data: bytes) -> list[tuple[str, Any]]:
    """``(where, value)`` for each JSON value in a file: an object, the items of an array, or one per line.

    ``where`` names the record the way a user finds it again ("line 3", "record 2").
    A JSON-lines line that does not parse comes back with ``_NOT_JSON`` as its value,
    so the caller counts and explains it.
    """
    text, _ = decode_bytes(data)
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        values: list[tuple[str, Any]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                values.append((f"line {number}", json.loads(line)))
            except (ValueError, RecursionError):
                values.append((f"line {number}", _NOT_JSON))
        if all(value is _NOT_JSON for _, value in values):
            raise BadInputError("The file is not valid JSON or JSON lines.") from None
        return values
    if isinstance(document, list):
        return [(f"record {number}", value) for number, value in enumerate(document, start=1)]
    if isinstance(document, dict):
        wrapped = [v for v in document.values() if isinstance(v, list) and v and all(isinstance(i, dict) for i in v)]
        if len(wrapped) == 1 and not any(_key(k) in _LOOKUP for k in document):
            return [(f"record {n}", value) for n, value in enumerate(wrapped[0], start=1)]  # {"articles": [...]}
        return [("the record", document)]
    raise BadInputError("The JSON file holds neither an object nor a list of objects.")


_NOT_JSON = object()


def _article(record: dict[str, Any], raw_id: str, fetched_at: datetime | None) -> Article | None:
    known: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for name, value in record.items():
        field = _LOOKUP.get(_key(str(name)))
        if field and field not in known and value not in (None, "", [], {}):
            known[field] = value
        else:
            extra[str(name)] = value
    url = _text(known.get("url"))
    title = _text(known.get("title"))
    authors = known.get("authors")
    fields: _RecordFields = {
        "url": url,
        "canonical_url": _text(known.get("canonical_url")),
        "source": _text(known.get("source")),
        "authors": clean_authors(
            [a for a in (authors if isinstance(authors, list) else [authors]) for a in [_text(a)] if a]
        ),
        "published": _record_date(known.get("published")),
        "modified": _record_date(known.get("modified")),
        "language": _text(known.get("language")),
        "description": _text(known.get("description")),
        "image_url": _text(known.get("image_url")),
        "fetched_at": _as_datetime(known.get("fetched_at")) or fetched_at,
        "metadata": extra,
    }
    html = known.get("html")
    if isinstance(html, str) and html.strip():
        try:
            page = extract_html(html, url=url, fetched_at=fields["fetched_at"])
        except BadInputError:
            page = None
        if page is not None:
            return from_html_page(page, raw_id=raw_id, source_format="json", title=title, **fields)
    body = _text(known.get("text"))
    if not body:
        return None
    return make_article(raw_id=raw_id, source_format="json", title=title or "", body=body, **fields)


class _RecordFields(TypedDict):
    """What a record says about its article besides title and body, by ``make_article``'s names."""

    url: str | None
    canonical_url: str | None
    source: str | None
    authors: list[str]
    published: PageDate | None
    modified: PageDate | None
    language: str | None
    description: str | None
    image_url: str | None
    fetched_at: datetime | None
    metadata: dict[str, Any]


def read_json(data: bytes, *, raw_id: str, fetched_at: datetime | None, max_articles: int) -> list[Article]:
    """One article per record that has text or HTML; raises when none has."""
    return read_json_file(data, raw_id=raw_id, fetched_at=fetched_at, max_articles=max_articles).articles


def read_json_file(data: bytes, *, raw_id: str, fetched_at: datetime | None, max_articles: int) -> Reading:
    """``read_json`` with the count of records and every skipped one with its reason."""
    values = records(data)
    reading = Reading(records=len(values))
    for where, value in values:
        if value is _NOT_JSON:
            reading.skip(f"{where} is not valid JSON")
            continue
        if not isinstance(value, dict):
            reading.skip(f"{where} is not a JSON object")
            continue
        article = _article(value, raw_id, fetched_at)
        if article is None:
            reading.skip(f"{where} has no text", record_id=_text(value.get("id")) or _text(value.get("url")))
            continue
        reading.articles.append(article)
        check_article_count(len(reading.articles), max_articles)
    if not reading.articles:
        raise BadInputError(f"None of the {len(values)} JSON records has article text or HTML.")
    return reading
