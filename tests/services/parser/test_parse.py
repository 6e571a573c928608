"""parse_page: one entry point for every format, limits reported, deterministic identity."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone

import pytest

from services.parser.parse import parse_page
from shared.errors import BadInputError, LimitExceededError
from shared.identity import article_id

pytestmark = pytest.mark.unit

FETCHED = datetime(2025, 1, 15, 20, 0, tzinfo=timezone.utc)


def test_html_page_becomes_one_article_identified_by_its_canonical_url(article_html, make_ref, limits):
    [article] = parse_page(article_html, make_ref(article_html, "river.html", FETCHED), **limits)
    assert article.source_format == "html"
    assert article.article_id == article_id(url="https://courier.example/news/2025/01/15/river-barrier")
    assert article.canonical_url.startswith("https://courier.example/news/2025/01/15/river-barrier")
    assert (article.position, article.parent_id) == (0, None)
    assert article.fetched_at == FETCHED
    assert article.raw_id == make_ref(article_html).raw_id
    assert article.encoding == "utf-8"


def test_same_bytes_same_ids(article_html, make_ref, limits):
    first = parse_page(article_html, make_ref(article_html), **limits)
    again = parse_page(article_html, make_ref(article_html), **limits)
    assert [a.article_id for a in first] == [a.article_id for a in again]


def test_gzipped_page_is_read_like_the_plain_one(article_html, make_ref, limits):
    packed = gzip.compress(article_html)
    [plain] = parse_page(article_html, make_ref(article_html), **limits)
    [unpacked] = parse_page(packed, make_ref(packed, "river.html.gz"), **limits)
    assert (unpacked.title, unpacked.body) == (plain.title, plain.body)


def test_file_over_the_size_limit_is_reported(article_html, make_ref, limits):
    with pytest.raises(LimitExceededError, match="over the 1000-byte limit"):
        parse_page(article_html, make_ref(article_html), **{**limits, "max_raw_bytes": 1000})


def test_decompressed_size_limit_is_reported(article_html, make_ref, limits):
    packed = gzip.compress(article_html * 20)
    with pytest.raises(LimitExceededError, match="expands to more than"):
        parse_page(packed, make_ref(packed), **{**limits, "max_decompressed_bytes": len(article_html)})


def test_related_article_count_limit_is_reported(make_ref, limits):
    data = (
        b"Main story\nMain story\nThe Gazette1 hour ago\nThe main story has enough words to count as a paragraph.\n"
        b"Second story\nSecond story\nThe Post2 hours ago\nThe second story also has enough words to count.\n"
    )
    with pytest.raises(LimitExceededError, match="more than 1 articles"):
        parse_page(data, make_ref(data), **{**limits, "max_articles": 1})


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02\x03" * 100, b"   ", b"...!!! ---"])
def test_nothing_usable_is_bad_input(data, make_ref, limits):
    with pytest.raises(BadInputError) as raised:
        parse_page(data, make_ref(data), **limits)
    assert raised.value.reason.endswith(".")


def test_the_same_url_twice_in_one_file_is_one_article(make_ref, limits):
    data = (b'{"url": "https://e.example/a", "text": "First fetch of the story."}\n'
            b'{"url": "https://e.example/a?utm_source=x", "text": "Second fetch of the story."}\n')
    [article] = parse_page(data, make_ref(data), **limits)
    assert article.body == "First fetch of the story."


def test_the_url_a_page_was_sent_with_dates_it_when_the_page_itself_does_not(make_ref, limits):
    words = " ".join(["The council voted on the new river barrier after a long debate."] * 6)
    page = f"<html><head><title>Barrier vote</title></head><body><article><p>{words}</p></article></body></html>"
    data = page.encode()
    ref = make_ref(data, "vote.html", FETCHED).model_copy(update={"url": "https://courier.example/2024/11/03/vote"})
    [article] = parse_page(data, ref, **limits)
    assert article.published is not None and article.published.value.date().isoformat() == "2024-11-03"
    [undated] = parse_page(data, make_ref(data, "vote.html", FETCHED), **limits)
    assert undated.published is None or undated.published.value is None
