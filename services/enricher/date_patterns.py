"""The vocabulary and the rule table of the date scanner: what ``dates.scan`` looks for, by kind.

Each rule is a kind and a regular expression whose named groups are the fields its resolver
(``date_rules.RESOLVERS`` / ``ANAPHORIC``) reads; the kinds that need more than a table row
come from ``date_kinds``.
"""

from __future__ import annotations

import re

from services.enricher.date_kinds import PATTERNS as _KIND_PATTERNS
from services.enricher.date_numbers import NUMBERS

MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
MONTH_ANY = r"(?:" + MONTH_FULL + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)(?![a-z])"
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
YEAR = r"(?:1[6-9]\d\d|20\d\d)"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
# "twenty-four hours", "thirty five years": a compound number word before the plain ones.
NUM = (
    r"(?:\d+(?:\.\d+)?|(?:"
    + _TENS
    + r")[- ](?:one|two|three|four|five|six|seven|eight|nine)|"
    + "|".join(sorted(NUMBERS, key=len, reverse=True))
    + r")"
)
# "a second" is nearly always the ordinal ("a second round"), so seconds need the plural.
UNIT = r"(?:seconds|(?:minute|hour|day|week|month|year|decade)s?|centur(?:y|ies))"
YEAR_CONTEXT = (
    r"(?:the|in|since|by|until|till|from|of|during|before|after|between|and|to|through|throughout|circa"
    r"|around|early|late|mid|year|fiscal|for|due|both|a|an|its|his|her|their|our|that|this|'s|\u2019s)"
)

PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(r"(?=\d)\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")),
    ("numeric", re.compile(r"(?=\d)(?<![\d/])(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])")),
    (
        "month_day",
        re.compile(
            rf"(?=[A-Z])(?:(?P<wd>{WEEKDAY}),?\s*\(?\s*)?(?P<mon>{MONTH_ANY})\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b"
            rf"(?:\s*,?\s*(?P<y>{YEAR})\b)?\)?"
        ),
    ),
    (
        "day_month",
        re.compile(
            rf"(?=[A-Z0-9])(?:(?P<wd>{WEEKDAY}),?\s*\(?\s*)?"
            rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{MONTH_ANY})"
            rf"(?:\s*,?\s*(?P<y>{YEAR})\b)?\)?"
        ),
    ),
    (
        "month_year",
        re.compile(
            rf"(?=[A-Zeml])\b(?P<mod>(?:[Ee]arly|[Mm]id|[Ll]ate)[- ])?"
            rf"(?P<mon>{MONTH_ANY})\s*,?\s+(?:of\s+)?(?P<y>{YEAR})\b"
        ),
    ),
    ("year_range", re.compile(rf"(?=[12])\b(?P<y>{YEAR})\s?[-\u2013]\s?(?P<y2>\d\d(?:\d\d)?)\b(?![-\u2013/])")),
    (
        "year",
        re.compile(
            r"(?=[12emltTEML])(?:\b(?P<mod>[Ee]arly|[Mm]id|[Ll]ate|[Tt]he end of|[Tt]he start of|[Tt]he beginning of)[- ])?"
            rf"\b(?P<y>{YEAR})\b(?![-\u2013/]\d)(?!\s?%)(?!\.\d)"
        ),
    ),
    (
        "decade",
        re.compile(
            r"(?=[t\d'emlTEML])\b(?:[Tt]he\s+)?(?:(?P<mod>[Ee]arly|[Mm]id|[Ll]ate)[- ])?"
            r"(?P<dec>1[6-9]\d0|20[0-9]0|'\d0)s\b"
        ),
    ),
    (
        "month",
        re.compile(
            r"(?=[A-Za-z])\b(?:(?P<rel>last|next|this|early|late|mid|in|since|until|by|from|before|after|through"
            r"|during|of)[- ])?"
            rf"(?P<mon>{MONTH_FULL})\b(?!\s+\d)"
            r"(?:,?\s+(?:of\s+)?(?P<yrel>last|this|next)\s+year\b(?!'s))?"
        ),
    ),
    (
        "season",
        re.compile(
            r"(?=[ltnpceiLTNPCEI])\b(?:(?P<rel>last|this|next|past|coming|early|late|in|the)\s+)(?:(?P<mod>early|late)\s+)?"
            rf"(?P<season>spring|summer|fall|autumn|winter)\b(?:\s+(?:of\s+)?(?P<y>{YEAR})\b)?"
            r"(?!\s+of\s)",
            re.I,
        ),
    ),  # "the fall of Kabul" is no season
    (
        "quarter",
        re.compile(
            r"(?=[tfsl1234pcqTFSLyYnN])(?:\b(?:the\s+)?"
            rf"(?:(?P<y3>{YEAR})\s+|(?P<yadj>year-ago|year-earlier|next year's|last year's|this year's)\s+)?"
            r"(?:fiscal\s+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|last|final|previous|current)"
            r"[\s-]+(?:fiscal\s+)?quarter(?!s)"
            rf"(?:\s+of\s+(?:(?P<y>{YEAR})|(?:the\s+)?(?P<yrel>last|this|next)\s+year(?!'s)))?\b"
            rf"|\bQ(?P<q>[1-4])\s+(?P<y2>{YEAR})\b)",
            re.I,
        ),
    ),
    (
        "relative_day",
        re.compile(
            r"(?=[ty])\b(?P<word>today|yesterday|tomorrow|the day before yesterday|the day after tomorrow)\b", re.I
        ),
    ),
    (
        "part_of_day",
        re.compile(
            r"(?=[tylTYL])\b(?:(?P<rel>this|yesterday|tomorrow|last)\s+(?P<part>morning|afternoon|evening|night)"
            r"|(?P<tonight>tonight))\b",
            re.I,
        ),
    ),
    (
        "unit_edge",
        re.compile(
            r"(?=[tbsemrTBSEMR])\b(?:the\s+)?(?P<edge>beginning|start|end|middle|rest)\s+of\s+"
            r"(?P<rel>the|this|last|next)\s+(?P<unit>year|month|week)\b",
            re.I,
        ),
    ),
    (
        "relative_unit",
        re.compile(
            r"(?=[elmptncELMPTNC])\b(?:(?P<mod>early|mid|late)[- ])?(?P<pre>(?:earlier|later)\s+)?"
            r"(?P<rel>last|this|next|past|previous|coming)\s+"
            r"(?P<unit>week(?:end)?|month|year|quarter|decade|century)\b",
            re.I,
        ),
    ),
    (
        "weekday",
        re.compile(
            r"(?=[lntosubfeMTWFS])\b(?:(?P<rel>last|next|this|on|since|until|by|from|early|late)\s+)?"
            rf"(?P<wd>{WEEKDAY})(?P<plural>s)?"
            r"(?:\s+(?P<part>morning|afternoon|evening|night))?\b"
        ),
    ),
    (
        "clock",
        re.compile(
            r"(?=\d)(?:\b(?P<h>[01]?\d|2[0-3])(?::(?P<min>[0-5]\d))?\s*(?P<ap>[ap])\.?m\.?(?!\w)"
            r"|\b(?P<h2>[01]?\d|2[0-3]):(?P<min2>[0-5]\d)\s*(?:GMT|UTC)\b)",
            re.I,
        ),
    ),
    # TimeML's references to the present or the past, relative to publication; not
    # the adjective prefix ("the now-cancelled deal").
    (
        "reference",
        re.compile(
            r"(?=[mncrtMNCRT])\b(?:(?P<more>more|most)\s+)?(?P<word>now|currently|recently|these days)\b"
            r"(?![-\u2010\u2011]\w)",
            re.I,
        ),
    ),
]
PATTERNS += _KIND_PATTERNS
