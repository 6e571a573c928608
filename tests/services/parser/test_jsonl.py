"""Scraper exports: JSON objects, arrays and JSON lines with the usual field-name variety."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from services.parser.jsonl import read_json
from services.parser.parse import parse_page
from shared.errors import BadInputError, LimitExceededError
from shared.identity import article_id

pytestmark = pytest.mark.unit

EXPORT = Path(__file__).resolve().parents[2] / "fixtures" / "parser" / "scraper_export.jsonl"
RAW = "0" * 64


def _read(data: bytes, **kwargs):
    return read_json(data, raw_id=RAW, fetched_at=kwargs.get("fetched_at"), max_articles=kwargs.get("max_articles", 100))


def test_json_lines_with_common_field_names():
    text_record, html_record = _read(EXPORT.read_bytes())
    assert text_record.source_format == "json"
    assert text_record.title == "Port strike enters second week"
    assert text_record.url == "https://news.example/a/1?utm_source=feed"
    assert text_record.article_id == article_id(url="https://news.example/a/1")
    assert text_record.source == "News Example"
    assert text_record.authors == ["Sam Ortiz"]
    assert (text_record.published.origin, text_record.published.value) == (
        "record", datetime(2025, 5, 12, 7, 0, tzinfo=timezone.utc))
    assert text_record.fetched_at == datetime(2025, 5, 12, 9, 30, tzinfo=timezone.utc)
    assert text_record.metadata == {"sentiment": -0.4, "tags": ["strike", "ports"]}


def test_a_record_with_html_goes_through_the_html_extractor():
    _, article = _read(EXPORT.read_bytes())
    assert article.body.startswith("Forecasters issued an amber heat warning")
    assert "Most read" not in article.body
    assert article.source == "News Example"  # from the page's meta
    assert article.published.origin == "record"  # the record's own date wins over the page's
    assert article.language == "en"


def test_array_object_and_wrapped_exports():
    record = {"title": "T", "body": "Some text of the story."}
    assert len(_read(json.dumps([record, record]).encode())) == 2
    assert len(_read(json.dumps(record).encode())) == 1
    assert len(_read(json.dumps({"articles": [record, record, record]}).encode())) == 3


def test_fetch_time_falls_back_to_the_reference():
    fetched = datetime(2025, 6, 1, tzinfo=timezone.utc)
    [article] = _read(b'{"text": "Body text."}', fetched_at=fetched)
    assert article.fetched_at == fetched


def test_epoch_dates_are_understood():
    [article] = _read(b'{"text": "Body.", "published": 1717200000000}')
    assert article.published.value == datetime(2024, 6, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b'[{"id": 1}, {"id": 2}]', "None of the 2 JSON records"),
        (b"42", "neither an object"),
    ],
)
def test_unusable_json_is_bad_input(data, reason):
    with pytest.raises(BadInputError, match=reason):
        _read(data)


def test_article_count_limit_is_reported(make_ref, limits):
    data = "\n".join(json.dumps({"text": f"Story number {i}."}) for i in range(5)).encode()
    with pytest.raises(LimitExceededError, match="more than 3 articles"):
        parse_page(data, make_ref(data, "x.jsonl"), **{**limits, "max_articles": 3})


def test_every_skipped_line_is_counted_with_its_reason(make_ref, limits):
    from services.parser.parse import parse_file

    lines = [json.dumps({"title": f"Story {n}", "text": f"Body of story number {n}, told in full."}) for n in (1, 2)]
    lines += ['{"title": "broken", "text": ', json.dumps({"title": "Story 4", "text": "Body of story four."}),
              json.dumps({"id": "rec-5", "title": "No text here"}), json.dumps({"title": "S6", "text": "Body six."})]
    data = "\n".join(lines).encode()
    reading = parse_file(data, make_ref(data, "export.jsonl"), **limits)
    assert len(reading.articles) == 4
    assert reading.records == 6
    assert [(s.reason, s.record_id) for s in reading.skipped] == [
        ("line 3 is not valid JSON", None), ("line 5 has no text", "rec-5")]


def test_array_items_that_are_not_objects_are_skipped_by_number(make_ref, limits):
    from services.parser.parse import parse_file

    data = json.dumps([{"title": "A", "text": "Body of A."}, 42, {"title": "B", "text": "Body of B."}]).encode()
    reading = parse_file(data, make_ref(data, "export.json"), **limits)
    assert (len(reading.articles), reading.records) == (2, 3)
    assert [s.reason for s in reading.skipped] == ["record 2 is not a JSON object"]


def test_a_repeated_record_is_kept_once_and_counted(make_ref, limits):
    from services.parser.parse import parse_file

    record = json.dumps({"url": "https://e.com/a", "title": "A", "text": "Body of A."})
    data = f"{record}\n{record}\n".encode()
    reading = parse_file(data, make_ref(data, "export.jsonl"), **limits)
    assert (len(reading.articles), reading.records) == (1, 2)
    assert "repeats the article 'https://e.com/a'" in reading.skipped[0].reason
