"""TimeML documents (TempEval-3's TBAQ-cleaned, TimeBank, AQUAINT) read as gold for date scoring.

Where data comes from: one ``.tml`` file per document, the text in ``<TEXT>``
with every temporal expression annotated inline as ``<TIMEX3 type value>``
(``<EVENT>``, ``<SIGNAL>`` tags are dropped, their words kept); the
publication date is the ``<DCT>``'s ``TIMEX3`` with
``functionInDocument="CREATION_TIME"``. Where it goes: ``GoldDoc`` objects of
``enrichment`` (no entities: TimeML annotates none), scored over the whole
document (``timex_scope_end`` = the text's length), since TimeML annotates
every sentence.

    >>> doc = parse_timeml('<TimeML><DCT><TIMEX3 tid="t0" type="DATE" value="1998-01-08" '
    ...     'functionInDocument="CREATION_TIME">19980108</TIMEX3></DCT><TEXT>It fell '
    ...     '<TIMEX3 tid="t1" type="DATE" value="1998-01-07">yesterday</TIMEX3>.</TEXT></TimeML>', "x")
    >>> doc.creation.date().isoformat(), [(doc.text[s:e], t, v) for s, e, t, v in doc.timexes]
    ('1998-01-08', [('yesterday', 'DATE', '1998-01-07')])
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from newsflow.evaluation.meantime import GoldDoc
from newsflow.evaluation.tempeval import Span, creation_time


def _walk(element: ElementTree.Element, parts: list[str], timexes: list[Span], position: int) -> int:
    """Append ``element``'s text (tags dropped) to ``parts``; record TIMEX3 offsets; return the new position."""
    start = position
    if element.text:
        parts.append(element.text)
        position += len(element.text)
    for child in element:
        position = _walk(child, parts, timexes, position)
        if child.tail:
            parts.append(child.tail)
            position += len(child.tail)
    if element.tag == "TIMEX3":
        # TimeML extents never start or end with a space, but be safe: score the words.
        text = "".join(parts)[start:position]
        lead, trail = len(text) - len(text.lstrip()), len(text) - len(text.rstrip())
        timexes.append((start + lead, position - trail, element.get("type") or "", element.get("value") or ""))
    return position


def parse_timeml(xml: str, name: str) -> GoldDoc:
    """One TimeML document; raises ``ValueError`` (with the reason) when it cannot be used as gold."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise ValueError(f"not well-formed XML: {exc}") from exc
    body = root.find("TEXT")
    if body is None:
        raise ValueError("no <TEXT> element")
    parts: list[str] = []
    timexes: list[Span] = []
    _walk(body, parts, timexes, 0)
    text = "".join(parts)
    creation = None
    for tx in root.iter("TIMEX3"):
        if tx.get("functionInDocument") == "CREATION_TIME":
            creation = creation_time(tx.get("value") or "")
            break
    timexes.sort()
    return GoldDoc(name, text, creation, None, len(text), [], timexes)


def load_document(path: Path) -> GoldDoc:
    return parse_timeml(path.read_text(encoding="utf-8"), path.stem)
