"""Temporal expressions scored the TempEval-3 way (SemEval-2013 Task 1), overall and per TIMEX3 type.

Input: per document, gold ``(start, end, TYPE, value)`` and predicted
``(start, end, type, value)`` within the scored part of the text. Gold and
predictions are paired one to one, largest overlap first:

* **strict** extent: a pair with exactly the same characters;
* **relaxed** extent: any overlap. Precision = paired predictions / predictions,
  recall = paired gold / gold;
* **type / value accuracy**: the share of relaxed pairs whose TIMEX3 type /
  normalised value equals the gold one; **value F1** = relaxed F1 x value
  accuracy (TempEval-3's headline attribute figure).

Per type (DATE, TIME, DURATION, SET) the pairing is the overall one: recall
counts the gold of that type, precision the predictions of that type, and the
accuracies the pairs whose gold has that type; so a DURATION read as a DATE
shows as a DURATION type error and a DATE false positive.

    >>> gold = [[(0, 6, "DATE", "2025-06-02"), (10, 17, "DURATION", "P3Y")]]
    >>> pred = [[(0, 6, "date", "2025-06-02"), (10, 14, "date", "2025")]]
    >>> s = score(gold, pred)["overall"]
    >>> s["strict_f1"], s["relaxed_f1"], s["type_accuracy"], s["value_f1"]
    (0.5, 1.0, 0.5, 0.5)
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

TYPES = ("DATE", "TIME", "DURATION", "SET")
Span = tuple[int, int, str, str | None]

_ISO_DAY = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:$|T)")


def creation_time(value: str) -> datetime:
    """A document's creation time (TIMEX3 value, ``1998-01-08``, ``19980108``, ``1998-01-08T10:00``) as UTC.

    Raises ``ValueError`` naming the value when it is no ISO day (``03-02-2009``
    could be March or February: guessing would score every relative date of the
    document against a wrong reference).
    """
    m = _ISO_DAY.match(value.strip())
    if not m:
        raise ValueError(f"creation time {value!r} is not an ISO date (YYYY-MM-DD)")
    try:
        return datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=UTC)
    except ValueError as exc:
        raise ValueError(f"creation time {value!r} is not a calendar day: {exc}") from exc


def _pairs(gold: list[Span], pred: list[Span]) -> list[tuple[int, int]]:
    """One-to-one (gold index, prediction index) pairs of overlapping extents, largest overlap first."""
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            overlap = min(g[1], p[1]) - max(g[0], p[0])
            if overlap > 0:
                candidates.append((-overlap, i, j))
    candidates.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, i, j in candidates:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            out.append((i, j))
    return out


def _same_value(gold: str | None, pred: str | None) -> bool:
    return pred is not None and gold is not None and gold.strip().upper() == pred.strip().upper()


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


class _Counts:
    def __init__(self) -> None:
        self.gold = self.pred = self.strict_g = self.strict_p = self.relaxed_g = self.relaxed_p = 0
        self.pairs = self.type_ok = self.value_ok = 0

    def result(self) -> dict[str, float | int]:
        def ratio(a: int, b: int) -> float:
            return a / b if b else 0.0

        sp, sr = ratio(self.strict_p, self.pred), ratio(self.strict_g, self.gold)
        rp, rr = ratio(self.relaxed_p, self.pred), ratio(self.relaxed_g, self.gold)
        type_acc, value_acc = ratio(self.type_ok, self.pairs), ratio(self.value_ok, self.pairs)
        out = {
            "strict_p": sp,
            "strict_r": sr,
            "strict_f1": _f1(sp, sr),
            "relaxed_p": rp,
            "relaxed_r": rr,
            "relaxed_f1": _f1(rp, rr),
            "type_accuracy": type_acc,
            "value_accuracy": value_acc,
            "value_f1": _f1(rp, rr) * value_acc,
        }
        return {**{k: round(v, 4) for k, v in out.items()}, "gold": self.gold, "predicted": self.pred}


def score(gold_docs: list[list[Span]], pred_docs: list[list[Span]]) -> dict[str, dict]:
    """TempEval-3 figures: ``{"overall": {...}, "DATE": {...}, "TIME": ..., "DURATION": ..., "SET": ...}``."""
    counts = {name: _Counts() for name in ("overall", *TYPES)}
    for gold, pred in zip(gold_docs, pred_docs, strict=True):
        gold_types = [g[2].upper() for g in gold]
        pred_types = [p[2].upper() for p in pred]
        for t in gold_types:
            counts["overall"].gold += 1
            if t in counts:
                counts[t].gold += 1
        for t in pred_types:
            counts["overall"].pred += 1
            if t in counts:
                counts[t].pred += 1
        for i, j in _pairs(gold, pred):
            g, p = gold[i], pred[j]
            strict = g[0] == p[0] and g[1] == p[1]
            for name in ("overall", gold_types[i]):
                if name in counts:
                    c = counts[name]
                    c.relaxed_g += 1
                    c.strict_g += strict
                    c.pairs += 1
                    c.type_ok += gold_types[i] == pred_types[j]
                    c.value_ok += _same_value(g[3], p[3])
            for name in ("overall", pred_types[j]):
                if name in counts:
                    counts[name].relaxed_p += 1
                    counts[name].strict_p += strict
    return {name: c.result() for name, c in counts.items()}


_COLUMNS = {
    "strict_f1": "strict F1",
    "relaxed_p": "relaxed P",
    "relaxed_r": "relaxed R",
    "relaxed_f1": "relaxed F1",
    "type_accuracy": "type acc",
    "value_accuracy": "value acc",
    "value_f1": "value F1",
}


def table(title: str, by_system: dict[str, dict[str, dict]]):
    """A rich table: one row per system and type (overall first), TempEval-3 columns."""
    from rich.table import Table

    out = Table(title=title)
    for header in ("system", "type", "gold", "pred", *_COLUMNS.values()):
        out.add_column(header, justify="left" if header in ("system", "type") else "right")
    for system, figures in by_system.items():
        for name in ("overall", *TYPES):
            row = figures[name]
            out.add_row(system, name, str(row["gold"]), str(row["predicted"]), *(f"{row[k]:.3f}" for k in _COLUMNS))
    return out
