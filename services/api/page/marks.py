"""The article's text with its people, organisations, places and dates marked.

Input: the article detail the search core returns (``body``, ``entities`` with
their mentions' offsets, ``dates`` with ``start_offset``/``end_offset`` and how
each was resolved). Output: a list of segments, plain text or a mark, that the
article template renders; Jinja2 escapes every piece of text, so the body can
never inject markup.

When an entity comes without mention offsets (documents indexed before the
core returned them), its canonical name and the mention texts it has are found
in the body as whole words, so the page still marks what it can.

    >>> segs = segments("Kim met Moon on Monday.", [
    ...     Span(0, 3, "person", "Kim Jong Un"), Span(16, 22, "date", "2025-06-02")])
    >>> [(s.kind, s.text) for s in segs]
    [('person', 'Kim'), (None, ' met Moon on '), ('date', 'Monday'), (None, '.')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

KINDS = {"person": "person", "organization": "org", "place": "place", "group": "group"}
RESOLUTION_WORDS = {
    "absolute": "written as a full date",
    "relative_to_publication": "counted from the publication date",
    "relative_to_fetch": "counted from the day the page was fetched",
    "weekday_anchored": "the weekday nearest the publication date",
    "inferred": "inferred from the surrounding dates",
    "unresolved": "could not be resolved",
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # person / org / place / group / date
    name: str  # canonical entity name, or the resolved date value
    info: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Segment:
    text: str
    kind: str | None = None
    name: str = ""
    info: Mapping[str, Any] = field(default_factory=dict)


def segments(body: str, spans: Iterable[Span]) -> list[Segment]:
    """Split ``body`` at the spans; where two overlap, the earlier (then the longer) wins."""
    out: list[Segment] = []
    at = 0
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if span.start < at or span.end <= span.start or span.end > len(body):
            continue
        if span.start > at:
            out.append(Segment(body[at : span.start]))
        out.append(Segment(body[span.start : span.end], span.kind, span.name, span.info))
        at = span.end
    if at < len(body):
        out.append(Segment(body[at:]))
    return out


def _find_all(body: str, texts: Iterable[str]) -> list[tuple[int, int]]:
    found = []
    for text in {t for t in texts if t and len(t) > 1}:
        for match in re.finditer(rf"(?<!\w){re.escape(text)}(?!\w)", body):
            found.append((match.start(), match.end()))
    return found


def entity_spans(body: str, entities: Iterable[Mapping[str, Any]]) -> list[Span]:
    spans = []
    for entity in entities:
        kind = KINDS.get(entity.get("type", ""))
        if kind is None:
            continue
        name = entity.get("name", "")
        mentions = entity.get("mentions") or []
        offsets = [(m["start"], m["end"]) for m in mentions if "start" in m and "end" in m]
        if not offsets:
            offsets = _find_all(body, [name, *(m.get("text", "") for m in mentions)])
        spans += [Span(start, _word_end(body, end), kind, name) for start, end in offsets]
    return spans


def _word_end(body: str, end: int) -> int:
    """A mark never ends inside a word: an offset guessed from a name's length ("Turkey" over
    "Turkiye") would otherwise mark half a word."""
    while 0 < end < len(body) and body[end - 1].isalnum() and body[end].isalnum():
        end += 1
    return end


def describe_date(date: Mapping[str, Any]) -> str:
    """'2025-06-02 (day), the weekday nearest the publication date' for a date's hover text."""
    value = date.get("value") or "no calendar value"
    grain = f" ({date['grain']})" if date.get("grain") else ""
    start, end = date.get("range_start"), date.get("range_end")
    period = f", {start} to {end}" if start and end and start != end else ""
    how = RESOLUTION_WORDS.get(date.get("resolution", ""), date.get("resolution") or "")
    return f"{value}{grain}{period}, {how}" if how else f"{value}{grain}{period}"


def date_spans(dates: Iterable[Mapping[str, Any]]) -> list[Span]:
    spans = []
    for d in dates:
        start, end = d.get("start_offset", d.get("start")), d.get("end_offset", d.get("end"))
        if isinstance(start, int) and isinstance(end, int):
            spans.append(Span(start, end, "date", d.get("value") or "", {"title": describe_date(d), **d}))
    return spans


def marked_body(article: Mapping[str, Any]) -> list[Segment]:
    body = article.get("body") or ""
    return segments(body, [*date_spans(article.get("dates") or []), *entity_spans(body, article.get("entities") or [])])
