"""Articles from WARC files (plain or gzip), the format of Common Crawl News.

Only ``response`` records are pages; requests, metadata and revisit records
are skipped. Each HTML response becomes one article: ``WARC-Target-URI`` is
its URL and ``WARC-Date`` its fetch time (the reference time for any relative
stamp in it), and the HTTP ``Content-Type`` charset is passed to the decoder
as a hint. Non-HTML payloads, error statuses and pages without text are
skipped and counted; the file fails only when no record yields an article.
The caller has already gunzipped the file under its decompressed-size limit;
the same limit bounds each payload, which may itself be gzip-encoded.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from warcio.archiveiterator import ArchiveIterator

from services.parser.articles import Reading, check_article_count, from_html_page
from services.parser.html import extract_html
from services.parser.metadata import parse_date
from shared.errors import BadInputError, LimitExceededError
from shared.models import Article


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


@dataclass(frozen=True)
class _Response:
    url: str | None
    date: str | None
    record_id: str | None
    content_type: str | None
    status: str | None
    payload: bytes


class _Unreadable(Exception):
    """The WARC framing broke; carries warcio's message."""


def _responses(data: bytes, max_decompressed_bytes: int) -> Iterator[_Response]:
    """Response records with their payload, the only place that touches warcio.

    warcio parses untrusted bytes and fails on malformed ones with whatever
    exception its code path hits (AttributeError on a missing URI, ValueError
    on a bad length...), so every failure inside it becomes ``_Unreadable``.
    """
    records = ArchiveIterator(io.BytesIO(data))
    while True:
        try:
            record = next(records)
            if record.rec_type != "response":
                continue
            http = record.http_headers
            payload = record.content_stream().read(max_decompressed_bytes + 1)
            response = _Response(
                url=record.rec_headers.get_header("WARC-Target-URI"),
                date=record.rec_headers.get_header("WARC-Date"),
                record_id=record.rec_headers.get_header("WARC-Record-ID"),
                content_type=http.get_header("Content-Type") if http else None,
                status=http.get_statuscode() if http else None,
                payload=payload,
            )
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 - see docstring: untrusted input, foreign parser
            raise _Unreadable(str(exc) or type(exc).__name__) from exc
        if len(response.payload) > max_decompressed_bytes:
            raise LimitExceededError(f"A WARC record payload is larger than the {max_decompressed_bytes}-byte limit.")
        yield response


def read_warc(
    data: bytes, *, raw_id: str, fetched_at: datetime | None, max_decompressed_bytes: int, max_articles: int
) -> list[Article]:
    return read_warc_file(
        data,
        raw_id=raw_id,
        fetched_at=fetched_at,
        max_decompressed_bytes=max_decompressed_bytes,
        max_articles=max_articles,
    ).articles


def read_warc_file(
    data: bytes, *, raw_id: str, fetched_at: datetime | None, max_decompressed_bytes: int, max_articles: int
) -> Reading:
    """``read_warc`` with the count of response records and every skipped one with its reason."""
    reading = Reading(records=0)
    try:
        for response in _responses(data, max_decompressed_bytes):
            reading.records += 1
            where = f"response {reading.records} ({response.url or 'no URL'})"
            if response.status and not str(response.status).startswith("2"):
                reading.skip(f"{where} has HTTP status {response.status}", record_id=response.record_id)
                continue
            if response.content_type and "html" not in response.content_type.lower():
                reading.skip(f"{where} is not HTML ({response.content_type})", record_id=response.record_id)
                continue
            crawled = (parse_date(response.date) if response.date else None) or fetched_at
            try:
                page = extract_html(
                    response.payload, url=response.url, http_charset=_charset(response.content_type), fetched_at=crawled
                )
            except BadInputError:
                reading.skip(f"{where} has no article text", record_id=response.record_id)
                continue
            reading.articles.append(
                from_html_page(
                    page,
                    raw_id=raw_id,
                    source_format="warc",
                    url=response.url,
                    fetched_at=crawled,
                    metadata={"warc_record_id": response.record_id},
                )
            )
            check_article_count(len(reading.articles), max_articles)
    except _Unreadable as exc:
        if not reading.articles:
            raise BadInputError(f"The WARC file cannot be read ({exc}).") from exc
        reading.skip(f"the file cannot be read after response {reading.records} ({exc})")
    if not reading.records:
        raise BadInputError("The WARC file holds no response records.")
    if not reading.articles:
        reasons = "; ".join(skip.reason for skip in reading.skipped[:5])
        raise BadInputError(f"No WARC response record yielded an article ({reasons}).")
    return reading
