"""Page metadata from an HTML tree: JSON-LD first, then ``<meta>`` tags, then the page.

Every field records where it came from when that matters downstream: dates are
``PageDate``s whose ``origin`` says json-ld / meta / url / visible-text, and
the publication and last-modified dates are kept apart (a story updated today
was not published today). Reading JSON-LD and meta tags directly with lxml
is an order of magnitude cheaper than trafilatura's metadata pass and tells
us the origin, which trafilatura does not.

    >>> from lxml import html
    >>> meta = read_metadata(html.fromstring(
    ...     '<html lang="en"><head><meta property="og:title" content="Hello">'
    ...     '<meta property="article:published_time" content="2025-06-02T10:00:00Z">'
    ...     '</head><body><p>x</p></body></html>'))
    >>> meta.title, meta.published.origin, meta.language
    ('Hello', 'meta', 'en')
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin

from lxml.etree import XPath
from lxml.html import HtmlElement

from services.parser.authors import clean_authors
from services.parser.pubdate import choose_publication
from shared.models import DateOrigin, PageDate

_ARTICLE_TYPES = re.compile(r"(Article|Posting|Report|Blog|NewsArticle)$", re.IGNORECASE)
_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "lastmod",
    "last-modified",
    "dcterms.modified",
    "article.updated",
    "modified_time",
)
_AUTHOR_META = (
    "author",
    "article:author",
    "og:article:author",
    "dc.creator",
    "parsely-author",
    "sailthru.author",
    "byl",
)
_EARLIEST_YEAR = 1990  # no web news page is older; earlier stamps are CMS placeholders
_BYLINE = XPath(
    '//*[@rel="author" or @itemprop="author" or contains(@class, "byline") or contains(@class, "author-name")]'
)


@dataclass
class PageMeta:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: PageDate | None = None
    modified: PageDate | None = None
    site_name: str | None = None
    publisher: str | None = None  # the JSON-LD publisher's name, which ``source.py`` weighs against site_name
    canonical_url: str | None = None
    language: str | None = None
    description: str | None = None
    image_url: str | None = None


def parse_date(text: str) -> datetime | None:
    """Absolute UTC time for an ISO-like stamp; naive times are taken as UTC."""
    value = text.strip()
    if not value:
        return None
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            from email.utils import parsedate_to_datetime

            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        return parsed.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None


def page_date(text: Any, origin: DateOrigin) -> PageDate | None:
    """A PageDate, or None for empty text and CMS placeholders such as 0001-01-01."""
    if not isinstance(text, str) or not text.strip():
        return None
    value = parse_date(text)
    if value is not None and value.year < _EARLIEST_YEAR:
        return None
    return PageDate(text=text.strip()[:200], value=value, origin=origin)


def _clean_text(value: str | None) -> str | None:
    """Unescape (pages often double-escape entities in meta tags) and collapse whitespace."""
    if not value:
        return None
    return " ".join(html.unescape(value).split()) or None


def _json_ld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON object in ld+json scripts, flattening lists and @graph."""
    found: list[dict[str, Any]] = []
    for script in tree.xpath('//script[contains(translate(@type,"LDJSON","ldjson"),"ld+json")]'):
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(found) < 200:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
    return found


def _types(obj: dict[str, Any]) -> list[str]:
    kind = obj.get("@type")
    return [k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)]


def _name(value: Any) -> list[str]:
    """Names from a schema.org Person/Organization value (string, object or list)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _name(value.get("name"))
    if isinstance(value, list):
        return [n for v in value for n in _name(v)]
    return []


def _image(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _image(value.get("url") or value.get("contentUrl"))
    if isinstance(value, list) and value:
        return _image(value[0])
    return None


def _first_str(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    return value.strip() if isinstance(value, str) and value.strip() else None


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """Lower-cased name/property/itemprop -> first non-empty content."""
    tags: dict[str, str] = {}
    for meta in tree.iterfind(".//meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv")
        content = meta.get("content") or meta.get("datetime")
        if key and content and content.strip():
            tags.setdefault(key.strip().lower(), content.strip())
    return tags


def read_metadata(tree: HtmlElement, url: str | None = None, fetched_at: datetime | None = None) -> PageMeta:
    meta = PageMeta()
    tags = _meta_tags(tree)
    articles = []
    site_names: list[str] = []
    ld_objects = _json_ld_objects(tree)
    for obj in ld_objects:
        kinds = _types(obj)
        if any(_ARTICLE_TYPES.search(k) for k in kinds):
            articles.append(obj)
        elif "WebSite" in kinds or "Organization" in kinds or "NewsMediaOrganization" in kinds:
            site_names.extend(_name(obj.get("name")))
    article = articles[0] if articles else {}

    meta.title = _first_str(article.get("headline")) or tags.get("og:title") or tags.get("twitter:title")
    if not meta.title:
        title_el = tree.find(".//title")
        h1 = tree.xpath("string(//h1[1])").strip()
        meta.title = h1 or (title_el.text_content().strip() if title_el is not None else None) or None
    meta.authors = clean_authors(_name(article.get("author")) or [tags[k] for k in _AUTHOR_META if k in tags])
    if not meta.authors:  # no structured author: the visible byline
        meta.authors = clean_authors([" ".join(el.text_content().split()) for el in _BYLINE(tree)[:3]])

    meta.modified = page_date(_first_str(article.get("dateModified")), "json-ld")
    meta.modified = meta.modified or next((page_date(tags[k], "meta") for k in _MODIFIED_META if k in tags), None)

    publisher = _name(article.get("publisher"))
    meta.publisher = _clean_text(publisher[0]) if publisher else None
    meta.site_name = _clean_text(
        tags.get("og:site_name") or (publisher[0] if publisher else None) or (site_names[0] if site_names else None)
    )
    canonical = tree.xpath('string(//link[translate(@rel,"CANONICAL","canonical")="canonical"]/@href)').strip()
    canonical = canonical or tags.get("og:url") or _first_str(article.get("url"))
    meta.canonical_url = (
        urljoin(url, canonical)
        if canonical and url
        else (canonical if canonical and canonical.startswith("http") else None)
    )
    lang = (
        tree.get("lang")
        or tree.get("xml:lang")
        or tags.get("og:locale")
        or tags.get("content-language")
        or _first_str(article.get("inLanguage"))
    )
    meta.language = lang.strip().replace("_", "-")[:16] if lang and lang.strip() else None
    meta.published = choose_publication(
        tree, url, ld_articles=articles, ld_objects=ld_objects, language=meta.language, fetched_at=fetched_at
    )
    meta.title = _clean_text(meta.title)
    meta.description = _clean_text(
        _first_str(article.get("description")) or tags.get("description") or tags.get("og:description")
    )
    image = _image(article.get("image")) or tags.get("og:image") or tags.get("twitter:image")
    meta.image_url = urljoin(url, image) if image and url else image
    return meta
