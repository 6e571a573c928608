"""Expression kinds resolved from the calendar alone: named days and sets.

* **named days** from a holiday table (``holidays``, US federal days; Easter
  by the Western computus of ``dateutil``); the year by tense, as a reader
  would ("will fly home for Christmas" is the next one); unknown names stay
  unresolved rather than guessed;
* **sets** ("daily", "every month", "each Thursday", "15 a year").

Their patterns are in ``date_kinds.PATTERNS``; ``date_rules.RESOLVERS`` calls these.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from services.enricher import timex
from services.enricher.date_kinds import WEEKDAYS as _WEEKDAYS
from services.enricher.date_kinds import Fields, Resolved
from shared.models import Resolution


@lru_cache(maxsize=256)
def _holiday_table(year: int) -> dict[str, date]:
    import holidays
    from dateutil.easter import easter

    table = {
        name.lower().replace(" (observed)", ""): day for day, name in holidays.US(years=year, observed=False).items()
    }
    e = easter(year)
    table.update(
        {
            "easter": e,
            "easter sunday": e,
            "good friday": e - timedelta(days=2),
            "christmas": date(year, 12, 25),
            "christmas eve": date(year, 12, 24),
            "new year's": date(year, 1, 1),
            "new year's eve": date(year, 12, 31),
            "valentine's day": date(year, 2, 14),
            "halloween": date(year, 10, 31),
            "thanksgiving": table.get("thanksgiving day", date(year, 11, 22)),
            "the fourth of july": date(year, 7, 4),
            "presidents day": table["washington's birthday"],
            "presidents' day": table["washington's birthday"],
            # US general elections: the Tuesday after the first Monday of November.
            "election day": timex.weekday_after(date(year, 11, 2), 1),
        }
    )
    return table


_KNOWN_EVENTS = {"black monday": date(1987, 10, 19)}  # the crash the phrase names in financial news


def resolve_holiday(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    name = " ".join(f["name"].lower().replace(".", "").split()).replace(
        "martin luther king jr day", "martin luther king jr. day"
    )
    if name == "martin luther king day":
        name = "martin luther king jr. day"
    how: Resolution
    if name in _KNOWN_EVENTS:
        return "date", _KNOWN_EVENTS[name].isoformat(), "day", "calendar_table"
    if "y" in f:
        day = _holiday_table(int(f["y"])).get(name)
        how = "calendar_table"
    elif ref is None:
        return "date", None, "day", "unresolved"
    else:
        days = [d for y in (ref.year - 1, ref.year, ref.year + 1) if (d := _holiday_table(y).get(name))]
        if not days:
            return "date", None, "day", "unresolved"
        if future:
            day = min((d for d in days if d >= ref), default=None)
        elif future is False:
            day = max((d for d in days if d <= ref), default=None)
        else:
            day = min(days, key=lambda d: abs((d - ref).days))
        how = "calendar_table"
    if day is None:
        return "date", None, "day", "unresolved"
    if f.get("week"):
        return "date", timex.iso_week(day), "week", how
    return "date", day.isoformat(), "day", how


_SET_CODES = {
    "day": "P1D",
    "week": "P1W",
    "month": "P1M",
    "year": "P1Y",
    "quarter": "P1Q",
    "daily": "P1D",
    "weekly": "P1W",
    "monthly": "P1M",
    "annually": "P1Y",
    "yearly": "P1Y",
    "hourly": "PT1H",
    "quarterly": "P1Q",
    "nightly": "P1D",
    "morning": "XXXX-XX-XXTMO",
    "night": "XXXX-XX-XXTNI",
    "evening": "XXXX-XX-XXTEV",
}


def resolve_set(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    word = (f.get("unit") or f.get("adv") or f.get("per") or "").lower()
    if word in _WEEKDAYS:
        return "set", f"XXXX-WXX-{_WEEKDAYS.index(word) + 1}", "day", "absolute"
    if word in timex.MONTHS:  # "each July": every year's July
        return "set", f"XXXX-{timex.MONTHS[word]:02d}", "month", "absolute"
    return "set", _SET_CODES[word], None, "absolute"
