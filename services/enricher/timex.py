"""TIMEX3-style values: calendar arithmetic for resolving temporal expressions.

Pure functions used by ``dates`` once an expression has been recognised:
anchor a month, weekday or season against the reference date (publication
date of the story), and turn a value back into the calendar days it covers.

Conventions follow TimeML/TIMEX3 so values are comparable with published
annotated corpora: ``2025-06-02`` (day), ``2025-06`` (month), ``2025``
(year), ``2025-W23`` (ISO week), ``2025-W23-WE`` (weekend), ``2024-FA``
(season), ``2025-Q2`` (quarter), ``199`` (decade), ``19`` (century),
``1950/1953`` (range of years), ``P3Y`` (duration).

    >>> from datetime import date
    >>> weekday_before(date(2025, 6, 5), 0).isoformat()   # Monday before Thu 5 June
    '2025-06-02'
    >>> value_range("2024-FA")
    (datetime.date(2024, 9, 1), datetime.date(2024, 11, 30))
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

MONTHS = {  # month names and abbreviations -> month number
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
SEASON_CODES = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
# Meteorological seasons (northern hemisphere): first month, and winter spans the new year.
_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def shift_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def weekday_before(ref: date, weekday: int, *, strict: bool = False) -> date:
    """Latest ``weekday`` on or before ``ref`` (strictly before when ``strict``)."""
    delta = (ref.weekday() - weekday) % 7
    if strict and delta == 0:
        delta = 7
    return ref - timedelta(days=delta)


def weekday_after(ref: date, weekday: int, *, strict: bool = False) -> date:
    delta = (weekday - ref.weekday()) % 7
    if strict and delta == 0:
        delta = 7
    return ref + timedelta(days=delta)


def month_anchor(ref: date, month: int, future: bool) -> int:
    """Year of the named month: the latest one up to ``ref`` (past), or the next (future)."""
    if future:
        return ref.year if month >= ref.month else ref.year + 1
    return ref.year if month <= ref.month else ref.year - 1


def nearest_year(ref: date, month: int, day: int, horizon_days: int = 366) -> int:
    """Year putting month/day closest to ``ref`` ("June 18" in a May story is this June).

    A day more than ``horizon_days`` after ``ref`` is not a candidate (the past one is taken).
    """
    best = ref.year
    best_gap = None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            gap = (date(year, month, day) - ref).days
        except ValueError:  # 29 February
            continue
        if gap > horizon_days:
            continue
        gap = abs(gap)
        if best_gap is None or gap < best_gap:
            best, best_gap = year, gap
    return best


def season_span(year: int, code: str) -> tuple[date, date]:
    start = _SEASON_START[code]
    end_year, end_month = shift_months(year, start, 2)
    return date(year, start, 1), month_end(end_year, end_month)


def season_year(ref: date, code: str, modifier: str | None) -> int:
    """Year of a season: "last fall" in June 2025 is 2024, "this summer" 2025.

    A winter belongs to the year it starts in (December). "last" is the latest
    season already over, "next" the first not yet begun, otherwise the one
    under way or, failing that, the one of the reference year.
    """
    years = (ref.year - 2, ref.year - 1, ref.year, ref.year + 1)
    if modifier in ("last", "past", "previous"):
        return max(y for y in years if season_span(y, code)[1] < ref)
    if modifier in ("next", "coming"):
        return min(y for y in years if season_span(y, code)[0] > ref)
    for y in years:
        first, last = season_span(y, code)
        if first <= ref <= last:
            return y
    return ref.year


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})(-WE)?$")
_SEASON = re.compile(r"^(\d{4})-(SP|SU|FA|WI)$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_DECADE = re.compile(r"^(\d{3})$")
_CENTURY = re.compile(r"^(\d{2})$")
_RANGE = re.compile(r"^(\d{4})/(\d{4})$")


def value_range(value: str | None) -> tuple[date | None, date | None]:
    """First and last calendar day a TIMEX value covers; (None, None) when it is not a date."""
    if not value:
        return None, None
    if m := _DAY.match(value):
        try:
            d = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None, None
        return d, d
    if m := _MONTH.match(value):
        y, mo = int(m[1]), int(m[2])
        return date(y, mo, 1), month_end(y, mo)
    if m := _YEAR.match(value):
        y = int(m[1])
        return date(y, 1, 1), date(y, 12, 31)
    if m := _WEEK.match(value):
        monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        if m[3]:
            return monday + timedelta(days=5), monday + timedelta(days=6)
        return monday, monday + timedelta(days=6)
    if m := _SEASON.match(value):
        return season_span(int(m[1]), m[2])
    if m := _QUARTER.match(value):
        y, q = int(m[1]), int(m[2])
        return date(y, 3 * q - 2, 1), month_end(y, 3 * q)
    if m := _HALF.match(value):
        y, h = int(m[1]), int(m[2])
        return date(y, 6 * h - 5, 1), month_end(y, 6 * h)
    if m := _DECADE.match(value):
        y = int(m[1]) * 10
        return date(y, 1, 1), date(y + 9, 12, 31)
    if m := _CENTURY.match(value):
        y = int(m[1]) * 100
        return date(y, 1, 1), date(y + 99, 12, 31)
    if m := _RANGE.match(value):
        return date(int(m[1]), 1, 1), date(int(m[2]), 12, 31)
    return None, None
