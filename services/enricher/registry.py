"""Corpus-wide entity registry, the matching: which known canonical entity a name of one article joins.

``entities.py`` merges names within one article ("Mr. Kim" -> "Kim Jong Un");
this module merges them across articles, so "Trump" of one story and "Donald
Trump" of the next are one facet value with one stable id, and "Volodymyr
Zelenskiy" joins "Volodymyr Zelensky". It is pure: ``registry_store.py`` reads
the candidates from Redis and writes the outcome; ``MemoryRegistry`` below
does the same in a dict for tests and one-process use.

A name joins a known entity of the **same type** only on evidence:

* the same **normal form**: transliterated to ASCII (``anyascii``: "Zelenskyy",
  "Зеленский" -> "zelenskii"), lower case, no punctuation;
* a person's **surname alone** ("Trump") joins the one known full name with that
  surname; when several exist it joins the prominent one only if it was seen
  in at least ``PROMINENCE_RATIO`` times as many articles as the next
  ("Johnson" between Boris Johnson and Dwayne Johnson stays apart until one
  dominates); the surname is the last word, so a name written family name
  first ("Kim Jong Un") is joined by its full form only;
* a person's **spelling variant**: same initial, surnames within
  ``SURNAME_MIN_SIMILARITY`` and whole names within ``NAME_MIN_SIMILARITY``
  (``rapidfuzz``), or the same surname with a first name that is a prefix of
  the other's ("Josh Apte" / "Joshua Apte");
* an organisation or place that is another's name **less a leading word**
  of exactly one known entity ("Champions League" -> "UEFA Champions League").

A full name that joins a surname-only entity renames it (the registry keeps
the fuller form as canonical); articles enriched before keep the short name
until ``newsflow reprocess --stage enrich`` re-enriches them.

Candidates come from **blocks** (``block_keys``): a person's surname prefix, an
organisation's name less its first word; matching only ever compares a name
with the entities of its blocks.

    >>> reg = MemoryRegistry()
    >>> reg.resolve([("person", "Donald Trump")])[("person", "Donald Trump")].name
    'Donald Trump'
    >>> reg.resolve([("person", "Trump")])[("person", "Trump")].name
    'Donald Trump'
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz import fuzz

from shared.models import Entity

NAME_MIN_SIMILARITY = 88.0
SURNAME_MIN_SIMILARITY = 80.0
PROMINENCE_RATIO = 3
_PUNCT = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
REGISTERED_TYPES = ("person", "organization", "place")


@dataclass
class Known:
    """One canonical entity of the corpus."""

    entity_id: str
    type: str
    name: str
    articles: int = 0
    aliases: set[str] = field(default_factory=set)  # normal forms


@lru_cache(maxsize=16384)
def normal(name: str) -> str:
    """ASCII, lower case, no punctuation: "Volodymyr Zelenskyy" -> "volodymyr zelenskyy"."""
    return _SPACES.sub(" ", _PUNCT.sub(" ", anyascii(name).lower())).strip()


def _words(name: str) -> list[str]:
    return [w for w in normal(name).split() if w not in _SUFFIXES] or normal(name).split()


def entity_id(type_: str, name: str) -> str:
    """Deterministic id of a new entity: two workers creating the same name create the same id."""
    return hashlib.sha1(f"{type_}\x1f{normal(name)}".encode()).hexdigest()[:16]


def block_keys(type_: str, name: str) -> list[str]:
    """Where to look for (and file) candidates of this name."""
    words = _words(name)
    if not words:
        return []
    if type_ == "person":
        return [f"{type_}:{words[-1][:4]}"]
    keys = [f"{type_}:{' '.join(words)}"]
    if len(words) > 1:
        keys.append(f"{type_}:{' '.join(words[1:])}")
    return keys


def _same_person(a: list[str], b: list[str]) -> float:
    """Similarity of two multi-word person names, 0 when they are not one person."""
    if a[0][0] != b[0][0]:
        return 0.0
    if a[-1] == b[-1] and (a[0].startswith(b[0]) or b[0].startswith(a[0])) and min(len(a[0]), len(b[0])) >= 3:
        return 100.0  # "josh apte" / "joshua apte"
    if fuzz.ratio(a[-1], b[-1]) < SURNAME_MIN_SIMILARITY:
        return 0.0
    score = fuzz.ratio(" ".join(a), " ".join(b))
    return score if score >= NAME_MIN_SIMILARITY else 0.0


def _prominent(matches: list[Known]) -> Known | None:
    if not matches:
        return None
    ranked = sorted(matches, key=lambda k: -k.articles)
    if len(ranked) == 1 or ranked[0].articles >= PROMINENCE_RATIO * max(ranked[1].articles, 1):
        return ranked[0]
    return None


def choose(type_: str, name: str, candidates: list[Known]) -> Known | None:
    """The known entity ``name`` joins, or None for a new one. ``candidates``: entities of its blocks."""
    n = normal(name)
    same_type = [c for c in candidates if c.type == type_]
    words = _words(name)
    if not words:
        return None
    if type_ == "person" and len(words) == 1:
        # The full name first, even over a surname-only entity of the same spelling: two workers
        # that filed "Trump" and "Donald Trump" at the same instant heal on the next "Trump".
        full = [c for c in same_type if len(_words(c.name)) > 1 and _words(c.name)[-1] == words[0]]
        found = _prominent(full)
        if found:
            return found
    exact = [c for c in same_type if n in c.aliases]
    if exact:
        return max(exact, key=lambda k: k.articles)
    if type_ == "person":
        if len(words) == 1:
            return None
        full = [c for c in same_type if len(_words(c.name)) > 1]
        surname_only = [c for c in same_type if _words(c.name) == [words[-1]]]
        scored = [(s, c) for c in full if (s := _same_person(words, _words(c.name)))]
        if scored:
            return max(scored, key=lambda pair: (pair[0], pair[1].articles))[1]
        return surname_only[0] if len(surname_only) == 1 else None
    shorter = [c for c in same_type if _words(c.name)[1:] == words]  # "champions league" of "uefa champions league"
    if len(shorter) == 1:
        return shorter[0]
    longer = [c for c in same_type if words[1:] == _words(c.name) and len(words) > 1]
    return longer[0] if len(longer) == 1 else None


def absorb(known: Known | None, type_: str, name: str) -> tuple[Known, bool]:
    """The entity after ``name`` joined it (or a new one), and whether its canonical name changed."""
    if known is None:
        return Known(entity_id(type_, name), type_, name, 0, {normal(name)}), True
    renamed = False
    if len(_words(name)) > len(_words(known.name)) and type_ == "person":
        known.name, renamed = name, True  # the fuller form is the canonical one: "Trump" -> "Donald Trump"
    known.aliases.add(normal(name))
    return known, renamed


def apply(entities: list[Entity], resolved: dict[tuple[str, str], Known]) -> list[Entity]:
    """One article's entities under their corpus-wide names; two that became one are merged.

    Each entity keeps the article's own names for it in ``aliases`` (what a person filter also
    matches) and carries the registry's ``entity_id``.
    """
    merged: dict[tuple[str, str], list[Entity]] = {}
    for e in entities:
        known = resolved.get((e.type, e.name))
        merged.setdefault((e.type, known.entity_id if known else e.name), []).append(e)
    out = []
    for (type_, _key), group in merged.items():
        known = resolved.get((type_, group[0].name))
        name = known.name if known else group[0].name
        mentions = sorted((m for e in group for m in e.mentions), key=lambda m: m.start)
        aliases = sorted({e.name for e in group} | set().union(*(e.aliases for e in group)) - {name})
        out.append(
            Entity(
                type=type_,
                name=name,
                count=sum(e.count for e in group),
                first_offset=min(e.first_offset for e in group),
                mentions=mentions,
                entity_id=known.entity_id if known else None,
                aliases=aliases,
            )
        )
    out.sort(key=lambda e: (-e.count, e.first_offset))
    return out


def names_of(entities: list[Entity]) -> list[tuple[str, str]]:
    """The (type, name) pairs of one article the registry files (groups are not filed)."""
    return [(e.type, e.name) for e in entities if e.type in REGISTERED_TYPES]


class MemoryRegistry:
    """The registry in one process's memory (tests, one-off runs); ``RedisRegistry`` shares it."""

    def __init__(self) -> None:
        self._by_id: dict[str, Known] = {}
        self._blocks: dict[str, set[str]] = {}

    def resolve(self, names: list[tuple[str, str]]) -> dict[tuple[str, str], Known]:
        """Canonical entity of every (type, name) of one article; each entity counts the article once."""
        out: dict[tuple[str, str], Known] = {}
        for type_, name in names:
            candidates = [self._by_id[i] for key in block_keys(type_, name) for i in self._blocks.get(key, ())]
            known, _ = absorb(choose(type_, name, candidates), type_, name)
            self._by_id[known.entity_id] = known
            for key in block_keys(type_, name) + block_keys(type_, known.name):
                self._blocks.setdefault(key, set()).add(known.entity_id)
            out[(type_, name)] = known
        for known in {k.entity_id: k for k in out.values()}.values():
            known.articles += 1
        return out

    def resolve_batch(self, articles: list[list[tuple[str, str]]]) -> list[dict[tuple[str, str], Known]]:
        return [self.resolve(names) for names in articles]
