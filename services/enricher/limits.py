"""Bounds on what one article may cost the enricher: characters read, entities, mentions, dates, time.

Any page can arrive: a 50 MB page repeating one sentence that names a place and a
weekday, a live blog listing 40,000 dates, a list of thousands of invented names.
Unbounded, each of them grew an enricher process past 6-15 GB or ran for minutes
(issue 22). So every article is enriched within these limits, and each limit that
bites is *recorded* on the article (``EnrichedArticle.partial``, one sentence per
limit) with the exact totals (``entities_total``, ``dates_total``, each
``Entity.count``): a cap never drops data silently.

* ``max_chars``: NER, the date scanner, keywords, language and the fingerprint read
  the first characters of the body only (the whole body is still indexed and found
  by full-text search). spaCy costs ~50 us and several kB per character here, so this
  bounds both time and memory.
* ``max_entities`` / ``max_mentions``: the most mentioned entities are kept, each with
  its first mentions; counts stay exact.
* ``max_dates``: the first dates of the text are resolved and kept; the total is exact.
  With the entity and place caps this keeps a document far below Elasticsearch's
  10,000 nested objects per document (``index.mapping.nested_objects.limit``).
* ``time_limit_s``: checked between NER pieces and between steps; when it runs out,
  what was found so far is kept and the rest of the text is recorded as not read.

    >>> limits = EnrichLimits(max_chars=10)
    >>> limits.read_part("0123456789abc")
    ('0123456789', 'entities and dates were read in the first 10 of 13 characters (NEWSFLOW_ENRICH_MAX_CHARS)')
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from shared.models import Entity, TemporalExpression
from shared.settings import Settings

# Elasticsearch refuses a document with more nested objects than this (its default
# ``index.mapping.nested_objects.limit``). Place details are nested; entities and dates were too before
# mapping version 4 (services/indexer/mapping.py), and the check below still counts them: indices of
# older versions stay readable behind the alias.
ES_NESTED_OBJECTS_LIMIT = 10_000


@dataclass(frozen=True)
class EnrichLimits:
    max_chars: int = Settings.model_fields["enrich_max_chars"].default
    max_entities: int = Settings.model_fields["enrich_max_entities"].default
    max_mentions: int = Settings.model_fields["enrich_max_mentions_per_entity"].default
    max_dates: int = Settings.model_fields["enrich_max_dates"].default
    time_limit_s: float = Settings.model_fields["enrich_time_limit_s"].default

    def __post_init__(self) -> None:
        # Places are at most one per place entity; every one of them is a nested object.
        if 2 * self.max_entities + self.max_dates >= ES_NESTED_OBJECTS_LIMIT:
            raise ValueError("entity and date limits would exceed Elasticsearch's nested-object limit per document")

    @classmethod
    def from_settings(cls, settings: Settings) -> EnrichLimits:
        return cls(
            max_chars=settings.enrich_max_chars,
            max_entities=settings.enrich_max_entities,
            max_mentions=settings.enrich_max_mentions_per_entity,
            max_dates=settings.enrich_max_dates,
            time_limit_s=settings.enrich_time_limit_s,
        )

    def read_part(self, body: str) -> tuple[str, str | None]:
        """The part of ``body`` the enricher reads, and the note to record when it is not all of it."""
        if len(body) <= self.max_chars:
            return body, None
        note = (
            f"entities and dates were read in the first {self.max_chars} of {len(body)} characters"
            " (NEWSFLOW_ENRICH_MAX_CHARS)"
        )
        return body[: self.max_chars], note

    def cap_entities(self, entities: list[Entity]) -> tuple[list[Entity], list[str]]:
        """The most mentioned ``max_entities`` (in text order), each with at most ``max_mentions`` mentions."""
        notes = []
        kept = entities
        if len(entities) > self.max_entities:
            ranked = sorted(range(len(entities)), key=lambda i: (-entities[i].count, i))[: self.max_entities]
            kept = [entities[i] for i in sorted(ranked)]
            notes.append(
                f"kept the {self.max_entities} most mentioned of {len(entities)} entities "
                "(NEWSFLOW_ENRICH_MAX_ENTITIES)"
            )
        trimmed = [e for e in kept if len(e.mentions) > self.max_mentions]
        if trimmed:
            notes.append(
                f"kept the first {self.max_mentions} mentions of {len(trimmed)} entities; their counts are "
                "exact (NEWSFLOW_ENRICH_MAX_MENTIONS_PER_ENTITY)"
            )
            kept = [
                e.model_copy(update={"mentions": e.mentions[: self.max_mentions]})
                if len(e.mentions) > self.max_mentions
                else e
                for e in kept
            ]
        return kept, notes

    def cap_dates(self, found: int) -> str | None:
        """The note when more than ``max_dates`` dates were found (only the first are resolved and kept)."""
        if found <= self.max_dates:
            return None
        return f"resolved the first {self.max_dates} of {found} dates (NEWSFLOW_ENRICH_MAX_DATES)"


@dataclass
class Deadline:
    """The time an article may still take; ``expired()`` is checked between steps, never mid-step."""

    limit_s: float
    started: float = field(default_factory=time.monotonic)

    def expired(self) -> bool:
        return time.monotonic() - self.started > self.limit_s

    def note(self, what: str) -> str:
        return f"stopped after the {self.limit_s:g} s time limit per article (NEWSFLOW_ENRICH_TIME_LIMIT_S): {what}"


def cap_dates_list(expressions: list[TemporalExpression], limit: int) -> list[TemporalExpression]:
    """Resolution may split a candidate in two ("1950-1953"): the cap holds on what is kept too."""
    return expressions[:limit]
