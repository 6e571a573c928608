"""How sure a resolved date is: a 0-1 confidence from how the resolution was reached.

Used by ``dates.resolve`` on every expression, and kept in the index so a
search can prefer certain dates in its filters. The scale follows the kind of
reasoning, not a measured probability: written out in full (0.95); counted
from publication by the expression's own words ("yesterday", "last week":
0.85); looked up in a holiday table (0.85); a direction given by the clause's
tense (0.8) or, when the clause has none, by the news default (0.7);
anchored on an earlier mention of the story (0.7).
"""

from __future__ import annotations

_TENSE_KINDS = frozenset({"weekday", "month", "season", "quarter"})


def confidence(kind: str, resolution: str, future: bool | None) -> float | None:
    """0-1 confidence of a resolution; None when nothing was resolved.

    >>> confidence("iso", "absolute", None), confidence("weekday", "weekday_anchored", None)
    (0.95, 0.7)
    """
    if resolution == "unresolved":
        return None
    if resolution == "absolute":
        return 0.95 if kind not in ("duration", "set", "ner") else 0.85
    if resolution == "relative_to_mention":
        return 0.7
    if resolution == "calendar_table":
        return 0.85
    if kind in _TENSE_KINDS or resolution == "weekday_anchored":
        return 0.8 if future is not None else 0.7
    return 0.85 if kind in ("relative_day", "relative_unit", "ago", "unit_edge", "reference", "part_of_day") else 0.75
