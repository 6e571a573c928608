"""Resolution rules: one function per recognised expression kind -> TIMEX3 value.

Each rule gets the fields its regular expression captured (see ``dates``), the
reference date (publication; None when unknown) and whether the sentence
speaks of the future, and returns (type, value, grain, resolution). Calendar
arithmetic lives in ``timex``; the reasoning behind each rule is in the
``dates`` module docstring.

    >>> from datetime import date
    >>> RESOLVERS["weekday"]({"wd": "Monday"}, date(2025, 6, 5), False)
    ('date', '2025-06-02', 'day', 'weekday_anchored')
"""

from __future__ import annotations

from datetime import date, timedelta

from services.enricher import date_calendar, date_kinds, timex
from services.enricher.date_kinds import Fields, Mentions, Resolved
from services.enricher.date_numbers import UNITS, duration_value, number

_MONTHS = timex.MONTHS
_WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}


def _year2(y: str) -> int:
    n = int(y)
    return n if len(y) == 4 else (2000 + n if n < 50 else 1900 + n)


def _r_iso(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    return "date", date(int(f["y"]), int(f["m"]), int(f["d"])).isoformat(), "day", "absolute"


def _r_numeric(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    m, d = int(f["m"]), int(f["d"])
    if m > 12:  # day/month order
        m, d = d, m
    return "date", date(_year2(f["y"]), m, d).isoformat(), "day", "absolute"


def _r_month_day(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    month, day = _MONTHS[f["mon"].lower().rstrip(".")], int(f["d"])
    if "y" in f:
        return "date", date(int(f["y"]), month, day).isoformat(), "day", "absolute"
    if ref is None:
        return "date", None, "day", "unresolved"
    if f.get("ended"):  # "the year ended Jan. 31": the latest one
        year = ref.year if (month, day) <= (ref.month, ref.day) else ref.year - 1
        return "date", date(year, month, day).isoformat(), "day", "relative_to_publication"
    year = nearest_year_for(ref, month, day, f.get("wd"), future)
    return "date", date(year, month, day).isoformat(), "day", "relative_to_publication"


# A day of the month without a year is read as coming only when it is near: news reports what
# happened far more than what will ("the Oct. 23 slaying" in a May story is last October's).
_AHEAD_DAYS = 120


def nearest_year_for(ref: date, month: int, day: int, weekday: str | None, future: bool | None = None) -> int:
    """Year of a day of the month written without one: the weekday decides, else the nearest.

    A day more than ``_AHEAD_DAYS`` ahead is the past one, unless the clause speaks of the future
    ("concerts are scheduled for April 18" in a December story). The past tense is not used the
    other way: measured on TimeBank, deadlines ("by Jan. 14") and participles ("the reduced
    dividend is payable Jan. 2") mislead it more than it helps.
    """
    if weekday:  # "Thursday, June 5": the year where that day is a Thursday, if near
        for year in (ref.year, ref.year - 1, ref.year + 1):
            try:
                if date(year, month, day).weekday() == _WEEKDAYS[weekday.lower()]:
                    return year
            except ValueError:
                continue
    return timex.nearest_year(ref, month, day, horizon_days=330 if future else _AHEAD_DAYS)


def _r_month_year(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    month = _MONTHS[f["mon"].lower().rstrip(".")]
    return "date", f"{int(f['y']):04d}-{month:02d}", "month", "absolute"


def _r_year_range(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    y1, second = int(f["y"]), f["y2"]
    y2 = int(second) if len(second) == 4 else (y1 // 100) * 100 + int(second)
    if y2 <= y1:
        raise ValueError("not a range")
    return "date", f"{y1}/{y2}", "year", "absolute"


def _r_year(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    return "date", f["y"], "year", "absolute"


def _r_decade(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    dec = f["dec"]
    if dec.startswith("'"):
        if ref is None:
            return "date", None, "decade", "unresolved"
        century = ref.year // 100 if int(dec[1]) <= (ref.year % 100) // 10 else ref.year // 100 - 1
        return "date", f"{century}{dec[1]}", "decade", "relative_to_publication"
    return "date", dec[:3], "decade", "absolute"


def _r_month(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    if ref is None:
        return "date", None, "month", "unresolved"
    month = _MONTHS[f["mon"].lower()]
    rel = (f.get("rel") or "").lower()
    if yrel := f.get("yrel"):  # "June last year", "March of next year"
        year = ref.year + _YEAR_STEPS[yrel.lower()]
        return "date", f"{year:04d}-{month:02d}", "month", "relative_to_publication"
    if rel == "next":
        year = ref.year if month > ref.month else ref.year + 1
    elif rel == "last":
        year = ref.year if month < ref.month else ref.year - 1
    elif rel == "this":
        year = ref.year
    else:
        if rel in ("by", "until", "through"):
            future = True  # a deadline with no verb saying otherwise ("$5 billion due by February")
        year = timex.month_anchor(ref, month, bool(future) and rel not in ("since", "last"))
    return "date", f"{year:04d}-{month:02d}", "month", "relative_to_publication"


def _r_season(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    code = timex.SEASON_CODES[f["season"].lower()]
    if "y" in f:
        return "date", f"{f['y']}-{code}", "season", "absolute"
    if ref is None:
        return "date", None, "season", "unresolved"
    rel = (f.get("rel") or "").lower()
    modifier: str | None = rel if rel in ("last", "past", "next", "coming", "this") else ("next" if future else "last")
    if rel in ("in", "the", "early", "late") and not future:
        modifier = None if _season_current(ref, code) else "last"
    return "date", f"{timex.season_year(ref, code, modifier)}-{code}", "season", "relative_to_publication"


def _season_current(ref: date, code: str) -> bool:
    first, last = timex.season_span(timex.season_year(ref, code, None), code)
    return first <= ref <= last


_YEAR_STEPS = {"last": -1, "this": 0, "next": 1}
_YEAR_WORDS = {"year-ago": -1, "year-earlier": -1, "last year's": -1, "this year's": 0, "next year's": 1}


def _r_quarter(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    if "q" in f:
        return "date", f"{f['y2']}-Q{f['q']}", "quarter", "absolute"
    word = f["ord"].lower()
    if word in _ORDINALS:
        if "y" in f or "y3" in f:
            return "date", f"{f.get('y') or f['y3']}-Q{_ORDINALS[word]}", "quarter", "absolute"
        if (ended := date_kinds.ended_quarter(f, ref)) and ended[1] == _ORDINALS[word]:
            return "date", f"{ended[0]}-Q{ended[1]}", "quarter", "relative_to_publication"
        if ref is not None and "yrel" in f:  # "the first quarter of last year"
            return (
                "date",
                f"{ref.year + _YEAR_STEPS[f['yrel'].lower()]}-Q{_ORDINALS[word]}",
                "quarter",
                "relative_to_publication",
            )
        if ref is not None and "yadj" in f:  # "the year-ago third quarter", "next year's first quarter"
            year = ref.year + _YEAR_WORDS[f["yadj"].lower()]
            return "date", f"{year}-Q{_ORDINALS[word]}", "quarter", "relative_to_publication"
        if ref is None:
            return "date", None, "quarter", "unresolved"
        q = _ORDINALS[word]
        year = ref.year if q <= timex.quarter_of(ref.month) or future else ref.year - 1
        return "date", f"{year}-Q{q}", "quarter", "relative_to_publication"
    if ref is None:
        return "date", None, "quarter", "unresolved"
    delta = 0 if word == "current" else -1
    year, month = timex.shift_months(ref.year, ref.month, 3 * delta)
    return "date", f"{year}-Q{timex.quarter_of(month)}", "quarter", "relative_to_publication"


def _r_relative_day(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    offsets = {"today": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2, "the day after tomorrow": 2}
    if ref is None:
        return "date", None, "day", "unresolved"
    day = ref + timedelta(days=offsets[" ".join(f["word"].lower().split())])
    return "date", day.isoformat(), "day", "relative_to_publication"


def _r_relative_unit(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    rel, unit = f["rel"].lower(), f["unit"].lower()
    if rel in ("past", "coming") and not f.get("pre"):
        return "duration", duration_value(1, unit.replace("weekend", "week")), None, "relative_to_publication"
    if ref is None:
        return "date", None, None, "unresolved"
    step = {"last": -1, "previous": -1, "past": -1, "this": 0, "next": 1, "coming": 1}[rel]
    if unit in ("week", "weekend"):
        monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=step)
        return "date", timex.iso_week(monday) + ("-WE" if unit == "weekend" else ""), "week", "relative_to_publication"
    if unit == "month":
        y, m = timex.shift_months(ref.year, ref.month, step)
        return "date", f"{y:04d}-{m:02d}", "month", "relative_to_publication"
    if unit == "quarter":
        y, m = timex.shift_months(ref.year, ref.month, 3 * step)
        return "date", f"{y}-Q{timex.quarter_of(m)}", "quarter", "relative_to_publication"
    if unit == "decade":
        return "date", str(ref.year // 10 + step), "decade", "relative_to_publication"
    if unit == "century":
        return "date", str(ref.year // 100 + step), "century", "relative_to_publication"
    return "date", str(ref.year + step), "year", "relative_to_publication"


def _r_part_of_day(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    if ref is None:
        return "time", None, None, "unresolved"
    if f.get("tonight"):
        return "time", f"{ref.isoformat()}TNI", "day", "relative_to_publication"
    shift = {"this": 0, "yesterday": -1, "last": -1, "tomorrow": 1}[f["rel"].lower()]
    day = ref + timedelta(days=shift)
    return "time", f"{day.isoformat()}T{_PARTS[f['part'].lower()]}", "day", "relative_to_publication"


def _r_unit_edge(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    """ "the end of the month": the month itself (the part meant is the expression's ``mod``)."""
    rel = f["rel"].lower()
    return _r_relative_unit({"rel": "this" if rel == "the" else rel, "unit": f["unit"], "pre": "edge"}, ref, future)


def _r_ago(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    n = number(f["n"])
    unit = f["unit"].lower().rstrip("s").replace("centurie", "century")
    grain = UNITS[unit][1]
    if n is None:  # "several years ago", "a few weeks ago": some time before, no calendar value
        return "date", "PAST_REF", None, "relative_to_publication"
    if ref is not None and n != int(n) and unit == "year":  # "two and a half years ago": that month
        y, m = timex.shift_months(ref.year, ref.month, -round(n * 12))
        return "date", f"{y:04d}-{m:02d}", "month", "relative_to_publication"
    if ref is None or n != int(n):
        return "date", None, grain, "unresolved"
    n = int(n)
    if unit in ("second", "minute", "hour"):
        return "date", ref.isoformat(), "day", "relative_to_publication"
    if unit == "week":  # "six weeks ago": that week (TimeML), not a day the text does not give
        return "date", timex.iso_week(ref - timedelta(weeks=n)), "week", "relative_to_publication"
    if unit == "day":
        return "date", (ref - timedelta(days=n)).isoformat(), "day", "relative_to_publication"
    if unit == "month":
        y, m = timex.shift_months(ref.year, ref.month, -n)
        return "date", f"{y:04d}-{m:02d}", "month", "relative_to_publication"
    years = n * {"year": 1, "decade": 10, "century": 100}[unit]
    return "date", str(ref.year - years), "year", "relative_to_publication"


_PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}


def _r_weekday(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    weekday = _WEEKDAYS[f["wd"].lower()]
    if f.get("plural"):
        return "set", f"XXXX-WXX-{weekday + 1}", "day", "absolute"
    if ref is None:
        return "date", None, "day", "unresolved"
    rel = (f.get("rel") or "").lower()
    if rel == "last":
        day = timex.weekday_before(ref, weekday, strict=True)
    elif rel == "next":
        day = timex.weekday_after(ref, weekday, strict=True)
    elif future and rel != "since":
        day = timex.weekday_after(ref, weekday)
    else:
        day = timex.weekday_before(ref, weekday)
    if f.get("part"):  # TimeML types "Friday night" as a DATE (the part of the day in the value)
        return "date", f"{day.isoformat()}T{_PARTS[f['part'].lower()]}", "day", "weekday_anchored"
    return "date", day.isoformat(), "day", "weekday_anchored"


def _r_duration(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    n = f["n"].lower()
    amount = None if n in ("several", "a few", "few", "many", "a couple of") else number(n)
    if n == "a couple of":
        amount = 2
    return "duration", duration_value(amount, f["unit"]), None, "absolute"


def _r_clock(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    if "h" in f:
        hour = int(f["h"]) % 12 + (12 if f["ap"].lower() == "p" else 0)
        minute = int(f.get("min") or 0)
    else:
        hour, minute = int(f["h2"]), int(f["min2"])
    return "time", f"XXXX-XX-XXT{hour:02d}:{minute:02d}", "minute", "unresolved"


_REFERENCES = {"now": "PRESENT_REF", "currently": "PRESENT_REF", "these days": "PRESENT_REF", "recently": "PAST_REF"}


def _r_reference(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    """ "now", "currently", "recently": TimeML's PRESENT_REF / PAST_REF (no calendar range)."""
    return "date", _REFERENCES[" ".join(f["word"].lower().split())], None, "relative_to_publication"


def _r_ner(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    return ("time" if f["label"] == "TIME" else "date"), None, None, "unresolved"


RESOLVERS = {
    "iso": _r_iso,
    "numeric": _r_numeric,
    "month_day": _r_month_day,
    "day_month": _r_month_day,
    "month_year": _r_month_year,
    "year_range": _r_year_range,
    "year": _r_year,
    "decade": _r_decade,
    "month": _r_month,
    "season": _r_season,
    "quarter": _r_quarter,
    "relative_day": _r_relative_day,
    "relative_unit": _r_relative_unit,
    "ago": _r_ago,
    "weekday": _r_weekday,
    "duration": _r_duration,
    "clock": _r_clock,
    "part_of_day": _r_part_of_day,
    "unit_edge": _r_unit_edge,
    "reference": _r_reference,
    "ner": _r_ner,
}


def _r_offset(f: Fields, ref: date | None, future: bool | None, seen: Mentions) -> Resolved:
    """ "two days later", "a year earlier": anchored on the last mention (``date_kinds.resolve_offset``)."""
    n = number(f["n"])
    unit = f["unit"].lower().rstrip("s").replace("centurie", "century")
    if n is None or n != int(n) or unit in ("second", "minute", "hour"):
        return _r_duration(f, ref, future)
    return date_kinds.resolve_offset(f, ref, future, seen, int(n), unit)


def _r_ner_kinds(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    """A spaCy DATE/TIME span no rule recognised: a vague duration ("recent years": PXY), else unresolved."""
    if code := date_kinds.vague_duration(f.get("text", "")):
        return "duration", code, None, "absolute"
    return _r_ner(f, ref, future)


def _r_ago_in_story(f: Fields, ref: date | None, future: bool | None, seen: Mentions) -> Resolved:
    """ "a year ago" after the story named a quarter is that quarter a year back ("up from $5 million a year ago")."""
    n = number(f["n"])
    unit = f["unit"].lower().rstrip("s")
    if seen.quarter and unit == "year" and n is not None and n == int(n):
        return "date", f"{seen.quarter[0] - int(n)}-Q{seen.quarter[1]}", "quarter", "relative_to_mention"
    return _r_ago(f, ref, future)


def _r_clock_on_day(f: Fields, ref: date | None, future: bool | None, seen: Mentions) -> Resolved:
    """ "10:35 a.m.": on the day just mentioned (same sentence, close by), else the story's day."""
    type_, value, grain, resolution = _r_clock(f, ref, future)
    if value is None:  # never: a clock time is always XXXX-XX-XXThh:mm; this keeps the types honest
        return type_, value, grain, resolution
    if ref is not None and ("cwd" in f or "cmon" in f):  # "9 a.m. Tuesday", "5 p.m. EST, Nov. 9"
        if "cwd" in f:
            _, day, _, how = _r_weekday({"wd": f["cwd"]}, ref, future)
        else:
            _, day, _, how = _r_month_day({"mon": f["cmon"], "d": f["cday"]}, ref, future)
        if day is not None:
            return type_, day + value[10:], grain, how
    if seen.day and 0 <= seen.cursor - seen.day_end <= 15:  # "Tuesday at 9 a.m.", "June 5, 10:35 a.m."
        return type_, seen.day.isoformat() + value[10:], grain, "relative_to_mention"
    if ref is None:
        return type_, value, grain, resolution
    return type_, ref.isoformat() + value[10:], grain, "relative_to_publication"


RESOLVERS.update(
    {
        "ner": _r_ner_kinds,
        "holiday": date_calendar.resolve_holiday,
        "set": date_calendar.resolve_set,
        "future_ref": date_kinds.resolve_future_ref,
        "ordinal_century": date_kinds.resolve_ordinal_century,
        "spelled_year": date_kinds.resolve_spelled_year,
        "year_end": date_kinds.resolve_year_end,
        "half": date_kinds.resolve_half,
        "story_day": date_kinds.resolve_story_day,
    }
)
# Kinds anchored on what the story mentioned before them: called with the ``Mentions`` so far.
ANAPHORIC = {
    "anaphoric": date_kinds.resolve_anaphoric,
    "year_ago": date_kinds.resolve_year_ago,
    "offset": _r_offset,
    "day_time": date_kinds.resolve_day_time,
    "clock": _r_clock_on_day,
    "ago": _r_ago_in_story,
}
NotAnExpression = date_kinds.NotAnExpression
