"""Temporal expressions in an article body, resolved to calendar values.

Where data comes from: the body text and the spaCy DATE/TIME spans of the same
run that finds entities; the reference date is the resolved publication date
(``publication``). Output: ``TemporalExpression`` with offsets into the body,
TIMEX3 type and value, grain, covered calendar days and how it was resolved.

Why our own recogniser instead of ``dateparser.search.search_dates``: on
newswire the latter both misses and over-fires (it reads "may" and "second" as
dates, splits "Monday (June 2, 2025)", cannot tell "three-year war" (a
duration) from a date, has no notion of seasons, weeks, quarters or year
ranges, and resolves "Monday" or "in March" forward or backward regardless of
the story). Newswire temporal expressions are a small closed grammar
(HeidelTime, a rule system, is still the reference point), so anchored regular
expressions plus an explicit resolution layer (``date_rules``, ``timex``) are
both more accurate and far cheaper: on the MEANTIME dev set
(``newsflow eval enrichment``) a search_dates baseline reaches a DATE value F1
of 0.34, these rules 0.83, at about 0.5 ms per article. spaCy DATE/TIME spans
that no rule recognises are kept as ``unresolved`` so a reader still sees them.
``dateparser`` is still used where it is good: one free-form publication stamp
per article (``publication``).

Resolution rules (reference = publication date, or the story's last mention of a date):
* explicit dates are ``absolute``; a day and month without a year take the year
  that puts them nearest the reference (``relative_to_publication``);
* the tense of the clause decides direction (``date_context``: the tense marker
  nearest the expression, not any verb of the sentence): "Monday" is the latest
  Monday on or before the reference, or the next one in a future clause ("will
  meet on Friday"); likewise "in March", "last fall", "the third quarter",
  "Thanksgiving" (``weekday_anchored``, ``calendar_table``);
* "last week", "this year", "earlier this year", "3 days ago", "yesterday" are
  counted from the reference;
* "that day", "later that year", "two days later", "the year-earlier quarter"
  anchor on the last date of their grain the story mentioned
  (``relative_to_mention``; ``date_kinds``), else on publication;
* "now", "currently" are TimeML's PRESENT_REF, "recently" PAST_REF, "the
  future" FUTURE_REF: no calendar days, so they feed no date filter;
* "early 2020", "mid-2011", "late last year", "the end of the month", "by year
  end" keep the whole period as value and range, with the part meant as TIMEX3 ``mod``;
* a period with its year offset is one expression ("June last year", "the first
  quarter of last year", "the second half of 1990": ``1990-H2``); a deadline
  month ("by February") is the coming one;
* ages ("a 6-year-old") are no temporal expression; every resolution carries a
  ``confidence`` (``date_rules.confidence``).
Without a reference date, relative expressions are kept with value None and
resolution ``unresolved``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.enricher import timex
from services.enricher.date_confidence import confidence
from services.enricher.date_context import tense
from services.enricher.date_kinds import Mentions
from services.enricher.date_patterns import MONTH_ANY, NUM, PATTERNS, UNIT, WEEKDAY, YEAR_CONTEXT
from services.enricher.date_rules import ANAPHORIC, RESOLVERS, NotAnExpression
from services.enricher.date_windows import anchor_windows, matches
from shared.models import Modifier, TemporalExpression

# Durations and "... ago" are found from their unit word backwards: unit words
# are rare, so this costs one cheap pass instead of trying every number word at
# every word start.
# An age ("a 6-year-old boy", "52 years old") is no time the story talks about: TimeML leaves it out.
_UNIT_WORD = re.compile(
    rf"[- ](?P<unit>{UNIT})(?P<half>\s+and\s+a\s+half)?(?:[- ]long|(?P<old>[- ]old))?\b"
    r"(?P<dir>(?:\s+or\s+so)?\s+(?:ago|later|earlier)\b)?",
    re.I,
)
_AGE = re.compile(r"(?:year|month|week|day)s?[- ]old\b", re.I)
_AMOUNT_BEFORE = re.compile(
    rf"\b({NUM}(?:\s+1/2|\s*\u00bd|[- ]and[- ]a[- ]half)?|several|a few|few|many|a couple of)$", re.I
)
_LEADING_PREPOSITION = re.compile(r"(?:in|on|since|until|by|from|before|after|through|during|of)\s+", re.I)
# A sentence ends at . ! ? (possibly inside a closing quote) before a space or a
# new quote, or at a line break; scraped text often glues sentences ('media."It').
_SENTENCE_END = re.compile(r"(?=[.!?\n])[.!?][\"'\u201d\u2019]?(?:\s|(?=[\"\u201c][A-Z]))|\n")
_TEMPORAL_WORD = re.compile(
    r"\b(ago|year|month|week|day|decade|century|centuries|hour|minute|morning|evening"
    r"|afternoon|night|overnight|midday|noon|midnight|era|season|quarter|period)s?\b",
    re.I,
)


# A rule runs only on a body containing one of its trigger substrings (lower
# case): a C-speed substring test saves most regex passes on typical articles.
_TRIGGERS = {
    "iso": ("-",),
    "numeric": ("/",),
    "year_range": ("-", "\u2013"),
    "decade": ("0s",),
    "season": ("spring", "summer", "fall", "autumn", "winter"),
    "quarter": ("quarter", "q1", "q2", "q3", "q4"),
    "relative_day": ("today", "yesterday", "tomorrow"),
    "part_of_day": ("morning", "afternoon", "evening", "night"),
    "unit_edge": (" of ",),
    "weekday": ("day",),
}

# spaCy name labels that make a month or weekday inside them part of a name; kinds that are names' words.
_NAME_LABELS = frozenset({"PERSON", "ORG", "WORK_OF_ART", "PRODUCT", "FAC", "LAW", "NORP", "GPE", "LOC"})
_NAME_PRONE = frozenset({"month", "weekday", "season", "holiday", "month_day", "day_month"})

# A period named by its last day: "the quarter ended Sept. 30", "the fiscal year ending Jan. 31".
_PERIOD_KINDS = frozenset({"quarter", "anaphoric"})
_ENDED = re.compile(rf"\s+(?:which\s+)?(?:ended|ending|ends)\s+(?:on\s+)?(?P<emon>{MONTH_ANY})\s+(?P<ed>[0-3]?\d)\b")
_DAY_AFTER = re.compile(
    rf"\s*(?:\(?[A-Z]{{2,4}}\)?(?![\w.]))?\s*,?\s*(?:on\s+)?(?:(?P<cwd>{WEEKDAY})|(?P<cmon>{MONTH_ANY})\s+(?P<cday>[0-3]?\d)\b)"
)
_ENDED_BEFORE = re.compile(r"\bended\s+(?:on\s+)?$")

# The kinds whose resolution depends on the tense of the sentence ("Monday",
# "in March", "last fall", "the first quarter"); the tense is only worked out for
# these (a sentence search per expression is a fifth of the scanning time).
_TENSE_SENSITIVE = frozenset(
    {"weekday", "month", "season", "quarter", "holiday", "day_time", "clock", "anaphoric", "month_day", "day_month"}
)


@dataclass(frozen=True)
class Candidate:
    """A recognised expression before resolution: its extent, its rule and the rule's fields."""

    start: int
    end: int
    text: str
    kind: str
    fields: dict
    # True: the clause speaks of the future, False: of the past, None: it does not say (or the kind
    # does not depend on it: only ``_TENSE_SENSITIVE`` kinds are looked at).
    future: bool | None


def scan(
    body: str, ner_spans: Sequence[tuple[int, int, str]] = (), name_spans: Sequence[tuple[int, int, str]] = ()
) -> list[Candidate]:
    """Recognise temporal expressions; longest match wins where rules overlap.

    ``ner_spans`` are spaCy (start, end, label) DATE/TIME spans; those no rule
    covers are kept as kind ``ner`` (resolved as ``unresolved``). ``name_spans``
    are the recogniser's names (people, organisations, works...): a month or
    weekday inside one is part of a name ("Tuesday Morning Corp.", "Ms. March"),
    not a date.
    """
    found: list[tuple[int, int, str, dict]] = []
    lowered = body.lower()
    windows = anchor_windows(body, lowered)
    for kind, pattern in PATTERNS:
        triggers = _TRIGGERS.get(kind)
        if triggers and not any(t in lowered for t in triggers):
            continue
        for m in matches(pattern, body, windows.get(kind)):
            if kind == "year" and not _plausible_year(body, m):
                continue
            if kind == "month" and m["mon"] == "May" and not m["rel"]:
                continue  # the modal verb and the surname are far commoner than a bare "May"
            fields = {k: v for k, v in m.groupdict().items() if v}
            end = m.end()
            if kind in _PERIOD_KINDS and (ended := _ENDED.match(body, m.end())):
                fields.update(emon=ended["emon"], ed=ended["ed"])  # "the quarter ended Sept. 30"
            if kind == "clock" and (day := _DAY_AFTER.match(body, m.end())):
                fields.update({k: v for k, v in day.groupdict().items() if v})  # "9 a.m. EST Tuesday": one time
                end = day.end()
            if kind in ("month_day", "day_month") and _ENDED_BEFORE.search(body, max(0, m.start() - 8), m.start()):
                fields["ended"] = "ended"  # "the year ended Jan. 31": the last one, not the next
            found.append((m.start(), end, kind, fields))
    found.extend(_durations(body, windows["duration"]))
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    names = [(s, e) for s, e, label in name_spans if label in _NAME_LABELS]
    if names:
        found = [f for f in found if f[2] not in _NAME_PRONE or not any(s <= f[0] and f[1] <= e for s, e in names)]
    chosen: list[tuple[int, int, str, dict]] = []
    taken = _Disjoint()
    for item in found:
        if taken.add(item[0], item[1]):
            chosen.append(item)
    for start, end, label in ner_spans:
        text = body[start:end]
        if (
            not taken.overlaps(start, end)
            and _TEMPORAL_WORD.search(text)
            and not _AGE.search(text)
            and not _capitalised_inside_sentence(body, start)
        ):
            taken.add(start, end)
            chosen.append((start, end, "ner", {"label": label, "text": text}))
    chosen.sort()
    out = []
    for s, e, k, f in chosen:
        lead = _LEADING_PREPOSITION.match(body, s, e)
        if lead and lead.end() < e:
            s = lead.end()
        needs_tense = k in _TENSE_SENSITIVE and not ("y" in f and k in ("month_day", "day_month"))
        out.append(Candidate(s, e, body[s:e], k, f, _future(body, s, e) if needs_tense else None))
    return out


class _Disjoint:
    """Disjoint [start, end) spans kept sorted: an overlap test is a binary search, not a pass over all.

    A page listing 40,000 dates made the pass-over-all test the whole cost of scanning it.
    """

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start)
        return (i > 0 and self.ends[i - 1] > start) or (i < len(self.starts) and self.starts[i] < end)

    def add(self, start: int, end: int) -> bool:
        """Keep [start, end) unless it overlaps a kept span; whether it was kept."""
        if self.overlaps(start, end):
            return False
        i = bisect.bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        return True


def _capitalised_inside_sentence(body: str, start: int) -> bool:
    """ "Weeks" in "said Weeks, a spokesman": a capital mid-sentence on a plain time word is a name."""
    if not body[start : start + 1].isupper():
        return False
    before = body[max(0, start - 3) : start].rstrip(" \t\"'\u201c\u2018(")
    return bool(before) and before[-1] not in ".!?:;\n"


def _future(body: str, start: int, end: int) -> bool | None:
    found = tense(body, start, end)
    return None if found is None else found == "future"


def _durations(body: str, windows: list[tuple[int, int]] | None = None) -> list[tuple[int, int, str, dict]]:
    out = []
    for m in matches(_UNIT_WORD, body, windows):
        amount = _AMOUNT_BEFORE.search(body, max(0, m.start() - 20), m.start())
        if amount and not m["old"]:
            word = (m["dir"] or " ").split()[-1].lower() if m["dir"] else ""  # "a week or so ago": ago
            kind = {"": "duration", "ago": "ago"}.get(word, "offset")
            n = amount.group(1) + (" and a half" if m["half"] else "")  # "a minute and a half"
            out.append((amount.start(), m.end(), kind, {"n": n, "unit": m["unit"], "dir": word}))
    return out


def _plausible_year(body: str, m: re.Match) -> bool:
    """A bare four-digit number is a year after a temporal word or before punctuation."""
    if m["mod"]:
        return True
    before = body[max(0, m.start() - 20) : m.start()]
    if re.search(r"[$\u20ac\u00a3#]\s*$|\bNo\.\s*$", before):
        return False
    if re.search(rf"\b{YEAR_CONTEXT}\s+(?:the\s+)?(?:year\s+)?$", before, re.I):
        return True
    after = body[m.end() : m.end() + 2]
    return after[:1] in ("", ",", ".", ";", ")", ":", "\n") or after == " -"


# Words marking the part of a period meant -> TIMEX3 mod ("early 2020", "mid-March",
# "late last year", "the end of the month"); "the rest of" has no TIMEX3 mod.
_MODIFIERS: dict[str, Modifier] = {
    "early": "START",
    "start": "START",
    "beginning": "START",
    "the start of": "START",
    "the beginning of": "START",
    "mid": "MID",
    "middle": "MID",
    "late": "END",
    "end": "END",
    "the end of": "END",
    "year end": "END",
    "year's end": "END",
    "year\u2019s end": "END",
}


def modifier(fields: dict) -> Modifier | None:
    """TIMEX3 mod of a recognised expression, from the rule's captured words.

    >>> modifier({"mod": "mid-", "y": "2011"}), modifier({"rel": "last", "mon": "March"})
    ('MID', None)
    """
    for name in ("mod", "edge", "rel"):
        word = fields.get(name)
        if word and (mod := _MODIFIERS.get(" ".join(word.lower().replace("-", " ").split()))):
            return mod
    return None


def resolve(candidates: list[Candidate], ref: date | None) -> list[TemporalExpression]:
    """Resolve every candidate against the reference date (None: relative ones stay unresolved).

    Candidates are read in text order, as a reader meets them: "that day", "two days later"
    and "the year-earlier quarter" anchor on the last date of their grain mentioned before.
    """
    out = []
    seen = Mentions()
    for c in candidates:
        try:
            if c.kind in ANAPHORIC:
                seen.cursor = c.start
                type_, value, grain, resolution = ANAPHORIC[c.kind](c.fields, ref, c.future, seen)
            else:
                type_, value, grain, resolution = RESOLVERS[c.kind](c.fields, ref, c.future)
        except NotAnExpression:
            continue
        except (ValueError, KeyError, OverflowError):
            type_, value, grain, resolution = "date", None, None, "unresolved"
        if value is None and resolution != "unresolved":
            resolution = "unresolved"
        if resolution != "relative_to_mention":  # "a year earlier" compares; the story's own time stays the anchor
            seen.note(type_, value, c.end)
        start, end = timex.value_range(value) if type_ == "date" else (None, None)
        out.append(
            TemporalExpression(
                text=c.text,
                start=c.start,
                end=c.end,
                type=type_,
                value=value,
                grain=grain,
                range_start=start,
                range_end=end,
                resolution=resolution,
                mod=modifier(c.fields),
                confidence=confidence(c.kind, resolution, c.future),
            )
        )
    return out
