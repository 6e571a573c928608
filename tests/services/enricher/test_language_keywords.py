import pytest

from services.enricher import keywords, language

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "code"),
    [("Delegations from Russia and Ukraine gathered in Turkiye on Monday for peace talks.", "en"),
     ("Les délégations russe et ukrainienne se sont réunies lundi à Istanbul pour des pourparlers.", "fr"),
     ("Die Delegationen aus Russland und der Ukraine trafen sich am Montag in Istanbul.", "de")],
)
def test_language_with_confidence(text, code):
    found, confidence = language.detect(text)
    assert found == code
    assert 0.5 < confidence <= 1.0


def test_no_letters_no_language():
    assert language.detect("12 345 -- 67") == (None, None)


def test_keywords_name_the_topic_of_the_seed_story(seed_texts):
    found = keywords.extract(
        "North Korea's Kim says he'll 'unconditionally support' Russia's war against Ukraine",
        seed_texts["seed_related_kim"],
    )
    assert found[0] == "north korea"
    assert "russia" in found and "kursk region" in found
    assert len(found) == 10 and len(set(found)) == 10


def test_keywords_do_not_repeat_a_phrase_inside_a_longer_one():
    found = keywords.extract("", "North Korea said. North Korea sent troops. North Korea and Russia. Russia agreed.")
    assert "north korea" in found and "korea" not in found and "north" not in found


def test_keyword_phrases_break_at_every_non_word_character(seed_texts):
    """Runs of digits or punctuation break phrases exactly as single characters would."""
    import re

    one_at_a_time = re.compile(r"([a-z](?:[a-z-]|'(?!s\b))*[a-z]|[a-z])(?:'s\b)?|\S")
    for text in [*seed_texts.values(), "peace talks -- 2025 peace talks; (peace) talks' end-of-day 12,000 troops"]:
        expected, current = [], []
        for word in one_at_a_time.findall(text.lower().replace("\u2019", "'")):
            if len(word) < 2 or word in keywords._STOP:
                if current:
                    expected.append(tuple(current))
                    current = []
                continue
            current.append(word)
            if len(current) == 3:
                expected.append(tuple(current))
                current = []
        if current:
            expected.append(tuple(current))
        assert keywords._phrases(text) == expected
