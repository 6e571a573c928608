"""Where the date rules need to run: windows of an article body around anchor words.

Used by ``dates.scan``. Every match of a rule with an anchor contains an
anchor hit (a month name's prefix, "day", a four-digit number, a unit word...)
at most a few words from the match's ends, so the rule only runs on windows
around the hits instead of over every character of the body: months,
weekdays and unit words occur a few times per article, and running each rule
over the whole body was most of the scanning time. The result is exactly the
whole-body scan's (tests compare both, on bodies with line breaks, long gaps
and odd-case characters).

    >>> import re
    >>> body = "Talks went on. " * 20 + "They met on Monday."
    >>> windows = anchor_windows(body, body.lower())
    >>> weekday = re.compile("Monday")
    >>> [m.group() for m in matches(weekday, body, windows["weekday"])], windows["season"]
    (['Monday'], [])
"""

from __future__ import annotations

import re

# Cased rules have a cased anchor; the anchor words of the case-insensitive
# rules are found by substring search in the lower-cased body. Keys are the
# rule kinds of ``date_patterns.PATTERNS`` (and "duration" for ``dates._UNIT_WORD``).
_MONTH_ANCHOR = re.compile(r"[JFMASOND](?:an|eb|ar|pr|ay|un|ul|ug|ep|ct|ov|ec)")  # every month name's prefix
_FOUR_DIGITS = re.compile(r"\d{4}")  # years and ISO dates
_CASED_ANCHORS: dict[str, re.Pattern | str] = {  # a pattern, or a literal found by substring search
    "month_day": _MONTH_ANCHOR,
    "day_month": _MONTH_ANCHOR,
    "month_year": _MONTH_ANCHOR,
    "month": _MONTH_ANCHOR,
    "weekday": "day",
    "iso": _FOUR_DIGITS,
    "year_range": _FOUR_DIGITS,
    "year": _FOUR_DIGITS,
    "numeric": "/",
    "decade": "0s",
}
_ANCHOR_WORDS = {
    "season": ("spring", "summer", "fall", "autumn", "winter"),
    "quarter": ("quarter", "q1", "q2", "q3", "q4"),
    "relative_day": ("today", "yesterday", "tomorrow"),
    "part_of_day": ("morning", "afternoon", "evening", "night"),
    "unit_edge": ("year", "month", "week"),
    "relative_unit": ("week", "month", "year", "quarter", "decade", "centur"),
    "duration": ("second", "minute", "hour", "day", "week", "month", "year", "decade", "centur"),  # _UNIT_WORD
    "reference": ("now", "currently", "recently", "these days"),
    # The kinds of ``date_kinds``.
    "anaphoric": (
        "year",
        "quarter",
        "period",
        "month",
        "week",
        "day",
        "session",
        "morning",
        "afternoon",
        "evening",
        "night",
    ),
    "year_ago": ("year-", "year's"),
    "holiday": (
        "thanksgiving",
        "christmas",
        "new year",
        "easter",
        "good friday",
        "memorial",
        "labor day",
        "independence",
        "columbus",
        "veterans",
        "election day",
        "king",
        "presidents",
        "valentine",
        "halloween",
        "black monday",
    ),
    "set": ("day", "week", "month", "year", "quarter", "morning", "night", "evening", "daily", "hourly")
    + ("each ", "every "),
    "day_time": ("noon", "midday", "midnight", "overnight", "afternoon", "morning"),
    "future_ref": ("future", "term", "past"),
    "ordinal_century": ("centur",),
    "spelled_year": ("nineteen", "thousand"),
    "year_end": ("year",),
    "half": ("half", "two quarters"),
    "story_day": ("day",),
}
_EVERY_ANCHOR_WORD = frozenset(word for words in _ANCHOR_WORDS.values() for word in words)
_WORD_ANCHOR_ANY_CASE = {kind: re.compile("|".join(words), re.I) for kind, words in _ANCHOR_WORDS.items()}
# The only characters that match an ASCII letter under re.I without being one
# (or lower-case to a different length); a body without them can be matched
# case-insensitively by searching its lower-cased copy.
_ODD_CASE = ("\u0130", "\u0131", "\u017f", "\u212a")
# Words a window spans on each side of an anchor hit; the longest rule match
# ("Monday, ( 5th of June , 2025 )", "the beginning of the year") spans five.
_WINDOW_WORDS = 8


def _window_left(body: str, start: int) -> int:
    reach = 64
    while (left := max(0, start - reach)) and len(body[left:start].split()) < _WINDOW_WORDS + 2:
        reach *= 4
    return left


def _window_right(body: str, end: int) -> int:
    reach = 64
    while (right := min(len(body), end + reach)) < len(body) and len(body[end:right].split()) < _WINDOW_WORDS + 2:
        reach *= 4
    return right


def _windows(body: str, hits: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Disjoint [left, right) spans holding every hit with ``_WINDOW_WORDS`` whole words (or the edge) on each side.

    Hits at most 128 characters apart form a group (their own windows, at
    least 64 characters on each side, would overlap anyway) whose window has
    the words before its first hit and after its last, hence around every hit
    of it: the word counting runs once per group rather than once per hit.
    """
    groups: list[list[int]] = []
    for start, end in sorted(hits):
        if groups and start - groups[-1][1] <= 128:
            groups[-1][1] = max(groups[-1][1], end)
        else:
            groups.append([start, end])
    windows: list[list[int]] = []
    for start, end in groups:
        left, right = _window_left(body, start), _window_right(body, end)
        if windows and left <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], right)
        else:
            windows.append([left, right])
    return [(left, right) for left, right in windows]


def _find_all(text: str, word: str) -> list[tuple[int, int]]:
    """Every occurrence of ``word`` (a C-speed substring search per occurrence)."""
    spans = []
    pos = text.find(word)
    while pos >= 0:
        spans.append((pos, pos + len(word)))
        pos = text.find(word, pos + 1)
    return spans


def anchor_windows(body: str, lowered: str) -> dict[str, list[tuple[int, int]]]:
    """Rule kind -> windows of ``body`` where its matches can be (kinds without an anchor absent)."""
    hits: dict[str, list[tuple[int, int]]] = {}
    by_anchor: dict[re.Pattern | str, list[tuple[int, int]]] = {}
    for kind, anchor in _CASED_ANCHORS.items():
        if anchor not in by_anchor:
            by_anchor[anchor] = (
                _find_all(body, anchor) if isinstance(anchor, str) else [m.span() for m in anchor.finditer(body)]
            )
        hits[kind] = by_anchor[anchor]
    if len(lowered) == len(body) and not any(c in body for c in _ODD_CASE):
        by_word = {word: _find_all(lowered, word) for word in _EVERY_ANCHOR_WORD}
        for kind, words in _ANCHOR_WORDS.items():
            hits[kind] = [span for word in words for span in by_word[word]]
    else:
        for kind, anchor in _WORD_ANCHOR_ANY_CASE.items():
            hits[kind] = [m.span() for m in anchor.finditer(body)]
    by_hits: dict[int, list[tuple[int, int]]] = {}  # rules sharing an anchor share its windows
    return {
        kind: by_hits.get(id(spans)) or by_hits.setdefault(id(spans), _windows(body, spans))
        for kind, spans in hits.items()
    }


def matches(pattern: re.Pattern, body: str, windows: list[tuple[int, int]] | None):
    """``pattern.finditer(body)``, run only on ``windows`` when given.

    Same matches as the whole-body scan: each match lies inside one window with
    words to spare on both sides, so its lookarounds see the same text, and
    merged windows never cut a match.
    """
    if windows is None:
        yield from pattern.finditer(body)
        return
    for left, right in windows:
        yield from pattern.finditer(body, left, right)
