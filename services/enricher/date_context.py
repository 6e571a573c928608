"""The tense a temporal expression is read in: what decides "Friday" or "October" forward or back.

Used by ``dates.scan`` for the kinds whose direction the text does not state
("Monday", "in March", "Oct. 23", "the third quarter", "Thanksgiving"). A
reader takes the direction from the verb that governs the expression, not
from any verb of the sentence: in "Cuba predicted Wednesday that it will win"
Wednesday is past. So the tense is the one of the tense marker nearest to the
expression inside its clause: a future marker ("will", "'ll", "is scheduled
to", "plans to", "as early as") or a past one (a past-tense verb: "said",
"met", "announced", "was"). A reporting verb right before the expression
("said Friday") is the saying, hence past. No marker: ``None`` (the resolver
falls back on the news default: the latest one up to publication for a bare
weekday or month, the nearest for a day of the month).

    >>> body = "Cuba predicted Wednesday that Gonzalez will return on Friday."
    >>> tense(body, body.index("Wednesday"), body.index("Wednesday") + 9)
    'past'
    >>> tense(body, body.index("Friday"), body.index("Friday") + 6)
    'future'
    >>> tense("Talks on Monday.", 9, 15) is None
    True
"""

from __future__ import annotations

import re
from typing import Literal

Tense = Literal["past", "future"]

_FUTURE_WORDS = (
    r"will|won't|'ll|shall|would|going to|plans? to|planned|planning|scheduled|expected to|expects? to"
    r"|due to|set to|slated|intends? to|supposed to|upcoming|as (?:soon|early) as|(?:is|are) to|tomorrow"
)
_FUTURE = re.compile(rf"\b(?:{_FUTURE_WORDS})\b", re.I)
_IRREGULAR_PAST = (
    "was|were|had|did|said|told|met|came|went|took|gave|made|began|held|left|got|won|lost|rose|fell|sent|spent"
    "|sold|brought|thought|shot|wrote|spoke|ran|became|hit|led|paid|kept|broke|chose|flew|grew|knew|threw|saw"
    "|found|struck|fought|sought|bought|caught|taught|stood|sat|heard|felt|meant|built|drove|ate|fled|won|ago"
    "|yesterday|last|earlier|previously"
)
# One pass finds both kinds of marker; a future marker is tried first where both could match ("planned").
_MARKER = re.compile(rf"\b(?:(?P<future>{_FUTURE_WORDS})|(?P<past>{_IRREGULAR_PAST}|[a-z]{{2,}}ed))\b", re.I)
# Words ending in -ed that are no past-tense verb; and participles of the future markers.
_NOT_PAST = frozenset(
    {
        "united",
        "hundred",
        "need",
        "indeed",
        "speed",
        "feed",
        "seed",
        "shed",
        "bed",
        "red",
        "based",
        "called",
        "limited",
        "related",
        "alleged",
        "armed",
        "proposed",
        "planned",
        "scheduled",
        "expected",
        "slated",
        "needed",
        "proceed",
        "exceed",
        "succeed",
        "breed",
        "greed",
        "creed",
        "agreed",
        "freed",
        "weed",
        "embed",
        "bleed",
    }
)
# A participle after a form of "be" is a passive ("will be named", "is heard", "has been
# delayed"): the auxiliary carries the tense, so the participle is no past marker of its own.
_PASSIVE_BEFORE = re.compile(r"\b(?:is|are|am|be|been|being)\s+(?:\w+ly\s+)?$", re.I)
# "unspecified", "undisclosed", "untouched": adjectives built on a participle, no verb at all.
_NEGATED_PARTICIPLE = re.compile(r"un[a-z]+ed", re.I)
# A future marker behind a past perfect or "previously" is a plan already past: "had been scheduled
# to expire at midnight Friday", "as previously planned Saturday night".
_PLAN_IN_THE_PAST = re.compile(r"\b(?:had(?:\s+been)?|previously|originally)\s+$", re.I)
_REPORTING_BEFORE = re.compile(
    r"\b(said|says|announced|reported|told|stated|confirmed|added|predicted|disclosed)\s+(on\s+)?$", re.I
)
# A clause ends at sentence punctuation, a semicolon, a colon, a quote or a line break; a comma is kept
# inside (", when he met Castro on Friday" belongs with its verb).
_CLAUSE_END = re.compile(r"[.!?;:\n\"\u201c\u201d]|(?:``|'')")
_REACH = 160


def _clause(body: str, start: int, end: int) -> tuple[int, int]:
    left = max(0, start - _REACH)
    for m in _CLAUSE_END.finditer(body, left, start):
        if not (m.group() == "." and _abbreviation(body, m.start())):
            left = m.end()
    right = min(len(body), end + _REACH)
    for m in _CLAUSE_END.finditer(body, end, right):
        if not (m.group() == "." and _abbreviation(body, m.start())):
            right = m.start()
            break
    return left, right


def _abbreviation(body: str, dot: int) -> bool:
    """A dot in "Oct. 23", "a.m.", "U.S." ends no clause."""
    before = body[max(0, dot - 4) : dot]
    return bool(re.search(r"(?:\b[A-Z][a-z]{1,3}|\b[a-zA-Z]|\.[a-zA-Z])$", before))


def _next_word(body: str, pos: int) -> int:
    while pos < len(body) and body[pos] == " ":
        pos += 1
    return pos


def tense(body: str, start: int, end: int) -> Tense | None:
    """Tense of the clause around ``body[start:end]``, from its nearest tense marker; None when it has none."""
    if _REPORTING_BEFORE.search(body[max(0, start - 25) : start]) or body.startswith(("'s ", "’s "), end):
        return "past"  # "said Friday": the saying; "Wednesday's ruling": an event already reported
    left, right = _clause(body, start, end)
    best: tuple[float, Tense] | None = None
    for m in _MARKER.finditer(body, left, right):
        if m.start() < end and m.end() > start:
            continue  # the expression's own words ("next Friday" decides itself)
        name: Tense = "future" if m.group("future") else "past"
        if name == "future" and _PLAN_IN_THE_PAST.search(body, max(left, m.start() - 20), m.start()):
            name = "past"
        if name == "past" and (
            m.group().lower() in _NOT_PAST
            or _FUTURE.match(body, _next_word(body, m.end()))
            or _NEGATED_PARTICIPLE.fullmatch(m.group())
            or _PASSIVE_BEFORE.search(body, max(left, m.start() - 20), m.start())
        ):
            continue  # "were planning to", "was expected to": the future marker decides; passives, adjectives
        # Words after the expression govern it less often than words before ("met Monday").
        distance = start - m.end() if m.end() <= start else 1.5 * (m.start() - end)
        if best is None or distance < best[0]:
            best = (distance, name)
    return best[1] if best else None
