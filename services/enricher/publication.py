"""When was the article published? One resolved instant plus how we know.

Where data comes from: ``article.published`` (a ``PageDate`` exactly as the
parser found it), ``article.fetched_at`` (crawl time) and, as a last resort,
the explicit dates of the body. The result is the reference date every
relative expression of the body is resolved against.

Order of evidence (the parser's origin and confidence travel with the result;
what this module works out itself gets a confidence of its own):
1. the parser already has a value -> ``absolute``, or ``relative_to_fetch``
   when the parser resolved a relative byline stamp against the fetch time;
2. the text is relative ("3 days ago", "time44 minutes ago", "an hour ago",
   "yesterday") and the crawl time is known -> crawl time minus the offset,
   ``relative_to_fetch``; without a crawl time a relative stamp means nothing;
3. the text is an absolute date the parser did not convert ("June 5, 2025")
   -> parsed with ``dateparser`` (only here: one short string per article),
   ``absolute``;
4. nothing usable (or a date after the crawl, which no publication date can
   be) -> the latest explicit day-precise date in the body that is
   not after the crawl time, ``inferred`` (news reports what just happened, so
   the latest fully written date is the best lower bound for publication).
   Its text says which expression it came from.

    >>> from datetime import datetime, timezone
    >>> relative_offset("The Hindu3 days ago")
    datetime.timedelta(days=3)
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from services.enricher.date_numbers import NUMBERS
from shared.models import Article, ResolvedPublication, TemporalExpression, utc_now

# How sure each way of knowing is when the parser gave no confidence: a stamp next
# to the title resolved against the crawl time is as good as a meta tag; a date
# parsed from free text less so. The latest date of the body is a guess, unless
# the page's own relative stamp ("3 days ago" with no crawl time) says the story is
# fresh news, whose latest full date is its news peg: aggregator dumps saved without
# a crawl time keep their place on the timeline (as before confidences existed; not
# measured on a gold set), a page that says nothing about its date does not.
RELATIVE_CONFIDENCE = 0.9
PARSED_TEXT_CONFIDENCE = 0.7
INFERRED_FROM_STAMP_CONFIDENCE = 0.8
INFERRED_CONFIDENCE = 0.3

_AGO = re.compile(
    r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s*"
    r"(sec(?:ond)?|min(?:ute)?|h(?:ou)?r|hour|day|week|month|year)s?\s+ago\b",
    re.I,
)
_DAY_WORDS = {"just now": 0, "today": 0, "yesterday": 1}
_UNIT_SECONDS = {
    "sec": 1,
    "second": 1,
    "min": 60,
    "minute": 60,
    "hr": 3600,
    "hour": 3600,
    "day": 86400,
    "week": 7 * 86400,
    "month": 30 * 86400,
    "year": 365 * 86400,
}


def relative_offset(text: str) -> timedelta | None:
    """How long before the crawl a relative stamp points ("44 minutes ago" -> 44 min)."""
    m = _AGO.search(text)
    if m:
        amount = int(m[1]) if m[1].isdigit() else NUMBERS[m[1].lower()]
        return timedelta(seconds=amount * _UNIT_SECONDS[m[2].lower()])
    lowered = text.lower()
    for word, days in _DAY_WORDS.items():
        if re.search(rf"\b{word}\b", lowered):
            return timedelta(days=days)
    return None


def _parse_absolute(text: str, fetched_at: datetime | None) -> datetime | None:
    import dateparser

    settings = {"TIMEZONE": "UTC", "RETURN_AS_TIMEZONE_AWARE": True, "PREFER_DAY_OF_MONTH": "first"}
    if fetched_at:
        settings["RELATIVE_BASE"] = fetched_at.replace(tzinfo=None)
    value = dateparser.parse(text, languages=["en"], settings=settings)
    return value.astimezone(timezone.utc) if value else None


def resolve_publication(article: Article, absolute_dates: list[TemporalExpression] = ()) -> ResolvedPublication | None:
    """Best-known publication time of ``article``; ``absolute_dates`` feed inference."""
    stamp = article.published
    bound = article.fetched_at or utc_now()  # nothing is published after it was fetched (or after now)
    if stamp is not None:
        origin = {"origin": stamp.origin}
        if stamp.value is not None and stamp.value > bound:
            return _infer(article, absolute_dates)
        if stamp.value is not None:
            resolution = "relative_to_fetch" if stamp.origin == "relative" else "absolute"
            return ResolvedPublication(
                value=stamp.value, text=stamp.text, resolution=resolution, confidence=stamp.confidence, **origin
            )
        offset = relative_offset(stamp.text)
        if offset is not None:
            if article.fetched_at is None:
                return _infer(article, absolute_dates)
            return ResolvedPublication(
                value=article.fetched_at - offset,
                text=stamp.text,
                resolution="relative_to_fetch",
                confidence=stamp.confidence or RELATIVE_CONFIDENCE,
                **origin,
            )
        parsed = _parse_absolute(stamp.text, article.fetched_at)
        if parsed is not None and parsed <= bound:
            return ResolvedPublication(
                value=parsed,
                text=stamp.text,
                resolution="absolute",
                confidence=stamp.confidence or PARSED_TEXT_CONFIDENCE,
                **origin,
            )
    return _infer(article, absolute_dates)


def _infer(article: Article, absolute_dates: list[TemporalExpression]) -> ResolvedPublication | None:
    latest_allowed = (article.fetched_at or utc_now()).date()
    best: tuple[date, str] | None = None
    for expr in absolute_dates:
        if expr.resolution != "absolute" or expr.grain != "day" or expr.range_start is None:
            continue
        if expr.range_start > latest_allowed:
            continue
        if best is None or expr.range_start > best[0]:
            best = (expr.range_start, expr.text)
    if best is None:
        return None
    value = datetime.combine(best[0], time(0, 0), tzinfo=timezone.utc)
    stamped = article.published is not None and relative_offset(article.published.text) is not None
    confidence = INFERRED_FROM_STAMP_CONFIDENCE if stamped else INFERRED_CONFIDENCE
    return ResolvedPublication(value=value, text=best[1], resolution="inferred", confidence=confidence)
