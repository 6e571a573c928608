"""The parser's entry point: raw bytes of one dropped file -> its articles.

``services/parser/tasks.py`` fetches the bytes named by a ``RawPageRef`` from
the raw store and calls ``parse_page``; each returned ``Article`` goes on to
the enrich queue. Everything here is pure: no broker, no store, no network.

Any input ends in one of two ways: a non-empty list of articles, or a
``PermanentError`` with one readable sentence (``BadInputError`` for input no
reader can use, ``LimitExceededError`` when a configured limit is hit: the
limit is reported, never applied by silently truncating).

    >>> from shared.models import RawPageRef, utc_now
    >>> data = b"Quiet day\\nQuiet day\\nThe Gazette1 hour ago\\n" + b"Nothing much happened in town today, the council said in a statement. " * 3
    >>> ref = RawPageRef(raw_id="0" * 64, filename="dump.txt", size_bytes=len(data), received_at=utc_now())
    >>> [(a.title, a.source) for a in parse_page(data, ref, max_raw_bytes=10**6,
    ...                                         max_decompressed_bytes=10**6, max_articles=10)]
    [('Quiet day', 'The Gazette')]
"""

from __future__ import annotations

import logging

from services.parser.articles import check_article_count, from_html_page, make_article
from services.parser.detect import detect
from services.parser.encoding import decode_bytes
from services.parser.html import extract_html
from services.parser.jsonl import read_json
from services.parser.text_dump import split_dump
from services.parser.warc import read_warc
from shared.errors import BadInputError, LimitExceededError
from shared.models import Article, RawPageRef

log = logging.getLogger(__name__)

_TITLE_MAX_WORDS = 25


def _from_text(data: bytes, ref: RawPageRef) -> list[Article]:
    """An aggregator dump when the text has stamp lines, else one plain-text article."""
    text, encoding = decode_bytes(data)
    dumped = split_dump(text)
    if dumped:
        main, *related = dumped
        first = make_article(
            raw_id=ref.raw_id, source_format="text_dump", title=main.title, body=main.body, source=main.source,
            published=main.published, encoding=encoding, fetched_at=ref.fetched_at,
        )
        return [first] + [
            make_article(
                raw_id=ref.raw_id, source_format="text_dump", title=a.title, body=a.body, source=a.source,
                published=a.published, encoding=encoding, fetched_at=ref.fetched_at,
                position=position, parent_id=first.article_id,
            )
            for position, a in enumerate(related, start=1)
        ]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not any(ch.isalnum() for line in lines for ch in line):
        raise BadInputError("No article text was found in the text file.")
    title = lines[0] if len(lines) > 1 and len(lines[0].split()) <= _TITLE_MAX_WORDS else ""
    body = "\n".join(lines[1:] if title else lines)
    return [make_article(raw_id=ref.raw_id, source_format="text", title=title, body=body,
                         encoding=encoding, fetched_at=ref.fetched_at)]


def parse_page(
    data: bytes, ref: RawPageRef, *, max_raw_bytes: int, max_decompressed_bytes: int, max_articles: int
) -> list[Article]:
    """Detect the format of ``data`` and extract every article in it."""
    if len(data) > max_raw_bytes:
        raise LimitExceededError(f"The file is {len(data)} bytes, over the {max_raw_bytes}-byte limit.")
    detected = detect(data, filename=ref.filename, max_decompressed_bytes=max_decompressed_bytes)
    if detected.format == "warc":
        articles = read_warc(detected.data, raw_id=ref.raw_id, fetched_at=ref.fetched_at,
                             max_decompressed_bytes=max_decompressed_bytes, max_articles=max_articles)
    elif detected.format == "json":
        articles = read_json(detected.data, raw_id=ref.raw_id, fetched_at=ref.fetched_at, max_articles=max_articles)
    elif detected.format == "html":
        page = extract_html(detected.data, fetched_at=ref.fetched_at)
        articles = [from_html_page(page, raw_id=ref.raw_id, source_format="html", url=ref.url, fetched_at=ref.fetched_at)]
    else:
        articles = _from_text(detected.data, ref)
    check_article_count(len(articles), max_articles)
    return _distinct(articles)


def _distinct(articles: list[Article]) -> list[Article]:
    """First article per id: a WARC or export may hold the same URL twice, which is one document."""
    seen: dict[str, Article] = {}
    for article in articles:
        seen.setdefault(article.article_id, article)
    if len(seen) < len(articles):
        log.warning("dropped %d repeated articles (same id) of %d", len(articles) - len(seen), len(articles))
    return list(seen.values())
