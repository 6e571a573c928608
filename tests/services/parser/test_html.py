"""HTML pages: body without boilerplate, and metadata with where each date came from."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from services.parser.authors import clean_authors
from services.parser.html import extract_html
from shared.errors import BadInputError

pytestmark = pytest.mark.unit

URL = "https://courier.example/news/2025/01/15/river-barrier"


def test_body_is_the_story_only(article_html):
    body = extract_html(article_html, url=URL).body
    assert body.startswith("Engineers raised the steel gates")
    assert body.endswith("did not expect any properties to be flooded.")
    for boilerplate in ("Home", "Most read", "Great work by the barrier team", "All rights reserved",
                        "River barrier closes for the first time this winter", "Email the author"):
        assert boilerplate not in body


def test_metadata_fields(article_html):
    meta = extract_html(article_html, url=URL).meta
    assert meta.title == "River barrier closes for the first time this winter"
    assert meta.authors == ["Jane Doe"]
    assert meta.site_name == "The Riverside Courier"
    assert meta.canonical_url == "https://courier.example/news/2025/01/15/river-barrier?utm_source=rss"
    assert meta.language == "en-GB"
    assert meta.description == "Engineers raised the gates ahead of a storm surge."
    assert meta.image_url == "https://courier.example/images/barrier.jpg"


def test_publication_and_modification_dates_are_kept_apart_with_origin(article_html):
    meta = extract_html(article_html, url=URL).meta
    assert (meta.published.origin, meta.published.text) == ("json-ld", "2025-01-15T18:05:00+00:00")
    assert meta.published.value == datetime(2025, 1, 15, 18, 5, tzinfo=timezone.utc)
    assert (meta.modified.origin, meta.modified.value) == ("meta", datetime(2025, 1, 16, 8, 30, tzinfo=timezone.utc))


PARAGRAPH = "<p>" + "The committee met on a wet morning and agreed the plan after a long debate. " * 4 + "</p>"


def _page(head: str = "", body_extra: str = "") -> bytes:
    return f"<html><head>{head}</head><body><article>{body_extra}{PARAGRAPH}</article></body></html>".encode()


def test_date_from_the_url_when_the_page_has_none():
    meta = extract_html(_page(), url="https://example.org/2024/03/09/plan-agreed").meta
    assert (meta.published.origin, meta.published.value.date().isoformat()) == ("url", "2024-03-09")


def test_date_from_visible_text_as_last_resort():
    meta = extract_html(_page(body_extra='<p class="date">Published 12 March 2024</p>')).meta
    assert meta.published.origin == "visible-text"
    assert meta.published.value.date().isoformat() == "2024-03-12"


def test_placeholder_dates_are_ignored():
    head = '<meta property="article:published_time" content="0001-01-01T00:00:00Z">'
    assert extract_html(_page(head), url="https://example.org/plan").meta.published is None


def test_byline_is_used_when_there_is_no_structured_author():
    meta = extract_html(_page(body_extra='<p class="byline">By Ana Lima and Tom Berg, Staff Writers</p>')).meta
    assert meta.authors == ["Ana Lima", "Tom Berg"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["By Jane Doe, Senior Correspondent"], ["Jane Doe"]),
        (["Email the author", "Follow on Twitter", "https://example.org/jane"], []),
        (["JANE DOE"], ["Jane Doe"]),
        (["Ludwig van Beethoven; María de la Cruz"], ["Ludwig van Beethoven", "María de la Cruz"]),
        (["@handle", "jane@example.org", "Reporter 42"], []),
    ],
)
def test_author_names_are_clean(raw, expected):
    assert clean_authors(raw) == expected


def test_page_without_text_is_bad_input():
    with pytest.raises(BadInputError, match="No article text"):
        extract_html(b"<html><head><script>var x = 1;</script></head><body><img src='a.png'></body></html>")
