import pytest

from services.enricher import canonical

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Russia's", "Russia"),
        ("Russia 's", "Russia"),  # tokenised text
        ("Ukrainians'", "Ukrainians"),
        ("the Pentagon", "Pentagon"),
        ("The Pentagon's", "Pentagon"),
        ("\u201cKyiv\u201d", "Kyiv"),
        ("U.S.", "U.S."),  # abbreviation dots are part of the name
        ("  Hakan   Fidan ", "Hakan Fidan"),
    ],
)
def test_clean_surface_strips_articles_possessives_and_punctuation(raw, clean):
    assert canonical.clean_surface(raw) == clean


@pytest.mark.parametrize(
    ("raw", "name"),
    [("Mr. Kim", "Kim"), ("Mrs Thatcher", "Thatcher"), ("Dr. Jane Smith", "Jane Smith"), ("President Trump", "Trump"),
     ("Kim", "Kim")],
)
def test_strip_honorific(raw, name):
    assert canonical.strip_honorific(raw) == name


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("U.S.", ("United States", "place")),
        ("US", ("United States", "place")),
        ("United States", ("United States", "place")),
        ("UK", ("United Kingdom", "place")),
        ("Britain", ("United Kingdom", "place")),
        ("EU", ("European Union", "organization")),
        ("U.N.", ("United Nations", "organization")),
        ("North Atlantic Treaty Organization", ("NATO", "organization")),
        ("Turkiye", ("Turkey", "place")),
    ],
)
def test_alias_table_unifies_common_variants(variant, expected):
    assert canonical.alias(variant) == expected


def test_lower_case_words_are_not_aliases():
    assert canonical.alias("us") is None
    assert canonical.alias("who") is None
    assert canonical.alias("Pentagon") is None


def test_initials_of_an_organisation_name():
    assert canonical.initials("Korean Central News Agency") == "KCNA"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("North", True), ("the West", True), ("The South", True), ("north-east", True), ("Central", True),
     ("North Korea", False), ("West Bank", False), ("Northampton", False), ("Kanye West", False)],
)
def test_bare_compass_words(name, expected):
    assert canonical.is_direction(name) is expected
