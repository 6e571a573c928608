"""One article as the API and the page show it: the stored document, with its entities' mentions.

The index keeps, per entity, its canonical name, count and first offset in the
body (``entities``), and per resolved date its text, value, grain, resolution
and offsets (``dates``). ``article_detail`` adds ``mentions`` to each entity:
every place in the body where its canonical name occurs as whole words, found
at read time (the index stores no mention list; the first mention, from the
enricher, is always included even when its text differs from the name).

    >>> doc = {"article_id": "a1", "body": "Kim met Moon. Later Kim left.",
    ...        "entities": [{"type": "person", "name": "Kim", "count": 2, "first_offset": 0}]}
    >>> article_detail(doc)["entities"][0]["mentions"]
    [{'start': 0, 'end': 3, 'text': 'Kim'}, {'start': 20, 'end': 23, 'text': 'Kim'}]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

HIDDEN_FIELDS = ("parsed",)  # the parser's input kept for reprocessing, not for readers


def _mentions(body: str, name: str, first_offset: int | None) -> list[dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    if name:
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", body):
            found[match.start()] = {"start": match.start(), "end": match.end(), "text": match.group(0)}
    if first_offset is not None and 0 <= first_offset < len(body) and first_offset not in found:
        covered = any(m["start"] <= first_offset < m["end"] for m in found.values())
        if not covered:
            end = first_offset + len(name)
            found[first_offset] = {"start": first_offset, "end": end, "text": body[first_offset:end]}
    return [found[k] for k in sorted(found)]


def article_detail(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The document less ``HIDDEN_FIELDS``, each entity with its ``mentions`` in the body."""
    body = doc.get("body") or ""
    detail = {k: v for k, v in doc.items() if k not in HIDDEN_FIELDS}
    detail["entities"] = [
        {**entity, "mentions": _mentions(body, entity.get("name", ""), entity.get("first_offset"))}
        for entity in doc.get("entities") or []
    ]
    return detail
