"""Aggregator text dumps: the seed and three dumps in the same style from other (invented) aggregators."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.parser.parse import parse_page
from services.parser.text_dump import split_dump
from shared.errors import BadInputError

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
SEED = ROOT / "seeds" / "000_617e04975ce0a18a.txt"
DUMPS = ROOT / "tests" / "fixtures" / "text_dumps"
SEED_BOILERPLATE = [
    "logo", "Orange background", "Try Our AI Features", "Explore what Daily8 AI can do for you:", "Comments",
    "No comments yet...", "Related Articles", "DOWNLOAD THE APP", "Get Started Now: Download the App",
    "app-storeplay-store", "• The Hindu", "• India Today", "• Mint",
    "Ready to dive into the world of global news and events? Download our app today from your preferred app "
    "store and start exploring.",
]


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_seed_splits_into_main_and_three_related_articles():
    articles = split_dump(SEED.read_text(encoding="utf-8"))
    assert [(a.source, a.published.text) for a in articles] == [
        ("The Hindu", "3 days ago"),
        ("The Hindu", "44 minutes ago"),
        ("India Today", "an hour ago"),
        ("Mint", "an hour ago"),
    ]
    assert [a.title for a in articles] == [
        "Ukraine, Russia meet in Turkiye for peace talks with few hopes for breakthrough",
        "North Korea's Kim says he'll 'unconditionally support' Russia's war against Ukraine",
        "Ukraine's drone attack hit fewer Russian warplanes than claimed, US says",
        "US is redirecting critical antidrone technology From Ukraine to US forces",
    ]
    assert all(a.published.origin == "relative" and a.published.value is None for a in articles)


def test_seed_bodies_are_the_stories_without_chrome():
    articles = split_dump(SEED.read_text(encoding="utf-8"))
    main = articles[0]
    assert main.body.startswith("Delegations from Russia and Ukraine gathered in Turkiye")
    assert main.body.endswith("No casualties were reported.")
    assert articles[3].body.startswith("The Trump administration is redirecting")
    for article in articles:
        lines = _lines(article.body)
        assert article.title not in lines, "the title is repeated in the dump but belongs to the title field"
        for junk in SEED_BOILERPLATE:
            assert " ".join(junk.split()) not in lines
            assert junk not in (article.title, article.source)


def test_seed_through_parse_page_links_related_articles(make_ref, limits):
    data = SEED.read_bytes()
    articles = parse_page(data, make_ref(data, "000_617e04975ce0a18a.txt"), **limits)
    main, *related = articles
    assert len(articles) == 4
    assert {a.source_format for a in articles} == {"text_dump"}
    assert main.position == 0 and main.parent_id is None
    assert [a.position for a in related] == [1, 2, 3]
    assert all(a.parent_id == main.article_id for a in related)
    assert len({a.article_id for a in articles}) == 4
    assert all(a.raw_id == make_ref(data).raw_id for a in articles)


@pytest.mark.parametrize("name", sorted(p.stem for p in DUMPS.glob("*.txt")))
def test_other_aggregator_dumps(name):
    expected = json.loads((DUMPS / f"{name}.expected.json").read_text(encoding="utf-8"))
    articles = split_dump((DUMPS / f"{name}.txt").read_text(encoding="utf-8"))
    assert [(a.title, a.source, a.published.text) for a in articles] == [
        (e["title"], e["source"], e["published"]) for e in expected["articles"]
    ]
    for article, wanted in zip(articles, expected["articles"], strict=True):
        assert article.body.startswith(wanted["body_starts"])
        assert article.body.endswith(wanted["body_ends"])
        lines = _lines(article.body)
        for junk in expected["boilerplate"]:
            assert junk not in lines
            assert junk not in (article.title, article.source)


def test_subheadings_inside_a_story_are_kept():
    articles = split_dump((DUMPS / "newspulse_three.txt").read_text(encoding="utf-8"))
    assert "What comes next" in _lines(articles[0].body)


@pytest.mark.parametrize(
    ("stamp", "source", "time"),
    [
        ("The Hindu3 days ago", "The Hindu", "3 days ago"),
        ("Reuters · 2 hours ago", "Reuters", "2 hours ago"),
        ("Le Monde | yesterday", "Le Monde", "yesterday"),
        ("BBC News5mins ago", "BBC News", "5 mins ago"),
    ],
)
def test_stamp_glued_to_the_outlet_is_split(stamp, source, time):
    text = f"A headline here\nA headline here\n{stamp}\n" + "The story has enough words to be a real paragraph of news text. " * 2
    [article] = split_dump(text)
    assert (article.source, article.published.text) == (source, time)


def test_a_sentence_ending_in_a_relative_time_is_not_a_stamp():
    text = "Minister resigns\n\nThe minister said she had decided to resign 3 days ago.\n"
    assert split_dump(text) == []


def test_plain_text_without_stamps_is_one_text_article(make_ref, limits):
    data = b"Local election results\n\nTurnout was the highest in twenty years, officials said on Friday.\n"
    [article] = parse_page(data, make_ref(data, "note.txt"), **limits)
    assert article.source_format == "text"
    assert article.title == "Local election results"
    assert article.body == "Turnout was the highest in twenty years, officials said on Friday."


def test_a_title_that_ends_in_a_relative_time_is_not_a_stamp():
    text = ("Remembering the flood a year ago\nRemembering the flood a year ago\nRiver News · 5 hours ago\n"
            "Residents gathered by the river on Sunday to remember the flood that swept through the town.\n")
    [article] = split_dump(text)
    assert (article.title, article.source, article.published.text) == (
        "Remembering the flood a year ago", "River News", "5 hours ago")


def test_a_text_too_short_to_be_an_article_fails_with_that_reason(make_ref, limits):
    data = b"just some words, not a news page\n"
    with pytest.raises(BadInputError, match=r"too short to be an article \(7 words; an article has at least 10"):
        parse_page(data, make_ref(data, "tiny.txt"), **limits)


def test_a_page_too_short_to_be_an_article_fails_too(make_ref, limits):
    data = b"<html><head><title>Hi</title></head><body><article><p>Back soon, we promise.</p></article></body></html>"
    with pytest.raises(BadInputError, match="too short to be an article"):
        parse_page(data, make_ref(data, "stub.html"), **limits)
