"""Type evidence over NER spans: the kinds of wrong facet values real news pages produced."""

import pytest

from services.enricher import type_rules
from services.enricher.entities import Span, extract_entities

pytestmark = pytest.mark.unit


def _never_place(name: str, strict: bool) -> bool:
    return False


@pytest.mark.parametrize("surface", ["pic.twitter.com/abc", "@politifact", "#MeToo", "Art Director_Park", "USD",
                                     "Euro", "MacBook Pro", "Nintendo Switch Lite", "Boeing 787", "iPhone",
                                     "zum Ziel"])
def test_links_handles_units_products_and_fragments_are_no_entities(surface):
    assert type_rules.judge(surface, "person", f"x {surface} y", 2) == type_rules.DROP


def test_known_platform_is_an_organisation_and_a_handle_is_trimmed():
    assert type_rules.judge("Twitter @spacedotcom", "person", "on Twitter @spacedotcom", 3) == ("Twitter", "organization")


def test_trailing_lower_case_words_are_trimmed():
    assert type_rules.judge("Associated Press that", "organization", "", 0) == ("Associated Press", "organization")


def test_outlet_named_by_its_domain_is_kept():
    assert type_rules.judge("Detik.com", "organization", "", 0) == ("Detik.com", "organization")


def test_state_code_is_a_place_only_after_a_comma():
    body = "He lives in Miami, FL and works for FL Holdings."
    assert type_rules.judge("FL", "organization", body, body.index("FL")) == ("Florida", "place")
    assert type_rules.judge("FL", "organization", body, body.rindex("FL")) == type_rules.DROP


def test_team_with_article_is_not_a_person_across_the_article():
    body = "The Steelers lost. Steelers coach Mike Tomlin said the Steelers would recover."
    spans = [Span("PERSON", body.index("Steelers"), body.index("Steelers") + 8),
             Span("PERSON", body.index("Steelers coach"), body.index("Steelers coach") + 8),
             Span("PERSON", body.index("Mike Tomlin"), body.index("Mike Tomlin") + 11),
             Span("PERSON", body.rindex("Steelers"), body.rindex("Steelers") + 8)]
    types = {e.name: e.type for e in extract_entities(body, spans, _never_place)}
    assert types == {"Steelers": "organization", "Mike Tomlin": "person"}


def test_surname_joins_a_full_name_with_a_suffix():
    body = "Patrick W. Carlineo Jr. pleaded guilty. Carlineo said sorry."
    spans = [Span("PERSON", 0, 23), Span("GPE", body.index("Carlineo said"), body.index("Carlineo said") + 8)]
    [entity] = extract_entities(body, spans, _never_place)
    assert (entity.name, entity.type, entity.count) == ("Patrick W. Carlineo Jr.", "person", 2)


def test_a_one_word_person_the_body_writes_in_lower_case_is_a_word():
    body = "Meth. We're on it. The campaign says meth use is rising."
    assert extract_entities(body, [Span("PERSON", 0, 4)], _never_place) == []


def test_organisation_ending_in_a_persons_surname_is_that_person():
    body = "Mason Rudolph swung the helmet. Rudolph said nothing."
    spans = [Span("ORG", 0, 13), Span("PERSON", body.index("Rudolph said"), body.index("Rudolph said") + 7)]
    [entity] = extract_entities(body, spans, _never_place)
    assert (entity.type, entity.name, entity.count) == ("person", "Mason Rudolph", 2)


def test_company_the_gazetteer_knows_as_a_city_code_stays_a_company():
    body = "Apple buys chips from AMD."
    def amd_is_a_city(name, strict):
        return name == "AMD"
    [entity] = extract_entities(body, [Span("GPE", body.index("AMD"), body.index("AMD") + 3)], amd_is_a_city)
    assert (entity.type, entity.name) == ("organization", "AMD")


def test_a_name_followed_by_its_state_is_a_place():
    body = "The rally in Sioux Falls, South Dakota drew crowds; a man from Ithaca, NY spoke."
    assert type_rules.judge("Sioux Falls", "person", body, body.index("Sioux")) == ("Sioux Falls", "place")
    assert type_rules.judge("Ithaca", "organization", body, body.index("Ithaca")) == ("Ithaca", "place")


def test_a_products_short_name_is_that_product():
    body = "The Nintendo Switch sold well. Switch owners queued."
    spans = [Span("ORG", 4, 19), Span("PERSON", body.index("Switch owners"), body.index("Switch owners") + 6)]
    assert extract_entities(body, spans, _never_place) == []


@pytest.mark.parametrize(("surface", "expected"), [
    ("Johnson Space Center", "place"), ("Museum of Flight", "place"),  # buildings
    ("Britney Spears", "person"), ("Dean Kamen", "person"),  # a sure given name first
    ("Morgan Stanley", "organization"), ("Royal Navy", "organization"), ("Goldman Sachs", "organization"),
])
def test_organisation_spans_that_name_a_building_or_a_person(surface, expected):
    assert type_rules.judge(surface, "organization", f"x {surface} y", 2) == (surface, expected)


def test_town_names_and_model_names_are_not_people():
    body = "The Sioux Falls paper wrote that Lauryn Hill sang; Forest Hill police found two 737 Max jets."
    assert type_rules.judge("Sioux Falls", "person", body, body.index("Sioux")) == ("Sioux Falls", "place")
    assert type_rules.judge("Lauryn Hill", "person", body, body.index("Lauryn")) == ("Lauryn Hill", "person")
    assert type_rules.judge("Forest Hill", "organization", body, body.index("Forest")) == ("Forest Hill", "place")
    assert type_rules.judge("Max", "person", body, body.index("Max")) == type_rules.DROP


def test_events_are_no_entities_and_a_trailing_role_is_not_part_of_an_organisation():
    assert type_rules.judge("Dubai Air Show", "organization", "at the Dubai Air Show", 7) == type_rules.DROP
    assert type_rules.judge("House of Representatives Speaker", "organization", "", 0) == \
        ("House of Representatives", "organization")


def test_dotted_district_code_after_a_comma_is_washington():
    body = "NASA's headquarters in Washington, D.C. said"
    assert type_rules.judge("D.C.", "place", body, body.index("D.C.")) == ("Washington", "place")


def test_a_page_in_another_language_gets_no_english_ner_entities(enricher):
    from shared.models import Article

    body = ("Die elektronische Patientenakte soll der Patient selbst verwalten. Der Bedarf ist groß, sagen die "
            "Krankenkassen in Deutschland, und die Versicherten warten seit Jahren auf die Einführung der Akte.")
    german = Article(article_id="de", raw_id="0" * 64, position=0, source_format="html", title="Die Akte", body=body,
                     language="de-DE")
    english = german.model_copy(update={"article_id": "en", "language": None,
                                        "body": "Chancellor Olaf Scholz met Emmanuel Macron in Berlin on Monday."})
    de, en = enricher.enrich_batch([german, english])
    assert de.entities == [] and de.language == "de"
    assert {e.name for e in en.entities} >= {"Olaf Scholz", "Emmanuel Macron"}


def test_context_words_around_a_name_decide_place_brand_and_thing():
    body = ("He lives in Addison, a village near Ithaca. A jar of Don Victor\u00ae Orange Blossom Comb Honey. "
            "NASA's Europa Clipper mission. The senator representing Yobe North spoke.")
    assert type_rules.judge("Addison", "organization", body, body.index("Addison")) == ("Addison", "place")
    assert type_rules.judge("Don Victor", "person", body, body.index("Don")) == ("Don Victor", "organization")
    assert type_rules.judge("Blossom Comb", "person", body, body.index("Blossom")) == type_rules.DROP
    assert type_rules.judge("Europa Clipper", "place", body, body.index("Europa")) == type_rules.DROP
    assert type_rules.judge("Yobe North", "person", body, body.index("Yobe")) == ("Yobe North", "place")
