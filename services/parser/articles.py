"""Build ``Article`` messages from what the readers found.

Every reader (HTML, text dump, JSON, WARC) ends here so identity is computed
one way: ``shared.identity.article_id`` from the canonical URL when the page
has one, else from source + title + body. Related articles of an aggregator
page point at the page's main article through ``parent_id``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.parser.html import HtmlPage
from services.parser.source import choose_source
from shared.errors import LimitExceededError
from shared.identity import article_id
from shared.models import Article, PageDate, SkippedRecord, SourceFormat


@dataclass
class Reading:
    """What a reader made of one file: its articles, how many records it held, which it skipped and why.

    ``records`` counts the units a user would count in the file (JSON lines or objects,
    WARC responses; 1 for a page), so "4 of 6 records indexed, 2 skipped" adds up.
    """

    articles: list[Article] = field(default_factory=list)
    records: int = 1
    skipped: list[SkippedRecord] = field(default_factory=list)

    def skip(self, reason: str, record_id: str | None = None) -> None:
        self.skipped.append(SkippedRecord(reason=reason, record_id=record_id))


def make_article(
    *,
    raw_id: str,
    source_format: SourceFormat,
    title: str,
    body: str,
    url: str | None = None,
    canonical_url: str | None = None,
    source: str | None = None,
    authors: list[str] | None = None,
    published: PageDate | None = None,
    modified: PageDate | None = None,
    language: str | None = None,
    description: str | None = None,
    image_url: str | None = None,
    encoding: str | None = None,
    fetched_at: datetime | None = None,
    metadata: dict[str, Any] | None = None,
    position: int = 0,
    parent_id: str | None = None,
    publisher: str | None = None,
) -> Article:
    """``source`` is what the reader found; the outlet name and domain indexed come from ``choose_source``.

    Identity keeps the reader's ``source``, so choosing names better never changes an article's id.
    """
    outlet = choose_source([source], [publisher], canonical_url or url)
    return Article(
        article_id=article_id(url=canonical_url or url, source=source, title=title, body=body),
        raw_id=raw_id,
        position=position,
        parent_id=parent_id,
        source_format=source_format,
        title=title,
        body=body,
        url=url,
        canonical_url=canonical_url,
        source=outlet.name,
        source_domain=outlet.domain,
        authors=authors or [],
        published=published,
        modified=modified,
        language=language,
        description=description,
        image_url=image_url,
        encoding=encoding,
        fetched_at=fetched_at,
        metadata=metadata or {},
    )


def from_html_page(
    page: HtmlPage,
    *,
    raw_id: str,
    source_format: SourceFormat,
    url: str | None,
    fetched_at: datetime | None,
    **overrides: Any,
) -> Article:
    """An Article from an extracted HTML page; ``overrides`` win over what the page says."""
    meta = page.meta
    fields: dict[str, Any] = {
        "title": meta.title or "",
        "body": page.body,
        "url": url or meta.canonical_url,
        "canonical_url": meta.canonical_url,
        "source": meta.site_name,
        "publisher": meta.publisher,
        "authors": meta.authors,
        "published": meta.published,
        "modified": meta.modified,
        "language": meta.language,
        "description": meta.description,
        "image_url": meta.image_url,
        "encoding": page.encoding,
        "fetched_at": fetched_at,
    }
    fields.update({key: value for key, value in overrides.items() if value not in (None, "", [], {})})
    return make_article(raw_id=raw_id, source_format=source_format, **fields)


def check_article_count(count: int, max_articles: int) -> None:
    """Readers call this as they go, so a huge file fails early instead of after all the work."""
    if count > max_articles:
        raise LimitExceededError(f"The file holds more than {max_articles} articles, the limit per file.")
