"""Entity grouping rules on hand-made NER spans, then on the seed page with the real model."""

import pytest

from services.enricher.entities import Span, extract_entities
from services.enricher.geo import Gazetteer

pytestmark = pytest.mark.unit


def spans_for(body: str, tagged: list[tuple[str, str]]) -> list[Span]:
    """Spans for each (text, label) in order of appearance in ``body``."""
    out, cursor = [], 0
    for text, label in tagged:
        start = body.index(text, cursor)
        out.append(Span(label, start, start + len(text)))
        cursor = start + len(text)
    return out


def never_place(name: str, strict: bool) -> bool:
    return False


def by_name(entities):
    return {e.name: e for e in entities}


def test_surname_and_honorific_mentions_join_the_full_name():
    body = "North Korean leader Kim Jong Un met officials. Mr. Kim said no. Later Kim left."
    spans = spans_for(body, [("Kim Jong Un", "PERSON"), ("Mr. Kim", "PERSON"), ("Kim", "ORG")])
    people = by_name(extract_entities(body, spans, never_place))
    assert set(people) == {"Kim Jong Un"}
    kim = people["Kim Jong Un"]
    assert kim.type == "person" and kim.count == 3
    assert [m.text for m in kim.mentions] == ["Kim Jong Un", "Mr. Kim", "Kim"]


def test_surname_before_full_name_is_still_merged():
    body = "'It could have been worse,' Terekhov wrote. Kharkiv Mayor Ihor Terekhov said so."
    spans = spans_for(body, [("Terekhov", "PERSON"), ("Ihor Terekhov", "PERSON")])
    (person,) = extract_entities(body, spans, never_place)
    assert person.name == "Ihor Terekhov"
    assert person.first_offset == body.index("Terekhov")
    assert person.count == 2


def test_possessive_and_leading_article_are_stripped():
    body = "Russia's Defence Ministry said the Pentagon's stance and the Pentagon differ."
    spans = spans_for(body, [("Russia's", "GPE"), ("the Pentagon's", "ORG"), ("the Pentagon", "ORG")])
    found = by_name(extract_entities(body, spans, never_place))
    assert set(found) == {"Russia", "Pentagon"}
    assert found["Pentagon"].count == 2
    assert [m.text for m in found["Russia"].mentions] == ["Russia"]


def test_alias_table_merges_us_variants_into_one_place():
    body = "The U.S. said. The US agreed. The United States of America signed."
    spans = spans_for(body, [("U.S.", "GPE"), ("US", "ORG"), ("United States of America", "GPE")])
    (us,) = extract_entities(body, spans, never_place)
    assert (us.name, us.type, us.count) == ("United States", "place", 3)


def test_acronym_joins_its_organisation():
    body = "the official Korean Central News Agency said. KCNA added nothing."
    spans = spans_for(body, [("Korean Central News Agency", "ORG"), ("KCNA", "ORG")])
    (agency,) = extract_entities(body, spans, never_place)
    assert agency.name == "Korean Central News Agency" and agency.count == 2


def test_majority_label_and_gazetteer_fix_model_label_noise():
    body = "Trump spoke. Trump left. Trump returned. Missiles hit Kharkiv and Kursk."
    spans = spans_for(body, [("Trump", "PERSON"), ("Trump", "ORG"), ("Trump", "PERSON"), ("Kharkiv", "ORG"),
                             ("Kursk", "PRODUCT")])
    found = by_name(extract_entities(body, spans, Gazetteer.shared().is_place))
    assert found["Trump"].type == "person" and found["Trump"].count == 3
    assert found["Kharkiv"].type == "place"
    assert found["Kursk"].type == "place"


def test_role_word_makes_a_two_word_name_a_person():
    body = "Ukraine's top army chief Oleksandr Syrskyi reiterated it."
    spans = spans_for(body, [("Oleksandr Syrskyi", "ORG")])
    (person,) = extract_entities(body, spans, never_place)
    assert person.type == "person"


def test_unlabelled_repeats_of_a_known_name_are_counted():
    body = "Hakan Fidan presided. Later, Hakan Fidan spoke again."
    spans = spans_for(body, [("Hakan Fidan", "PERSON")])  # the model missed the second one
    (fidan,) = extract_entities(body, spans, never_place)
    assert fidan.count == 2
    assert all(body[m.start : m.end] == m.text for m in fidan.mentions)


def test_other_labels_are_not_entities():
    body = "On Monday 40 planes cost $3 billion."
    spans = spans_for(body, [("Monday", "DATE"), ("40", "CARDINAL"), ("$3 billion", "MONEY")])
    assert extract_entities(body, spans, never_place) == []


# --- the seed page, real model -------------------------------------------------------------

SEED_PEOPLE = {
    "seed_main": ["Rustem Umerov", "Vladimir Medinsky", "Hakan Fidan", "Ihor Terekhov"],
    "seed_related_kim": ["Kim Jong Un", "Sergei Shoigu"],
    "seed_related_pentagon": ["Pete Hegseth"],
}


@pytest.mark.parametrize(("article", "name"), [(a, n) for a, names in SEED_PEOPLE.items() for n in names])
def test_seed_people_found_with_canonical_names(seed_enriched, article, name):
    people = {e.name: e for e in seed_enriched[article].entities if e.type == "person"}
    assert name in people


def test_seed_short_forms_are_merged_not_listed_apart(seed_enriched):
    people = {e.name for e in seed_enriched["seed_related_kim"].entities if e.type == "person"}
    assert "Kim" not in people and "Shoigu" not in people
    kim = next(e for e in seed_enriched["seed_related_kim"].entities if e.name == "Kim Jong Un")
    assert kim.count >= 3  # "Kim Jong Un", "Mr. Kim" twice, "Kim"
    terekhov = next(e for e in seed_enriched["seed_main"].entities if e.name == "Ihor Terekhov")
    assert terekhov.count == 2


def test_seed_mention_offsets_index_the_body(seed_enriched):
    for enriched in seed_enriched.values():
        body = enriched.article.body
        for entity in enriched.entities:
            assert entity.first_offset == min(m.start for m in entity.mentions)
            for m in entity.mentions:
                assert body[m.start : m.end] == m.text


def test_bare_compass_words_are_no_places_but_names_starting_with_one_are():
    body = ("Pyongyang fired a missile, the North's state media said. South Korea and the West condemned it; "
            "Central Command and North Korea did not comment.")
    spans = spans_for(body, [("Pyongyang", "GPE"), ("North", "LOC"), ("South Korea", "GPE"), ("West", "LOC"),
                             ("Central", "ORG"), ("North Korea", "GPE")])
    found = by_name(extract_entities(body, spans, Gazetteer.shared().is_place))
    assert "North" not in found and "West" not in found and "Central" not in found
    assert found["South Korea"].type == found["North Korea"].type == found["Pyongyang"].type == "place"


def test_a_person_named_like_a_compass_point_is_kept():
    body = "Kanye West arrived. West said little."
    spans = spans_for(body, [("Kanye West", "PERSON"), ("West", "PERSON")])
    (person,) = extract_entities(body, spans, never_place)
    assert (person.name, person.count) == ("Kanye West", 2)
