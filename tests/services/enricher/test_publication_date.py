from datetime import datetime, timedelta, timezone

import pytest

from shared.models import PageDate
from services.enricher import dates
from services.enricher.publication import relative_offset, resolve_publication

pytestmark = pytest.mark.unit


def stamp(text: str, value: datetime | None = None) -> PageDate:
    return PageDate(text=text, value=value, origin="visible-text")


def test_absolute_value_is_used_as_is(make_article):
    when = datetime(2025, 6, 2, 9, 30, tzinfo=timezone.utc)
    pub = resolve_publication(make_article("x", published=stamp("2025-06-02T09:30:00Z", when)))
    assert (pub.value, pub.resolution) == (when, "absolute")


@pytest.mark.parametrize(
    ("text", "offset"),
    [("3 days ago", timedelta(days=3)), ("The Hindu3 days ago", timedelta(days=3)),
     ("44 minutes ago", timedelta(minutes=44)), ("time44 minutes ago", timedelta(minutes=44)),
     ("an hour ago", timedelta(hours=1)), ("timean hour ago", timedelta(hours=1)),
     ("yesterday", timedelta(days=1)), ("2 hrs ago", timedelta(hours=2))],
)
def test_relative_stamp_is_resolved_against_fetch_time(make_article, fetched, text, offset):
    assert relative_offset(text) == offset
    pub = resolve_publication(make_article("x", published=stamp(text)))
    assert (pub.value, pub.resolution, pub.text) == (fetched - offset, "relative_to_fetch", text)


def test_absolute_text_without_value_is_parsed(make_article):
    pub = resolve_publication(make_article("x", published=stamp("June 5, 2025")))
    assert pub.resolution == "absolute"
    assert pub.value.date().isoformat() == "2025-06-05"


def test_without_reference_the_latest_explicit_date_of_the_text_is_used_and_said_so(make_article):
    body = "The war began in early 2022. Talks opened on Monday (June 2, 2025) and on May 16, 2025 before."
    article = make_article(body, published=stamp("3 days ago"), fetched_at=None)
    pub = resolve_publication(article, dates.resolve(dates.scan(body), None))
    assert pub.resolution == "inferred"
    assert pub.value.date().isoformat() == "2025-06-02"
    assert pub.text == "Monday (June 2, 2025)"


def test_inferred_date_ignores_dates_after_the_crawl(make_article):
    body = "Delivery is planned for March 3, 2027; the contract was signed on May 16, 2025."
    pub = resolve_publication(make_article(body), dates.resolve(dates.scan(body), None))
    assert pub.value.date().isoformat() == "2025-05-16"


def test_nothing_to_go_on_gives_none(make_article):
    assert resolve_publication(make_article("No dates here.", fetched_at=None)) is None


def test_the_parsers_origin_and_confidence_travel_with_the_date(make_article):
    when = datetime(2025, 6, 2, 9, 30, tzinfo=timezone.utc)
    stamp_ = PageDate(text="2025-06-02T09:30:00Z", value=when, origin="json-ld", confidence=0.95)
    pub = resolve_publication(make_article("x", published=stamp_))
    assert (pub.origin, pub.confidence, pub.resolution) == ("json-ld", 0.95, "absolute")


def test_a_byline_stamp_the_parser_resolved_is_relative_to_the_fetch(make_article, fetched):
    stamp_ = PageDate(text="vor 3 Stunden", value=fetched - timedelta(hours=3), origin="relative", confidence=0.7)
    pub = resolve_publication(make_article("x", published=stamp_))
    assert (pub.value, pub.resolution) == (fetched - timedelta(hours=3), "relative_to_fetch")


def test_a_date_after_the_fetch_is_never_the_publication_date(make_article, fetched):
    body = "The contract was signed on May 16, 2025."
    future = PageDate(text="2031-01-01", value=fetched + timedelta(days=2000), origin="record")
    pub = resolve_publication(make_article(body, published=future), dates.resolve(dates.scan(body), None))
    assert pub.value <= fetched
    assert (pub.resolution, pub.value.date().isoformat()) == ("inferred", "2025-05-16")
    assert pub.confidence < 0.5  # a guess from the body: stored as uncertain


def test_a_dump_saved_without_a_crawl_time_keeps_its_inferred_date_on_the_timeline(make_article):
    from services.indexer.documents import TRUSTED_PUBLICATION_CONFIDENCE

    body = "Talks opened on Monday (June 2, 2025) after a first round on May 16, 2025."
    article = make_article(body, published=PageDate(text="The Hindu3 days ago", origin="relative"), fetched_at=None)
    pub = resolve_publication(article, dates.resolve(dates.scan(body), None))
    assert (pub.resolution, pub.value.date().isoformat()) == ("inferred", "2025-06-02")
    assert pub.confidence >= TRUSTED_PUBLICATION_CONFIDENCE


def test_the_seed_dumps_relative_stamp_is_resolved_against_the_fetch_time(make_article, fetched):
    pub = resolve_publication(make_article("x", published=PageDate(text="The Hindu3 days ago", origin="relative")))
    assert (pub.value, pub.resolution, pub.origin) == (fetched - timedelta(days=3), "relative_to_fetch", "relative")
