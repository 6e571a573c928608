"""Date stamps as pages write them -> instants, with the day the page meant.

A stamp is one short string from a meta tag, JSON-LD, a ``<time>`` element or
a byline: ``2025-06-02T10:00:00+02:00``, ``2022-1-26T14:32:06+02:00``,
``11/01/2023 12:43:42``, ``24. August 2019 um 03:36 Uhr``. ``read_stamp``
returns the UTC instant and the calendar day *as written* (a story stamped
23:30-05:00 was published that day where it was written, the next day in
UTC), or None for anything less precise than a day ("2019", "March 2020").

Numeric day/month orders are ambiguous ("11/01/2023"): the stamp then carries
both readings, and the caller decides with the page's other dates or its
locale (``month_first_locale``). ISO-like text is parsed by hand (the common
case, microseconds); only other text goes to ``dateparser``, restricted to the
page's languages, because letting it guess the language costs seconds.

    >>> read_stamp("2025-06-02T23:30:00-05:00").day.isoformat()
    '2025-06-02'
    >>> [d.isoformat() for d in read_stamp("11/01/2023 12:43").days]
    ['2023-11-01', '2023-01-11']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from email.utils import parsedate_to_datetime

EARLIEST_YEAR = 1990  # no web news page is older; earlier stamps are CMS placeholders

_ISO = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2}|[+-]\d{2})?)?"
)
_NUMERIC = re.compile(r"^\s*(\d{1,2})([./-])\s?(\d{1,2})\2\s?(\d{4})(?:\D+(\d{1,2})[:.h](\d{2}))?")
_YMD_SLASH = re.compile(r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2}))?\s*$")
# US zone names some CMSs print instead of an offset ("2020-09-25T16:02:50CDT").
_ZONES = {
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "CET": 1,
    "CEST": 2,
    "BST": 1,
    "IST": 5.5,
    "JST": 9,
}
_ZONE_TAIL = re.compile(r"(\d)\s*(" + "|".join(_ZONES) + r")\s*$")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
# Locales that write the month first in numeric dates.
_MONTH_FIRST = {"en-us", "en-ph", "en-ca", "fil", "en-fm", "en-mh", "en-pw"}


@dataclass(frozen=True)
class Stamp:
    value: datetime  # UTC instant (midnight UTC of the day when no time was written)
    day: date  # the calendar day the page wrote
    has_time: bool
    alternative: date | None = None  # the other reading of an ambiguous numeric day/month
    offset_given: bool = False  # written with a non-zero UTC offset (the page's local time)

    @property
    def days(self) -> list[date]:
        return [self.day] + ([self.alternative] if self.alternative else [])

    def read_as(self, day: date) -> Stamp:
        """The same stamp read with ``day`` (one of ``days``) as its calendar day."""
        shift = datetime.combine(day, time()) - datetime.combine(self.day, time())
        return Stamp(self.value + shift, day, self.has_time, None, self.offset_given)


def month_first_locale(language: str | None) -> bool:
    """Does the page's locale write 11/01 for 1 November? (en-US does; en-GB, de, fr do not.)"""
    tag = (language or "").strip().lower().replace("_", "-")
    return tag in _MONTH_FIRST


def _offset(text: str | None) -> timezone | None:
    if not text:
        return None
    if text in ("Z", "UTC", "GMT"):
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _make(
    year: int,
    month: int,
    day: int,
    hour: int | None = None,
    minute: int = 0,
    second: int = 0,
    tz: timezone | None = None,
    alternative: date | None = None,
) -> Stamp | None:
    try:
        local = datetime(year, month, day, hour or 0, minute, second)
    except ValueError:
        return None
    if year < EARLIEST_YEAR:
        return None
    aware = local.replace(tzinfo=tz or timezone.utc)  # naive stamps are taken as UTC
    offset_given = tz is not None and tz.utcoffset(None) != timedelta(0)
    return Stamp(aware.astimezone(timezone.utc), local.date(), hour is not None, alternative, offset_given)


def _iso(text: str) -> Stamp | None:
    zone = _ZONE_TAIL.search(text)
    tz_name = None
    if zone:
        tz_name, text = zone[2], text[: zone.start(2)]
    m = _ISO.match(text)
    if not m:
        return None
    tz = _offset(m[7])
    if tz_name:
        tz = timezone(timedelta(hours=_ZONES[tz_name]))
    hour = int(m[4]) if m[4] else None
    return _make(int(m[1]), int(m[2]), int(m[3]), hour, int(m[5] or 0), int(m[6] or 0), tz)


def _numeric(text: str) -> Stamp | None:
    m = _YMD_SLASH.match(text)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]))
    m = _COMPACT.match(text)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]), int(m[4]) if m[4] else None, int(m[5] or 0))
    m = _NUMERIC.match(text)
    if not m:
        return None
    first, sep, second, year = int(m[1]), m[2], int(m[3]), int(m[4])
    hour, minute = (int(m[5]), int(m[6])) if m[5] else (None, 0)
    if sep == "." or first > 12:  # 21.01.2022 is always day first
        return _make(year, second, first, hour, minute)
    if second > 12:
        return _make(year, first, second, hour, minute)
    # Ambiguous: month-first reading first (the CMS default worldwide), the other kept.
    other = _make(year, second, first)
    return _make(year, first, second, hour, minute, alternative=other.day if other and first != second else None)


def _dateparser(text: str, languages: list[str]) -> Stamp | None:
    """Stamps in words ("24. August 2019 um 03:36 Uhr"); strict: day, month and year must all be there."""
    # Strict parsing needs the year, so text without one is not worth dateparser's millisecond.
    if len(text) > 80 or not _YEAR.search(text) or not languages:
        return None
    try:
        data = _date_parser(tuple(languages)).get_date_data(text)
    except (ValueError, OverflowError, TypeError):
        return None
    if data is None or data.date_obj is None or data.period not in ("day", "time"):
        return None
    value = data.date_obj
    has_time = bool(re.search(r"\d[:.h]\d{2}", text))
    return _make(
        value.year,
        value.month,
        value.day,
        value.hour if has_time else None,
        value.minute,
        value.second,
        value.tzinfo if isinstance(value.tzinfo, timezone) else None,
    )


_PARSERS: dict[tuple[str, ...], object] = {}


def _date_parser(languages: tuple[str, ...]):
    """One dateparser per language set: building one loads its locale tables (milliseconds)."""
    if languages not in _PARSERS:
        from dateparser.date import DateDataParser

        _PARSERS[languages] = DateDataParser(
            languages=list(languages),
            # No relative parser: "prije 26 minuta" is not a day without a fetch time (relative_dates.py).
            settings={
                "STRICT_PARSING": True,
                "PREFER_DATES_FROM": "past",
                "RETURN_AS_TIMEZONE_AWARE": False,
                "PARSERS": ["custom-formats", "absolute-time"],
            },
        )
    return _PARSERS[languages]


def read_stamp(text: object, languages: list[str] | None = None) -> Stamp | None:
    """A day-precise stamp from ``text`` (ISO, numeric, RFC 2822, or words in ``languages``)."""
    if not isinstance(text, str) or not text.strip():
        return None
    text = " ".join(text.split())[:200]
    found = _iso(text) or _numeric(text)
    if found is None and re.match(r"^[A-Z][a-z]{2}, \d", text):
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
        if parsed is not None:
            found = _make(
                parsed.year,
                parsed.month,
                parsed.day,
                parsed.hour,
                parsed.minute,
                parsed.second,
                parsed.tzinfo or timezone.utc,
            )
    if found is None and languages:
        found = _dateparser(text, languages)
    return found
