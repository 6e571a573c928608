"""MEANTIME reader for ``newsflow eval enrichment``: gold entities and time expressions per article.

Where data comes from: MEANTIME-format XML files (``<token>`` elements, ``ENTITY_MENTION`` /
``ENTITY`` / ``REFERS_TO`` and ``TIMEX3`` annotations), and TimeML ``.tml`` files through
``timeml.py``. Where it goes: ``GoldDoc`` objects that ``enrichment.py`` scores both systems on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree

import typer

from newsflow.evaluation import tempeval

_GOLD_ENTITY_TYPES = {"PER", "ORG", "LOC"}
# MEANTIME annotates time expressions only in the title, the date line and the
# first four sentences of the body (sentences 0-5); predictions further on can
# be neither right nor wrong, so date scores cover that scope only.
_TIMEX_SENTENCES = 6


@dataclass
class GoldDoc:
    name: str
    text: str
    creation: datetime | None  # None: the file marks no creation time; systems get no reference
    creation_span: tuple[int, int] | None
    timex_scope_end: int  # char offset where the annotated sentences end
    entities: list[tuple[set[str], list[tuple[int, int]]]] = field(default_factory=list)  # names, NAM spans
    timexes: list[tempeval.Span] = field(default_factory=list)  # start, end, type, value (None: not given)


def _attr(element: ElementTree.Element, name: str) -> str:
    """An attribute the MEANTIME schema requires (a file without it is not one we can score)."""
    value = element.get(name)
    if value is None:
        raise ValueError(f"a <{element.tag}> element has no {name!r} attribute")
    return value


def _child(element: ElementTree.Element, tag: str) -> ElementTree.Element:
    """A child element the MEANTIME schema requires."""
    child = element.find(tag)
    if child is None:
        raise ValueError(f"a <{element.tag}> element has no <{tag}>")
    return child


def normalise(name: str) -> str:
    name = name.lower().replace("\u2019", "'")
    name = re.sub(r"\s*'s?$", "", name.strip())
    name = re.sub(r"^the\s+", "", name)
    name = name.replace(".", "")
    return " ".join(re.findall(r"\w+", name))


def load_document(path: Path) -> GoldDoc:
    root = ElementTree.parse(path).getroot()
    parts: list[str] = []
    offsets: dict[str, tuple[int, int]] = {}
    position, sentence, scope_end = 0, None, None
    for token in root.iter("token"):
        if scope_end is None and int(_attr(token, "sentence")) >= _TIMEX_SENTENCES:
            scope_end = position
        if sentence is not None:
            sep = " " if token.get("sentence") == sentence else "\n"
            parts.append(sep)
            position += 1
        sentence = token.get("sentence")
        text = token.text or ""
        offsets[_attr(token, "t_id")] = (position, position + len(text))
        parts.append(text)
        position += len(text)
    text = "".join(parts)
    scope_end = len(text) if scope_end is None else scope_end

    def extent(element: ElementTree.Element) -> tuple[int, int] | None:
        ids = [_attr(a, "t_id") for a in element.iter("token_anchor")]
        if not ids:
            return None
        return min(offsets[i][0] for i in ids), max(offsets[i][1] for i in ids)

    markables = _child(root, "Markables")
    mentions = {m.get("m_id"): m for m in markables.iter("ENTITY_MENTION")}
    entities = {e.get("m_id"): e for e in markables.iter("ENTITY")}
    names: dict[str, set[str]] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    for rel in root.iter("REFERS_TO"):
        target = _attr(_child(rel, "target"), "m_id")
        if target not in entities or entities[target].get("ent_type") not in _GOLD_ENTITY_TYPES:
            continue
        for source in rel.iter("source"):
            mention = mentions.get(source.get("m_id"))
            if mention is not None and mention.get("syntactic_type") == "NAM" and (span := extent(mention)):
                names.setdefault(target, set()).add(normalise(text[span[0] : span[1]]))
                spans.setdefault(target, []).append(span)
    creation, creation_span = None, None
    timexes: list[tempeval.Span] = []
    for tx in markables.iter("TIMEX3"):
        span = extent(tx)
        if tx.get("functionInDocument") == "CREATION_TIME":
            creation = tempeval.creation_time(tx.get("value") or "")
            creation_span = span
        elif span:
            timexes.append((span[0], span[1], _attr(tx, "type"), tx.get("value")))
    for k in names:  # the annotators' canonical forms count as names too
        names[k] |= _canonical_forms(entities[k])
    gold_entities = [(n - {""}, spans[k]) for k, n in names.items()]
    return GoldDoc(path.stem, text, creation, creation_span, scope_end, gold_entities, timexes)


def _canonical_forms(entity) -> set[str]:
    """DBpedia title and descriptor of a gold entity: "Toulouse", "Royal Air Force", "RAF"."""
    forms = set()
    ref = entity.get("external_ref") or ""
    if "dbpedia.org/" in ref:
        title = unquote(ref.rsplit("/", 1)[-1]).replace("_", " ")
        # DBpedia qualifiers: "Ministry of Defence (United Kingdom)", "Cupertino, California".
        forms.add(re.sub(r"\s*\(.*?\)|,.*$", "", title))
    descriptor = entity.get("TAG_DESCRIPTOR") or ""
    forms.add(re.sub(r"\s*\(.*?\)", "", descriptor))
    forms.update(re.findall(r"\(([^)]*)\)", descriptor))
    return {normalise(f) for f in forms}


def load_dataset(dataset: Path, skipped: list[dict] | None = None) -> list[GoldDoc]:
    """Every MEANTIME ``.xml`` and TimeML ``.tml`` file under ``dataset``.

    A file that cannot be used as gold (malformed XML, a creation time such as
    ``03-02-2009``) is left out and appended to ``skipped`` as ``{"file", "reason"}``.
    """
    from newsflow.evaluation import timeml

    files = sorted([*dataset.rglob("*.xml"), *dataset.rglob("*.tml")])
    if not files:
        raise typer.BadParameter(f"no MEANTIME .xml or TimeML .tml files under {dataset}")
    docs = []
    for f in files:
        try:
            docs.append(timeml.load_document(f) if f.suffix == ".tml" else load_document(f))
        except (ValueError, KeyError, AttributeError, TypeError, ElementTree.ParseError) as exc:
            if skipped is None:
                raise
            skipped.append({"file": str(f), "reason": f"{type(exc).__name__}: {exc}"})
    if not docs:
        raise typer.BadParameter(
            f"no usable gold file under {dataset}: " + "; ".join(s["reason"] for s in skipped or [])
        )
    return docs
