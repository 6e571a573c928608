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

from services.parser.articles import Reading, check_article_count, from_html_page, make_article
from services.parser.detect import detect
from services.parser.encoding import decode_bytes
from services.parser.html import extract_html
from services.parser.jsonl import read_json_file
from services.parser.text_dump import split_dump
from services.parser.warc import read_warc_file
from shared.errors import BadInputError, LimitExceededError
from shared.models import Article, RawPageRef

_TITLE_MAX_WORDS = 25
# The shortest text (title and body) a page or text file may hold and still be an article.
# The shortest real items seen are one-sentence briefs of 12-20 words ("Local election
# results. Turnout was the highest in twenty years, officials said on Friday."); below 10
# it is a note, a stub or an error page ("just some words, not a news page": 7 words).
# NEWSFLOW_MIN_ARTICLE_WORDS changes it.
MIN_ARTICLE_WORDS = 10


def _check_length(article: Article, min_words: int) -> None:
    words = len(f"{article.title} {article.body}".split())
    if words < min_words:
        raise BadInputError(
            f"The text is too short to be an article ({words} words; an article has at least {min_words}, "
            "NEWSFLOW_MIN_ARTICLE_WORDS)."
        )


def _from_text(data: bytes, ref: RawPageRef) -> list[Article]:
    """An aggregator dump when the text has stamp lines, else one plain-text article."""
    text, encoding = decode_bytes(data)
    dumped = split_dump(text)
    if dumped:
        main, *related = dumped

        def dumped_article(part, **placement) -> Article:
            return make_article(
                raw_id=ref.raw_id,
                source_format="text_dump",
                title=part.title,
                body=part.body,
                source=part.source,
                published=part.published,
                encoding=encoding,
                fetched_at=ref.fetched_at,
                **placement,
            )

        first = dumped_article(main)
        return [first] + [
            dumped_article(a, position=position, parent_id=first.article_id)
            for position, a in enumerate(related, start=1)
        ]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not any(ch.isalnum() for line in lines for ch in line):
        raise BadInputError("No article text was found in the text file.")
    title = lines[0] if len(lines) > 1 and len(lines[0].split()) <= _TITLE_MAX_WORDS else ""
    body = "\n".join(lines[1:] if title else lines)
    return [
        make_article(
            raw_id=ref.raw_id,
            source_format="text",
            title=title,
            body=body,
            encoding=encoding,
            fetched_at=ref.fetched_at,
        )
    ]


def parse_page(
    data: bytes, ref: RawPageRef, *, max_raw_bytes: int, max_decompressed_bytes: int, max_articles: int
) -> list[Article]:
    """Detect the format of ``data`` and extract every article in it."""
    return parse_file(
        data, ref, max_raw_bytes=max_raw_bytes, max_decompressed_bytes=max_decompressed_bytes, max_articles=max_articles
    ).articles


def parse_file(
    data: bytes,
    ref: RawPageRef,
    *,
    max_raw_bytes: int,
    max_decompressed_bytes: int,
    max_articles: int,
    min_article_words: int = MIN_ARTICLE_WORDS,
) -> Reading:
    """``parse_page`` with the file's record count and every record skipped inside it, with its reason.

    The parse task records both on the file's status, so "4 of 6 records, 2 skipped"
    is visible to the user instead of a silent "4/4". A page or text file whose
    text is shorter than ``min_article_words`` is not an article (a note, a stub,
    an error page): it fails with that reason instead of becoming an untitled one.
    """
    if len(data) > max_raw_bytes:
        raise LimitExceededError(f"The file is {len(data)} bytes, over the {max_raw_bytes}-byte limit.")
    detected = detect(data, filename=ref.filename, max_decompressed_bytes=max_decompressed_bytes)
    if detected.format == "warc":
        reading = read_warc_file(
            detected.data,
            raw_id=ref.raw_id,
            fetched_at=ref.fetched_at,
            max_decompressed_bytes=max_decompressed_bytes,
            max_articles=max_articles,
        )
    elif detected.format == "json":
        reading = read_json_file(detected.data, raw_id=ref.raw_id, fetched_at=ref.fetched_at, max_articles=max_articles)
    elif detected.format == "html":
        page = extract_html(detected.data, url=ref.url, fetched_at=ref.fetched_at)
        reading = Reading(
            [from_html_page(page, raw_id=ref.raw_id, source_format="html", url=ref.url, fetched_at=ref.fetched_at)]
        )
    else:
        reading = Reading(_from_text(detected.data, ref))
    if detected.format in ("html", "text") and len(reading.articles) == 1:
        _check_length(reading.articles[0], min_article_words)
    check_article_count(len(reading.articles), max_articles)
    _distinct(reading, records_are_articles=detected.format in ("json", "warc"))
    return reading


def _distinct(reading: Reading, *, records_are_articles: bool) -> None:
    """First article per id: a WARC or export may hold the same URL twice, which is one document.

    In a JSON or WARC file each article is a record of its own, so a repeat is a skipped
    record with its reason; the related articles of one page are not records, and a page
    that links the same story twice simply holds it once.
    """
    seen: dict[str, Article] = {}
    for article in reading.articles:
        if article.article_id in seen:
            if not records_are_articles:
                continue
            where = article.url or article.title or article.article_id[:12]
            reading.skip(f"a record repeats the article {where!r} (same id), kept once", record_id=article.article_id)
            continue
        seen[article.article_id] = article
    reading.articles = list(seen.values())
