"""Clean author names out of byline strings.

Bylines and author meta tags carry more than names: "By Jane Doe, Senior
Correspondent", "Email the author", "@handle", profile URLs, "and". Search
facets on authors are useless with that noise, so we keep only strings that
look like a person's or desk's name: a few capitalised words, no digits, no
address, no role word.

    >>> clean_authors(["By Jane Doe, Senior Correspondent", "Email the author", "https://x.com/jd"])
    ['Jane Doe']
    >>> clean_authors(["Jane Doe and John Roe | Reuters"])
    ['Jane Doe', 'John Roe', 'Reuters']
"""

from __future__ import annotations

import html
import re

_SPLIT = re.compile(r"\s*(?:[,;|/\n•·]|\band\b|\bund\b|\bet\b|&)\s*", re.IGNORECASE)
_PREFIX = re.compile(
    r"^(?:(?:written|reported|posted|story|text|words|photos?)\s+)?(?:by|von|par|por|di)\b[:\s]*", re.IGNORECASE
)
_NOISE = re.compile(r"https?://|www\.|@|\d|[<>{}=_]")
# Words that mark a role, a call to action or a label rather than a name, in the
# languages most of our sources use. General vocabulary, not any one site's strings.
_ROLE_WORDS = {
    "author",
    "authors",
    "editor",
    "editors",
    "editorial",
    "reporter",
    "reporters",
    "correspondent",
    "writer",
    "writers",
    "staff",
    "contributor",
    "contributors",
    "columnist",
    "photographer",
    "producer",
    "analyst",
    "bureau",
    "chief",
    "senior",
    "deputy",
    "desk",
    "email",
    "e-mail",
    "follow",
    "twitter",
    "facebook",
    "linkedin",
    "instagram",
    "contact",
    "updated",
    "published",
    "posted",
    "read",
    "more",
    "view",
    "profile",
    "articles",
    "stories",
    "the",
    "about",
    "share",
    "comments",
    "subscribe",
    "newsletter",
    "team",
    "intern",
    "special",
    "associate",
    "managing",
    "executive",
    "director",
    "professor",
    "press",
    "release",
    "click",
    "here",
    "opinion",
    "guest",
    "news",
}
_PARTICLES = {
    "de",
    "da",
    "del",
    "della",
    "der",
    "den",
    "van",
    "von",
    "la",
    "le",
    "du",
    "dos",
    "das",
    "bin",
    "al",
    "el",
    "y",
    "di",
    "ter",
    "zu",
    "mc",
    "st.",
}


def _looks_like_name(candidate: str) -> bool:
    words = candidate.split()
    if not 1 <= len(words) <= 5 or len(candidate) > 60 or _NOISE.search(candidate):
        return False
    if any(w.lower().strip(".'’") in _ROLE_WORDS for w in words):
        return False
    # Every non-particle word starts with an upper-case letter (names are capitalised in bylines).
    return all(w[0].isupper() or w.lower() in _PARTICLES for w in words if w[0].isalpha()) and any(
        w[0].isalpha() for w in words
    )


def clean_authors(raw: list[str]) -> list[str]:
    """Distinct clean names, in order of appearance."""
    names: list[str] = []
    for text in raw:
        if not isinstance(text, str):
            continue
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
        for part in _SPLIT.split(text):
            candidate = " ".join(_PREFIX.sub("", part.strip(" .:-–—()[]\"'")).split())
            if candidate.isupper() and len(candidate) > 4:
                candidate = candidate.title()
            if _looks_like_name(candidate) and candidate not in names:
                names.append(candidate)
    return names
