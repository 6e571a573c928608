"""Publication dates a timeline can trust: evidence order, never a modified/copyright/future date.

Pages go through ``extract_html`` (the path every HTML page takes: dropped
file, JSON record, WARC response), so these are the dates articles carry.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from services.parser.html import extract_html
from services.parser.parse import parse_page
from shared.models import RawPageRef

pytestmark = pytest.mark.unit

FETCHED = datetime(2025, 6, 5, 12, 0, tzinfo=timezone.utc)
PARAGRAPH = "<p>" + "The committee met on a wet morning and agreed the plan after a long debate. " * 4 + "</p>"


def page(head: str = "", header: str = "", lang: str = "en") -> bytes:
    return (
        f'<html lang="{lang}"><head>{head}</head><body><article><header><h1>Plan agreed</h1>{header}'
        f"</header>{PARAGRAPH}</article><footer>© 2031 The Courier</footer></body></html>"
    ).encode()


def published(data: bytes, url: str | None = None, fetched_at: datetime | None = FETCHED):
    return extract_html(data, url=url, fetched_at=fetched_at).meta.published


def ld(**fields: str) -> str:
    import json

    return f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", **fields})}</script>'


@pytest.mark.parametrize(
    "head",
    [
        ld(datePublished="2025-07-01T10:00:00Z"),
        '<meta property="article:published_time" content="2025-06-05T12:30:00+00:00">',
        '<meta name="date" content="2030-01-01">',
    ],
    ids=["json-ld next month", "meta half an hour after the fetch", "meta years ahead"],
)
def test_a_date_after_the_fetch_time_is_never_the_publication_date(head):
    found = published(page(head, header='<time datetime="2025-06-01T08:00:00Z">1 June 2025</time>'))
    assert found is not None and found.value <= FETCHED
    assert found.day == date(2025, 6, 1)


def test_without_a_fetch_time_nothing_after_now_is_taken():
    future = (datetime.now(timezone.utc) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    found = published(page(ld(datePublished=future)), fetched_at=None)
    assert found is None or found.value <= datetime.now(timezone.utc)


def test_a_page_with_only_future_dates_gets_none():
    head = ld(datePublished="2025-07-01T10:00:00Z") + '<meta property="article:published_time" content="2026-01-01">'
    assert published(page(head), url="https://example.org/news/plan") is None


def test_modified_dates_are_never_taken_for_publication():
    head = (
        ld(dateModified="2025-06-04T09:00:00Z")
        + '<meta property="article:modified_time" content="2025-06-04T09:00:00Z">'
        + '<meta property="og:updated_time" content="2025-06-04T09:00:00Z">'
    )
    header = (
        '<time class="updated" datetime="2025-06-04T09:00:00Z">Updated 4 June</time>'
        '<time class="published" datetime="2025-05-20T07:00:00Z">20 May 2025</time>'
    )
    found = published(page(head, header))
    assert (found.day, found.origin) == (date(2025, 5, 20), "time-element")


def test_copyright_years_are_not_publication_dates():
    # Only a copyright line (in the footer of ``page``) and a year in the text: no date to give.
    assert published(page(header="<p>Since 2019 the plan has waited.</p>"), url="https://example.org/plan") is None


def test_structured_data_wins_over_url_and_agreement_raises_confidence():
    head = ld(datePublished="2025-03-09T10:00:00+01:00")
    alone = published(page(head))
    agreed = published(page(head), url="https://example.org/2025/03/09/plan")
    assert (alone.origin, alone.day) == ("json-ld", date(2025, 3, 9))
    assert agreed.confidence > alone.confidence


def test_strong_evidence_that_disagrees_lowers_confidence():
    head = ld(datePublished="2025-03-09T10:00:00Z")
    contradicted = published(page(head), url="https://example.org/2024/11/02/plan")
    assert contradicted.day == date(2025, 3, 9)
    assert contradicted.confidence < published(page(head)).confidence


def test_a_utc_stamp_keeps_the_day_the_page_wrote():
    # 05:30 UTC on 9 November is 23:30 on 8 November in Minneapolis; the URL says the 8th.
    head = ld(datePublished="2023-11-09T05:30:59Z")
    found = published(page(head), url="https://example.org/2023/11/08/mayor-elected", fetched_at=None)
    assert found.day == date(2023, 11, 8)
    assert found.value == datetime(2023, 11, 9, 5, 30, 59, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("lang", "stamp", "expected"),
    [
        ("en-US", "11/01/2023 12:43", date(2023, 11, 1)),
        ("de", "11/01/2023 12:43", date(2023, 1, 11)),
        ("en-GB", "03/04/2024", date(2024, 4, 3)),
        ("de", "21.01.2022 - 13:30", date(2022, 1, 21)),
    ],
)
def test_ambiguous_day_month_is_read_the_locale_s_way(lang, stamp, expected):
    found = published(page(f'<meta name="date" content="{stamp}">', lang=lang))
    assert found.day == expected


def test_ambiguous_day_month_is_read_the_way_the_page_s_other_dates_confirm():
    head = '<meta name="date" content="11/01/2023 12:43">'
    found = published(page(head, lang="de"), url="https://example.org/2023/11/01/water")
    assert found.day == date(2023, 11, 1)


@pytest.mark.parametrize(
    ("lang", "byline", "expected"),
    [
        ("en", "3 hours ago", FETCHED - timedelta(hours=3)),
        ("de", "vor 3 Stunden", FETCHED - timedelta(hours=3)),
        ("fr", "il y a 2 jours", FETCHED - timedelta(days=2)),
        ("uk", "3 дні тому", FETCHED - timedelta(days=3)),
        ("es", "hace 2 días", FETCHED - timedelta(days=2)),
        ("ru", "5 минут назад", FETCHED - timedelta(minutes=5)),
    ],
)
def test_relative_byline_stamps_are_resolved_against_the_fetch_time(lang, byline, expected):
    found = published(page(header=f'<span class="byline-date">{byline}</span>', lang=lang))
    assert (found.origin, found.value) == ("relative", expected)


def test_a_relative_stamp_without_a_fetch_time_gives_no_date():
    assert published(page(header='<span class="date">vor 3 Stunden</span>', lang="de"), fetched_at=None) is None


def test_the_fetch_time_of_a_dropped_file_bounds_the_date():
    data = page(ld(datePublished="2025-07-01T10:00:00Z"), '<time datetime="2025-06-01T08:00:00Z">1 June</time>')
    ref = RawPageRef(raw_id="0" * 64, filename="p.html", size_bytes=len(data), received_at=FETCHED, fetched_at=FETCHED)
    [article] = parse_page(data, ref, max_raw_bytes=10**6, max_decompressed_bytes=10**6, max_articles=5)
    assert article.published.value == datetime(2025, 6, 1, 8, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("lang", "header", "expected"),
    [
        (
            "de",
            '<div><div><div><time datetime="2019-08-24T03:36:11+02:00">24.08.</time></div></div></div>'
            "<p>Veröffentlicht am 16.08.2019</p>",
            date(2019, 8, 16),
        ),
        (
            "de",
            '<p class="foot">Letzte Änderung: 31.10.2023 - 14:49<br>Erschienen am: 01.11.2023</p>',
            date(2023, 11, 1),
        ),
        ("fr", "<p>Publié le <span>9 juin 2019</span></p>", date(2019, 6, 9)),
    ],
)
def test_a_date_the_page_labels_as_its_publication_outranks_other_visible_dates(lang, header, expected):
    found = published(page(header=header, lang=lang))
    assert found.day == expected


def test_a_teaser_s_labelled_date_is_not_the_story_s():
    header = '<span class="date">9 May 2024</span><div class="related-teaser"><p>Published on 3 May 2024</p></div>'
    found = published(page(header=header))
    assert found.day == date(2024, 5, 9)


def test_a_time_in_the_story_s_header_block_outranks_a_generic_date_meta():
    head = '<meta name="dc.date" content="2022-01-21T09:43+01:00">'
    header = '<div class="article-meta"><time datetime="2022-01-25T08:00:00+01:00">25.01.2022</time></div>'
    assert published(page(head, header, lang="de")).day == date(2022, 1, 25)


@pytest.mark.parametrize(
    "header",
    [
        '<div id="page-info">page revision: 8, last edited: <span class="odate">17 Jun 2018 15:15</span></div>',
        '<p class="meta">This page was last modified on 4 November 2020, at 19:23.</p>',
    ],
)
def test_a_date_the_page_labels_as_an_edit_is_not_taken_for_publication(header):
    found = published(page(header=header))
    assert found is None or found.day not in (date(2018, 6, 17), date(2020, 11, 4))


def test_a_byline_that_only_shares_its_day_with_an_update_is_kept():
    header = '<p class="date">Written: 2023-11-07 15:03:30 / Updated: 2023-11-07 15:30:46</p>'
    assert published(page(header=header)).day == date(2023, 11, 7)


def test_the_day_s_date_beside_a_logo_headline_is_not_the_story_s_byline():
    data = (
        '<html lang="de"><head><meta name="date" content="2017-05-01T17:05:00+0200"></head><body>'
        '<div class="site">\n<h1><a href="/" class="logo">Courier</a></h1>\n'
        '<span class="site-date">Mittwoch, 26.02.2020</span></div>\n'
        f"<article><div><h1>Plan agreed</h1>{PARAGRAPH}</div></article></body></html>"
    ).encode()
    assert published(data).day == date(2017, 5, 1)


def test_a_news_item_s_date_before_its_title_is_still_its_byline():
    data = (
        '<html lang="de"><body><h1><a href="/"><img alt="Jugendwerk"></a></h1>\n'
        '<div class="news-item">\n<div class="news-timedata">05.02.2020 - Redaktion</div>\n'
        f"<h1>Faire Lieferketten</h1>{PARAGRAPH}</div></body></html>"
    ).encode()
    assert published(data).day == date(2020, 2, 5)
