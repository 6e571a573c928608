"""Relative stamps ("3 hours ago", "vor 3 Stunden", "il y a 2 jours", "3 дні тому") -> instants.

A byline that says "vor 3 Stunden" means three hours before the page was
fetched; without a fetch time it means nothing and is left alone. The words
come from ``dateparser``'s own locale tables (``ago`` and the day words of
``relative-type`` such as "gestern"), so every language dateparser knows is
covered without a word list of ours. Those words are also a cheap filter:
dateparser is only asked about short texts that contain one of them, because
asking it about arbitrary text costs milliseconds (seconds when it has to
guess the language).

    >>> from datetime import datetime, timezone
    >>> fetched = datetime(2025, 6, 5, 12, 0, tzinfo=timezone.utc)
    >>> resolve_relative("vor 3 Stunden", fetched, ["de"]).isoformat()
    '2025-06-05T09:00:00+00:00'
    >>> resolve_relative("Updated 3 дні тому", fetched, []).date().isoformat()
    '2025-06-02'
"""

from __future__ import annotations

import importlib
import re
from datetime import datetime, timezone
from functools import cache

import dateparser

# Tried when the page declares no language or dateparser does not know it: the
# languages of the stamps newsflow meets most (aggregator dumps, the dev set).
DEFAULT_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "ru", "uk", "pl")
_MAX_STAMP_CHARS = 60  # a stamp is a few words; longer text is a sentence that mentions time


@cache
def _words(language: str) -> re.Pattern[str] | None:
    """dateparser's words that make a text relative in ``language``, as one pattern (None when unknown)."""
    if not re.fullmatch(r"[a-z]{2,3}", language):
        return None
    try:
        info = importlib.import_module(f"dateparser.data.date_translation_data.{language}").info
    except ImportError:
        return None
    words = set(info.get("ago", []))
    for key, values in info.get("relative-type", {}).items():
        if key in ("1 day ago", "0 day ago", "0 second ago", "0 minute ago"):  # yesterday, today, now
            words.update(values)
    words = sorted((w.lower() for w in words if w.strip()), key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)")


def languages_for(declared: str | None) -> list[str]:
    """dateparser language codes to try for a page declaring ``declared`` ("de-CH" -> de, then the defaults)."""
    primary = (declared or "").strip().lower().replace("_", "-").split("-")[0]
    known = [primary] if primary and _words(primary) else []
    return known + [code for code in DEFAULT_LANGUAGES if code not in known]


def _matching_languages(text: str, languages: list[str]) -> list[str]:
    lowered = text.lower()
    return [code for code in languages if (words := _words(code)) is not None and words.search(lowered)]


def looks_relative(text: str, languages: list[str]) -> bool:
    """Cheap test: short, and holds one of dateparser's relative words in one of ``languages``."""
    return len(text) <= _MAX_STAMP_CHARS and bool(_matching_languages(text, languages or list(DEFAULT_LANGUAGES)))


def resolve_relative(text: str, fetched_at: datetime | None, languages: list[str]) -> datetime | None:
    """The instant a relative stamp points at, counted back from ``fetched_at`` (UTC); None if not one."""
    if fetched_at is None or not text or len(text) > _MAX_STAMP_CHARS:
        return None
    matching = _matching_languages(text, languages or list(DEFAULT_LANGUAGES))
    if not matching:
        return None
    # Glued stamps ("The Hindu3 days ago", "time44 minutes ago") parse once the number stands alone.
    spaced = re.sub(r"(?<=[^\W\d])(?=\d)", " ", " ".join(text.split()))
    base = fetched_at.astimezone(timezone.utc).replace(tzinfo=None)
    settings = {"RELATIVE_BASE": base, "RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DATES_FROM": "past"}
    for candidate in _stamp_tails(spaced):
        value = dateparser.parse(candidate, languages=matching, settings=settings)
        if value is not None:
            return value.replace(tzinfo=timezone.utc) if value <= base else None
    return None


def _stamp_tails(text: str) -> list[str]:
    """The text, then shorter endings of it: "Posted by X · 3 hours ago" -> "3 hours ago"."""
    words = text.split()
    return [" ".join(words[i:]) for i in range(min(len(words), 6))]
