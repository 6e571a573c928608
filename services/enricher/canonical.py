"""Canonical names: how one real-world entity gets one name inside an article.

Newswire names the same person three ways ("Kim Jong Un", "Mr. Kim", "Kim") and
the same country four ("the United States", "U.S.", "US", "America's"). An
analyst aggregating by name wants one bucket per entity, so the enricher
normalises every mention surface here before grouping:

* ``clean_surface`` strips what is not part of the name: a leading article
  ("the Pentagon" -> "Pentagon"), a possessive ("Russia's" -> "Russia", also the
  tokenised "Russia 's"), stray punctuation and doubled spaces;
* ``strip_honorific`` removes courtesy and rank titles ("Mr. Tykhyi" ->
  "Tykhyi") so the surname can be matched against a full name;
* ``alias`` maps common abbreviations and variants to one form with the type
  the name has in news ("U.S." -> ("United States", "place"));
* ``key`` is the comparison key used for grouping (case- and dot-insensitive).

Both string functions are memoised: the same few names recur hundreds of times
per batch, and they run on every mention.

    >>> clean_surface("the Pentagon's")
    'Pentagon'
    >>> strip_honorific("Mr. Kim")
    'Kim'
    >>> alias("U.S.")
    ('United States', 'place')
"""

from __future__ import annotations

import re
from functools import lru_cache

_LEADING_ARTICLE = re.compile(r"^(?:the|The|THE)\s+")
_POSSESSIVE = re.compile(r"\s?['\u2019]s?$")
_EDGE_PUNCT = re.compile(r"^[\s\"'\u2018\u2019\u201c\u201d(\[,;:.-]+|[\s\"'\u2018\u2019\u201c\u201d)\],;:-]+$")
_SPACES = re.compile(r"\s+")

_HONORIFICS = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "sir",
    "dame",
    "lord",
    "lady",
    "gen",
    "col",
    "maj",
    "capt",
    "lt",
    "sgt",
    "adm",
    "rev",
    "sen",
    "rep",
    "gov",
    "pres",
    "president",
    "minister",
    "secretary",
    "chancellor",
    "premier",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "general",
    "colonel",
    "senator",
    "governor",
    "mayor",
    "judge",
    "justice",
    "ambassador",
    "chairman",
}

# Variant key -> (canonical name, entity type). Keys are ``key()`` forms.
# Only unambiguous, high-frequency news variants belong here.
_ALIASES: dict[str, tuple[str, str]] = {}
for _canonical, _type, _variants in [
    ("United States", "place", ["us", "usa", "united states", "united states of america"]),
    ("United Kingdom", "place", ["uk", "united kingdom", "britain", "great britain"]),
    ("European Union", "organization", ["eu", "european union"]),
    ("United Nations", "organization", ["un", "united nations"]),
    ("NATO", "organization", ["nato", "north atlantic treaty organization", "north atlantic alliance"]),
    ("United Arab Emirates", "place", ["uae", "united arab emirates"]),
    ("Soviet Union", "place", ["ussr", "soviet union"]),
    ("Turkey", "place", ["turkey", "turkiye", "türkiye"]),
    ("Russia", "place", ["russia", "russian federation"]),
    ("South Korea", "place", ["south korea", "republic of korea", "rok"]),
    ("North Korea", "place", ["north korea", "dprk", "democratic people's republic of korea"]),
    ("China", "place", ["china", "prc", "people's republic of china"]),
    ("Czech Republic", "place", ["czech republic", "czechia"]),
    ("Kyiv", "place", ["kyiv", "kiev"]),
    ("World Health Organization", "organization", ["who", "world health organization"]),
    ("International Monetary Fund", "organization", ["imf", "international monetary fund"]),
    ("Federal Bureau of Investigation", "organization", ["fbi", "federal bureau of investigation"]),
    ("Central Intelligence Agency", "organization", ["cia", "central intelligence agency"]),
]:
    for _variant in _variants:
        _ALIASES[_variant] = (_canonical, _type)

# Compass points and their adjectives. Alone they name no one place: "the North's
# state media" (North Korea's), "the West" (Western governments) are metonyms,
# so they are never place or organisation entities; names that merely start
# with one ("North Korea", "West Bank", "South Africa") are unaffected.
DIRECTIONS = frozenset(
    """north south east west northeast northwest southeast southwest north-east north-west south-east south-west
    northern southern eastern western central""".split()
)

# "WHO" and "US" are aliases only when written in capitals; "who"/"us" are words.
_CASE_SENSITIVE = {"who": "WHO", "us": "US", "un": "UN"}


@lru_cache(maxsize=8192)
def key(name: str) -> str:
    """Comparison key: lower case, no dots, single spaces."""
    return _SPACES.sub(" ", name.replace(".", "").replace("\u2019", "'")).strip().lower()


@lru_cache(maxsize=8192)
def clean_surface(text: str) -> str:
    """Strip leading article, possessive and edge punctuation from a mention."""
    previous = None
    text = _SPACES.sub(" ", text).strip()
    while text != previous:
        previous = text
        text = _EDGE_PUNCT.sub("", text)
        text = _LEADING_ARTICLE.sub("", text)
        text = _POSSESSIVE.sub("", text)
    return text


def strip_honorific(name: str) -> str:
    """Drop leading titles ("Mr.", "Dr", "President") from a person name."""
    words = name.split()
    while len(words) > 1 and words[0].rstrip(".").lower() in _HONORIFICS:
        words = words[1:]
    return " ".join(words)


def alias(name: str) -> tuple[str, str] | None:
    """Canonical (name, type) for a known variant, else None."""
    k = key(name)
    if k in _CASE_SENSITIVE and name.replace(".", "") != _CASE_SENSITIVE[k]:
        return None
    return _ALIASES.get(k)


def bare_key(name: str) -> str:
    """``key`` without a leading "the": "the Netherlands" and "Netherlands" name one place."""
    k = key(name)
    return k[4:] if k.startswith("the ") else k


def is_direction(name: str) -> bool:
    """True for a bare compass word, with or without "the": "North", "the West", "Central".

    >>> is_direction("the North"), is_direction("North Korea")
    (True, False)
    """
    return bare_key(name) in DIRECTIONS


def initials(name: str) -> str:
    """Initials of the capitalised words: "Korean Central News Agency" -> "KCNA"."""
    return "".join(w[0] for w in name.replace("-", " ").split() if w[:1].isupper())
