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
import logging
from collections import Counter
from datetime import datetime

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from services.parser.articles import check_article_count, from_html_page
from services.parser.html import extract_html
from services.parser.metadata import parse_date
from shared.errors import BadInputError, LimitExceededError
from shared.models import Article

log = logging.getLogger(__name__)


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def read_warc(
    data: bytes, *, raw_id: str, fetched_at: datetime | None, max_decompressed_bytes: int, max_articles: int
) -> list[Article]:
    articles: list[Article] = []
    skipped: Counter[str] = Counter()
    responses = 0
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            if record.rec_type != "response":
                continue
            responses += 1
            http = record.http_headers
            content_type = http.get_header("Content-Type") if http else None
            status = http.get_statuscode() if http else None
            if status and not str(status).startswith("2"):
                skipped["HTTP status " + str(status)] += 1
                continue
            if content_type and "html" not in content_type.lower():
                skipped["not HTML"] += 1
                continue
            payload = record.content_stream().read(max_decompressed_bytes + 1)
            if len(payload) > max_decompressed_bytes:
                raise LimitExceededError(
                    f"A WARC record payload is larger than the {max_decompressed_bytes}-byte limit."
                )
            url = record.rec_headers.get_header("WARC-Target-URI")
            warc_date = record.rec_headers.get_header("WARC-Date")
            try:
                page = extract_html(payload, url=url, http_charset=_charset(content_type))
            except BadInputError:
                skipped["no article text"] += 1
                continue
            articles.append(
                from_html_page(
                    page,
                    raw_id=raw_id,
                    source_format="warc",
                    url=url,
                    fetched_at=(parse_date(warc_date) if warc_date else None) or fetched_at,
                    metadata={"warc_record_id": record.rec_headers.get_header("WARC-Record-ID")},
                )
            )
            check_article_count(len(articles), max_articles)
    except ArchiveLoadFailed as exc:
        if not articles:
            raise BadInputError(f"The WARC file cannot be read ({exc}).") from exc
        skipped["unreadable tail of the file"] += 1
    except (ValueError, EOFError, OSError) as exc:  # truncated or corrupt record framing
        if not articles:
            raise BadInputError(f"The WARC file is corrupt ({exc}).") from exc
        skipped["unreadable tail of the file"] += 1
    if not responses:
        raise BadInputError("The WARC file holds no response records.")
    if not articles:
        reasons = ", ".join(f"{n} {why}" for why, n in skipped.items())
        raise BadInputError(f"No WARC response record yielded an article ({reasons}).")
    if skipped:
        log.warning("skipped WARC records: %s", dict(skipped))
    return articles
