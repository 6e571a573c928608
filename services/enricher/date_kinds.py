"""Expression kinds a reader resolves from the story rather than the calendar alone.

Recognised here (patterns merged into ``dates``), resolved here (named days and sets, which
need only the calendar, in ``date_calendar``):
* **anaphoric periods** anchor on the last date of that grain the story
  mentioned, or on publication when it mentioned none: "that day", "the same
  day", "later that year", "the following month", "the quarter", "the
  year-earlier quarter", "the year-ago period" (earnings reports), "the next
  morning"; and "late in the day" / "on the session" in market and sports
  reports, which mean the story's day;
* **offsets from a mention**: "two days later", "a year earlier" shift the
  last mentioned date (keeping its grain: a year before the third quarter of
  1989 is 1988-Q3);
* **vague durations** ("recent years", "the coming weeks": ``PXY``, ``PXW``);
* **day times** ("noon", "midnight Friday", "overnight") and references
  ("the future", "the near term": ``FUTURE_REF``).

    >>> from datetime import date
    >>> m = Mentions()
    >>> m.note("date", "1989-Q3", 0)
    >>> resolve_anaphoric({"det": "the", "adj": "year-earlier", "unit": "quarter"}, date(1989, 11, 2), None, m)
    ('date', '1988-Q3', 'quarter', 'relative_to_mention')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from services.enricher import timex
from shared.models import Grain, Resolution, TemporalType

Fields = dict[str, str]  # what a rule's regular expression captured, by group name
# (TIMEX3 type, value, grain, resolution); value None when the expression cannot be resolved.
Resolved = tuple[TemporalType, str | None, Grain | None, Resolution]

_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}

PATTERNS: list[tuple[str, re.Pattern]] = [
    (
        "anaphoric",
        re.compile(
            r"(?=[tTlLeEsSyYoO])\b(?:(?P<pre>earlier|later|late|early)\s+(?:in\s+)?)?"
            r"(?P<det>the|that|its|on the)\s+"
            r"(?:(?P<adj>same|latest|most recent|previous|prior|following|next|full|current|current fiscal|latest fiscal"
            r"|fiscal|year-earlier|year-ago|comparable|corresponding|year-before)\s+)?(?:(?P<yr>1[6-9]\d\d|20\d\d)\s+)?"
            r"(?P<unit>quarter|period|year|month|weekend|week|day|session|morning|afternoon|evening|night)\b(?!-\w)"
            r"(?:\s+(?:of\s+)?(?:the\s+)?(?P<tail>last year|a year (?:ago|earlier))"
            r"|\s+(?P<side>before|after)\b(?!\s+(?:the|a|an|his|her|its|their|our|this|that|\w+ing)\b))?",
            re.I,
        ),
    ),
    ("year_ago", re.compile(r"(?=[yYlL])\b(?P<adj>year-earlier|year-ago|last year's (?:quarter|period))\b", re.I)),
    (
        "holiday",
        re.compile(
            r"(?=[A-Z])\b(?P<name>Thanksgiving(?: Day)?|Christmas(?: Day| Eve)?|New Year's(?: Day| Eve)?|Easter(?: Sunday)?"
            r"|Good Friday|Memorial Day|Labor Day|Independence Day|Columbus Day|Veterans Day|Election Day"
            r"|Martin Luther King(?: Jr\.?)? Day|Presidents'? Day|Valentine's Day|Halloween|Black Monday)\b"
            r"(?P<week> week)?(?:,?\s+(?P<y>1[6-9]\d\d|20\d\d)\b)?"
        ),
    ),
    (
        "set",
        re.compile(
            r"(?=[edwmhnyapEDWMHNY])(?:\b(?P<every>every|each)\s+(?P<unit>day|week|month|year|quarter|morning|night"
            r"|evening|" + _WEEKDAY + r"|" + _MONTH + r")\b|\b(?P<adv>daily|weekly|monthly|hourly|nightly|yearly)\b"
            r"|(?:(?<=\d )|(?<=% )|(?<=times )|(?<=percent ))(?:a|per)\s+(?P<per>year|month|week|day)\b)"
        ),
    ),
    (
        "day_time",
        re.compile(
            r"(?=[nmoNMO])\b(?P<word>noon|midday|midnight|overnight|mid[- ]?afternoon|mid[- ]?morning)\b"
            r"(?:\s+(?:on\s+)?(?P<wd>" + _WEEKDAY + r")|\s+(?P<rday>yesterday|today|tomorrow)\b)?",
            re.I,
        ),
    ),
    (
        "spelled_year",
        re.compile(
            r"(?=[tTnN])\b(?:the year\s+)?(?:(?P<c19>nineteen)[- ](?P<tens>ten|eleven|twelve|thirteen|fourteen|fifteen"
            r"|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
            r"(?:[- ](?P<ones>one|two|three|four|five|six|seven|eight|nine))?|(?<=the year )two thousand"
            r"|(?P<k2>two thousand)(?:\s+and)?\s+(?P<ones2>one|two|three|four|five|six|seven|eight|nine))\b",
            re.I,
        ),
    ),
    (
        "future_ref",
        re.compile(
            r"(?=[tT])\bthe\s+(?:(?:near|distant|foreseeable)\s+)?(?P<word>future|near term|short term|long term|past)\b"
            r"(?!\s+(?:\w+\s+)?(?:years|months|weeks|days|decades|quarters|hours|centuries|seasons|summers|winters|springs"
            r"|autumns|falls|sessions))",
            re.I,
        ),
    ),
    ("ordinal_century", re.compile(r"(?=[tT\d])\b(?:the\s+)?(?P<n>1\d|2[01]|[1-9])(?:st|nd|rd|th)[- ]century\b", re.I)),
    # Halves of a named year: "the first half of 1990", "the second half of last year", "the first two
    # quarters of 1990" (H1). A bare "the first half" is left alone: in sports it is half of a match.
    (
        "half",
        re.compile(
            r"(?=[tfsl])\b(?:the\s+)?(?:(?P<ord>first|second|latter)[\s-]+half|(?P<two>first|last|final)\s+two\s+quarters)"
            r"\s+of\s+(?:(?P<y>1[6-9]\d\d|20\d\d)\b|(?:fiscal\s+)?(?P<fy>1[6-9]\d\d|20\d\d)\b"
            r"|(?P<rel>this|last|next|the)\s+(?:fiscal\s+|calendar\s+)?year\b)",
            re.I,
        ),
    ),
    # "by year end", "since year-end": the end of a year, after a word placing something relative
    # to it ("year-end results" is a kind of figure, not a time the story places an event at).
    (
        "year_end",
        re.compile(
            r"(?=[bsauthnBSAUTHN])\b(?P<prep>by|since|at|around|until|till|through|toward|towards|near|before|after)\s+"
            r"(?:the\s+)?(?P<edge>year[- ]end|year's end|year\u2019s end)\b(?![-\u2010\u2011]\w)",
            re.I,
        ),
    ),
    # "today is the eighth day of the siege", "it's the second day of the offensive": the story's day.
    (
        "story_day",
        re.compile(
            r"(?:(?<=\bis )|(?<='s )|(?<=\u2019s ))(?:the\s+)?(?P<ord>first|second|third|fourth|fifth|sixth|seventh"
            r"|eighth|ninth|tenth|eleventh|twelfth|\d{1,3}(?:st|nd|rd|th))\s+(?:straight\s+|consecutive\s+)?day\b"
            r"(?!\s+(?:of\s+)?(?:the\s+)?(?:month|week|year)\b)",
            re.I,
        ),
    ),
]
_VAGUE = re.compile(
    r"^(?:(?:the|recent|coming|past|the past|the last|the coming|the next|the early|the first|over the)\s+)?"
    r"(?P<unit>years|months|weeks|days|decades|hours|minutes|quarters)(?:-long|\s+ahead)?$",
    re.I,
)
_VAGUE_CODES = {
    "years": "PXY",
    "months": "PXM",
    "weeks": "PXW",
    "days": "PXD",
    "decades": "PXY",
    "hours": "PTXH",
    "minutes": "PTXM",
    "quarters": "PXQ",
}


class NotAnExpression(ValueError):
    """The words matched a pattern but are no temporal expression ("the period" with nothing saying which)."""


@dataclass
class Mentions:
    """The last date of each grain the story mentioned so far (as the reader meets them)."""

    day: date | None = None
    day_end: int = -1  # offset where the day mention ended ("7/8/07 at noon" vs a time far from any day)
    cursor: int = 0  # where the expression being resolved starts
    month: tuple[int, int] | None = None
    quarter: tuple[int, int] | None = None
    year: int | None = None

    def note(self, type_: str, value: str | None, end: int) -> None:
        if type_ != "date" or not value or not value[:4].isdigit():
            return
        if m := re.match(r"^(\d{4})-Q([1-4])$", value):
            self.quarter, self.year = (int(m[1]), int(m[2])), int(m[1])
            return
        start, last = timex.value_range(value[:10])
        if start is None or last is None:
            return
        self.year = start.year
        if (last - start).days <= 31 and start.month == last.month:
            self.month = (start.year, start.month)
        if start == last:
            self.day, self.day_end = start, end


_COUNTED = re.compile(
    r"^(?:the\s+)?(?:(?:past|next|last|coming|first|previous|following)\s+)?(?P<n>an?|one|two|three|four|five|six"
    r"|seven|eight|nine|ten|eleven|twelve|\d+|several|a few|few|a couple of|couple of)\s+"
    r"(?:(?:additional|more|trading|business|full|straight|consecutive)\s+)?"
    r"(?P<unit>year|month|week|day|quarter|hour|minute)s?$",
    re.I,
)
_UNIT_CODES = {"year": "Y", "month": "M", "week": "W", "day": "D", "quarter": "Q", "hour": "TH", "minute": "TM"}


def vague_duration(text: str) -> str | None:
    """A duration the rules do not count: ``PXY`` for "recent years", ``P2Q`` for "the past two quarters".

    >>> vague_duration("the coming weeks"), vague_duration("Eight trading days"), vague_duration("Monday")
    ('PXW', 'P8D', None)
    """
    text = text.strip()
    if m := _VAGUE.match(text):
        return _VAGUE_CODES[m["unit"].lower()]
    if m := _COUNTED.match(text):
        n = m["n"].lower()
        amount = (
            "X"
            if n in ("several", "a few", "few")
            else ("2" if "couple" in n else "1" if n in ("a", "an") else str(_SPELLED.get(n, n)))
        )
        code = _UNIT_CODES[m["unit"].lower()]
        return f"PT{amount}{code[1]}" if code.startswith("T") else f"P{amount}{code}"
    return None


def _step(adj: str) -> int | None:
    """Periods to move from the anchor; None: the same period a year back ("the year-ago quarter")."""
    return (
        {"following": 1, "next": 1, "previous": -1, "prior": -1}.get(adj, 0)
        if adj not in ("year-earlier", "year-ago", "year-before", "comparable", "corresponding")
        else None
    )


def ended_quarter(f: Fields, ref: date | None) -> tuple[int, int] | None:
    """(year, quarter) of "the quarter ended Sept. 30": the quarter most of whose days precede that day."""
    if "emon" not in f or ref is None:
        return None
    month, day = timex.MONTHS[f["emon"].lower().rstrip(".")], int(f["ed"])
    year = ref.year if (month, day) <= (ref.month, ref.day) else ref.year - 1
    middle = date(year, month, min(day, 28)) - timedelta(days=45)
    return middle.year, timex.quarter_of(middle.month)


def resolve_anaphoric(f: Fields, ref: date | None, future: bool | None, seen: Mentions) -> Resolved:
    """ "that day", "the following year", "the year-earlier quarter": the last mention of the grain, shifted."""
    unit = f["unit"].lower()
    adj = " ".join((f.get("adj") or "").lower().split())
    det = f["det"].lower()
    how: Resolution
    if unit == "period" and not adj:
        raise NotAnExpression("'the period' needs a word saying which")
    if unit == "year" and det == "the" and not adj and not f.get("pre") and "emon" in f:
        return "duration", "P1Y", None, "absolute"  # "in the year ended March 31": a year's span
    step = _step(adj)
    year_back = step is None or bool(f.get("tail"))  # "the corresponding period last year"
    step = step or 0
    if side := (f.get("side") or "").lower():  # "the year before", "the day after": one from the mention
        step, det = (-1 if side == "before" else 1), "that"
    if adj in ("comparable", "corresponding") and not f.get("tail") and not f.get("yr"):
        year_back = True
    if unit in ("quarter", "period"):
        if ended := ended_quarter(f, ref):
            (y, q), how = ended, "relative_to_publication"
        elif unit == "period" and not seen.quarter and seen.month:  # "the same period last year" after "March"
            y, m = timex.shift_months(seen.month[0], seen.month[1], 3 * step - (12 if year_back else 0))
            return "date", f"{y:04d}-{m:02d}", "month", "relative_to_mention"
        elif seen.quarter and adj not in ("current", "latest", "most recent"):  # "the latest quarter": just over
            (y, q), how = seen.quarter, "relative_to_mention"
        elif ref is None:
            return "date", None, "quarter", "unresolved"
        else:  # the quarter the story is about: the one under way if it speaks of the future, else the last one over
            ahead = adj == "current" or (future and adj not in ("latest", "most recent"))
            y, m = timex.shift_months(ref.year, ref.month, 0 if ahead else -3)
            q, how = timex.quarter_of(m), "relative_to_publication"
        if f.get("yr"):  # "the 1988 quarter": the quarter under discussion, in that year
            y, year_back, how = int(f["yr"]), False, "relative_to_mention" if seen.quarter else how
        y, month = timex.shift_months(y, 3 * q - 2, 3 * step - (12 if year_back else 0))
        return "date", f"{y}-Q{timex.quarter_of(month)}", "quarter", how
    if unit == "year":
        if adj == "latest fiscal" and ref:
            return "date", str(ref.year - 1), "year", "relative_to_publication"
        # "that year", "the same year", "the following year" look back; "the full year", "the current
        # fiscal year" are the story's own.
        refers_back = det == "that" or adj in ("same", "following", "next", "previous", "prior") or year_back
        base, how = (
            (seen.year, "relative_to_mention")
            if seen.year and refers_back
            else ((ref.year if ref else None), "relative_to_publication")
        )
        if base is None:
            return "date", None, "year", "unresolved"
        return "date", str(base + step - (1 if year_back else 0)), "year", how
    if unit == "month":
        base_m, how = (
            (seen.month, "relative_to_mention")
            if seen.month
            else (((ref.year, ref.month) if ref else None), "relative_to_publication")
        )
        if base_m is None:
            return "date", None, "month", "unresolved"
        y, m = timex.shift_months(base_m[0], base_m[1], step - (12 if year_back else 0))
        return "date", f"{y:04d}-{m:02d}", "month", how
    # "the weekend", "the week" are the story's own; "that week", "the following weekend" look back.
    own = unit in ("week", "weekend") and det == "the" and not adj
    day, how = (seen.day, "relative_to_mention") if seen.day and not own else (ref, "relative_to_publication")
    if day is None:
        return "date", None, "day", "unresolved"
    if year_back:
        day = day.replace(year=day.year - 1) if not (day.month == 2 and day.day == 29) else day - timedelta(days=365)
    if unit == "week":
        return "date", timex.iso_week(day + timedelta(weeks=step)), "week", how
    if unit == "weekend":  # the weekend just before the day (news reports it afterwards) or after, by tense
        saturday = timex.weekday_after(day, 5) if future else timex.weekday_before(day, 5)
        return "date", timex.iso_week(saturday + timedelta(weeks=step)) + "-WE", "week", how
    day = day + timedelta(days=step)
    if unit in _PARTS:
        return "time", f"{day.isoformat()}T{_PARTS[unit]}", "day", how
    return "date", day.isoformat(), "day", how


def resolve_year_ago(f: Fields, ref: date | None, future: bool | None, seen: Mentions) -> Resolved:
    """ "year-earlier results": the mentioned quarter a year back, else the year before publication."""
    if seen.quarter:
        return "date", f"{seen.quarter[0] - 1}-Q{seen.quarter[1]}", "quarter", "relative_to_mention"
    if ref is None:
        return "date", None, "year", "unresolved"
    return "date", str(ref.year - 1), "year", "relative_to_publication"


_OFFSET_GRAINS: dict[str, Grain] = {
    "day": "day",
    "week": "week",
    "month": "month",
    "year": "year",
    "decade": "decade",
    "century": "century",
}


def resolve_offset(f: Fields, ref: date | None, future: bool | None, seen: Mentions, n: int, unit: str) -> Resolved:
    """ "two days later", "a year earlier": the last mention shifted, in the mention's grain where it is coarser."""
    sign = 1 if f["dir"].lower() == "later" else -1
    months = {"month": 1, "year": 12, "decade": 120, "century": 1200}.get(unit)
    how: Resolution
    if months and seen.quarter and unit != "month":
        y, m = timex.shift_months(seen.quarter[0], 3 * seen.quarter[1] - 2, sign * n * months)
        return "date", f"{y}-Q{timex.quarter_of(m)}", "quarter", "relative_to_mention"
    day, how = (seen.day, "relative_to_mention") if seen.day else (ref, "relative_to_publication")
    if not months and not seen.day and seen.month:  # "two days later" after "in March 2018": that month, no finer
        return "date", f"{seen.month[0]:04d}-{seen.month[1]:02d}", "month", "relative_to_mention"
    if months and not seen.day and seen.year:
        return "date", str(seen.year + sign * n * months // 12), "year", "relative_to_mention"
    if day is None:
        return "date", None, _OFFSET_GRAINS.get(unit), "unresolved"
    if unit in ("day", "week"):
        return "date", (day + timedelta(days=sign * n * (7 if unit == "week" else 1))).isoformat(), "day", how
    if unit == "month":
        y, m = timex.shift_months(day.year, day.month, sign * n)
        return "date", f"{y:04d}-{m:02d}", "month", how
    if months:
        return "date", str(day.year + sign * n * months // 12), "year", how
    return "date", day.isoformat(), "day", how


_DAY_TIMES = {
    "noon": "T12:00",
    "midday": "T12:00",
    "midnight": "T24:00",
    "overnight": "TNI",
    "mid-afternoon": "TAF",
    "midafternoon": "TAF",
    "mid-morning": "TMO",
    "midmorning": "TMO",
}


def resolve_day_time(f: Fields, ref: date | None, future: bool | None, seen: Mentions) -> Resolved:
    """ "noon", "midnight Friday": the time on the named weekday, the day just mentioned, or publication."""
    suffix = _DAY_TIMES[f["word"].lower().replace(" ", "-")]
    if f.get("rday") and ref:  # "mid-afternoon yesterday"
        day = ref + timedelta(days={"yesterday": -1, "today": 0, "tomorrow": 1}[f["rday"].lower()])
        return "time", f"{day.isoformat()}{suffix}", "day", "relative_to_publication"
    if f.get("wd") and ref:
        day = (
            timex.weekday_after(ref, WEEKDAYS.index(f["wd"].lower()))
            if future
            else timex.weekday_before(ref, WEEKDAYS.index(f["wd"].lower()))
        )
        return "time", f"{day.isoformat()}{suffix}", "day", "weekday_anchored"
    if seen.day and 0 <= seen.cursor - seen.day_end <= 12:
        return "time", f"{seen.day.isoformat()}{suffix}", "day", "relative_to_mention"
    if ref is None:
        return "time", None, None, "unresolved"
    return "time", f"{ref.isoformat()}{suffix}", "day", "relative_to_publication"


def resolve_future_ref(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    word = f["word"].lower()
    return "date", "PAST_REF" if word == "past" else "FUTURE_REF", None, "relative_to_publication"


def resolve_half(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    """ "the first half of 1990" is TIMEX3 ``1990-H1``; "of last year" counts from publication."""
    word = (f.get("ord") or f.get("two") or "").lower()
    half = 1 if word == "first" else 2
    # Grain "quarter": the finest grain the model has that a half is made of.
    if year := f.get("y") or f.get("fy"):
        return "date", f"{year}-H{half}", "quarter", "absolute"
    if ref is None:
        return "date", None, "quarter", "unresolved"
    shift = {"last": -1, "next": 1}.get(f["rel"].lower(), 0)
    return "date", f"{ref.year + shift}-H{half}", "quarter", "relative_to_publication"


def resolve_year_end(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    """ "by year end" is the end of the story's year (TIMEX3 mod END); "since year-end" the one just over."""
    if ref is None:
        return "date", None, "year", "unresolved"
    year = ref.year - 1 if f["prep"].lower() == "since" else ref.year
    return "date", str(year), "year", "relative_to_publication"


def resolve_story_day(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    """ "(today) is the eighth day of ...": counted to the story's own day, publication."""
    if ref is None:
        return "date", None, "day", "unresolved"
    return "date", ref.isoformat(), "day", "relative_to_publication"


def resolve_ordinal_century(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    """ "the 20th century" is TIMEX3 ``19`` (the years 1900-1999)."""
    return "date", f"{int(f['n']) - 1:02d}", "century", "absolute"


_SPELLED = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_SPELLED.update(
    {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
)


def resolve_spelled_year(f: Fields, ref: date | None, future: bool | None) -> Resolved:
    """ "nineteen ninety-six" (broadcast transcripts) is 1996; "the year two thousand" 2000."""
    if f.get("c19"):
        year = 1900 + _SPELLED[f["tens"].lower()] + _SPELLED.get((f.get("ones") or "zero").lower(), 0)
    else:
        year = 2000 + _SPELLED.get((f.get("ones2") or "zero").lower(), 0)
    return "date", str(year), "year", "absolute"
