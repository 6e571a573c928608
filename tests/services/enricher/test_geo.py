import pytest

from services.enricher.geo import Gazetteer

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.shared()


def resolved(gazetteer, names):
    return {p.name: p for p in gazetteer.resolve(names)}


@pytest.mark.parametrize(
    ("name", "country", "lat", "lon"),
    [("Istanbul", "TR", 41.0, 28.9), ("Kharkiv", "UA", 50.0, 36.2), ("Pyongyang", "KP", 39.0, 125.7),
     ("Kursk", "RU", 51.7, 36.2), ("Kiev", "UA", 50.4, 30.5)],
)
def test_cities_get_country_and_coordinates(gazetteer, name, country, lat, lon):
    place = resolved(gazetteer, [name])[name]
    assert place.country_code == country
    assert place.location.lat == pytest.approx(lat, abs=0.2)
    assert place.location.lon == pytest.approx(lon, abs=0.2)
    assert place.geonames_id


def test_countries_win_over_same_named_towns(gazetteer):
    places = resolved(gazetteer, ["Georgia", "Jordan", "Ukraine"])
    assert places["Georgia"].country_code == "GE"
    assert places["Jordan"].country_code == "JO"
    ukraine = places["Ukraine"].location
    assert 44 < ukraine.lat < 53 and 22 < ukraine.lon < 41  # a point inside the country


def test_largest_city_wins_without_context(gazetteer):
    assert resolved(gazetteer, ["Paris"])["Paris"].country_code == "FR"


def test_co_occurring_places_pick_the_local_namesake(gazetteer):
    places = resolved(gazetteer, ["Paris", "Texas", "Dallas"])
    assert places["Paris"].country_code == "US"


def test_region_suffix_falls_back_to_the_city(gazetteer):
    assert resolved(gazetteer, ["Kursk region"])["Kursk region"].country_code == "RU"


def test_unknown_and_generic_places_are_kept_as_text(gazetteer):
    places = resolved(gazetteer, ["Atlantis Prime", "North"])
    for name in ("Atlantis Prime", "North"):
        assert places[name].location is None and places[name].country_code is None


def test_is_place_needs_a_large_city_to_overrule_a_person_label(gazetteer):
    assert gazetteer.is_place("Kyiv", strict=True)
    assert gazetteer.is_place("Kursk")
    assert not gazetteer.is_place("Jackson", strict=True)


def test_seed_places_geocoded(seed_enriched):
    wanted = {"seed_main": ["Istanbul", "Kharkiv"], "seed_related_kim": ["Pyongyang", "Kursk"]}
    for article, names in wanted.items():
        places = {p.name: p for p in seed_enriched[article].places}
        for name in names:
            assert places[name].location is not None, name


def test_washington_is_dc_unless_the_article_places_the_state(gazetteer):
    [dc, white_house] = gazetteer.resolve(["Washington", "White House"], "The White House said on Monday.")
    assert (dc.location.lat, dc.location.lon) == (white_house.location.lat, white_house.location.lon)
    assert round(dc.location.lon) == -77
    [state, _] = gazetteer.resolve(["Washington", "Seattle"], "Rain in Seattle.")
    assert round(state.location.lon) < -120


def test_planets_and_bare_abbreviations_stay_unresolved(gazetteer):
    jupiter, europa, va = gazetteer.resolve(["Jupiter", "Europa", "VA"], "Jupiter's moon Europa")
    assert jupiter.location is None and europa.location is None and va.location is None
    [town, _] = gazetteer.resolve(["Jupiter", "Florida"], "Jupiter, Florida")
    assert town.country_code == "US"


def test_landmarks_stand_at_their_city(gazetteer):
    kremlin, pentagon = gazetteer.resolve(["Kremlin", "Pentagon"])
    assert kremlin.country_code == "RU" and pentagon.country_code == "US"
