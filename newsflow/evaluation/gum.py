"""Typed entity and canonical-name evaluation on GUM (WebAnno TSV 3.2, every mention annotated).

Reads the ``GUM_*.tsv`` files of a folder (GUM news and interviews, see the
README beside them). Each token line carries the stacked entity layers: type
(``person``, ``organization``, ``place``, ...) and identity (Wikipedia title
or ``_``), paired by the bracketed entity id (``person[3]`` / ``Kim_Jong-un[3]``;
single-token entities have no bracket and pair in order). The text is rebuilt
from the token offsets, one sentence per line, so mention offsets are exact.

Scores, for newsflow's enricher and for spaCy's raw output (PERSON / ORG /
GPE-LOC-FAC grouped by text) on the same texts:

* **typed entities**: per document, gold is the set of (type, identity) for
  person / organization / place entities with an identity. A predicted entity
  gets an identity by name (canonical name or a mention surface equal to the
  title, after normalisation) or else by its mentions: each mention goes to the
  gold mention with an identity that overlaps it best (Jaccard >= 0.5), the
  most frequent identity wins. A prediction with an identity is right when
  (its type, identity) is gold. A prediction without one is not scored when it
  overlaps a gold mention of its own type (a named thing with no Wikipedia
  page, which GUM cannot judge) and is wrong otherwise (a span that is no
  entity of that type: "Twitter" as a person). Precision / recall / F1 per type
  and micro over the three types.
* **canonical names**: splits = gold identities whose found mentions end under
  more than one predicted entity; merges = predicted entities holding
  mentions of two or more identities.

GUM types countries acting politically as organisations ("North Korea puts
military in ..."): such a country predicted as a place is a type error here,
which MEANTIME (LOC) would count right; read the two sets side by side.

    newsflow eval enrichment --dataset /work/shared/eval/enrichment/gum
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

TYPES = ("person", "organization", "place")
_SPACY_TYPES = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place"}
_MIN_JACCARD = 0.5
_ITEM = re.compile(r"^(.*?)(?:\[(\d+)\])?$")


@dataclass
class GoldMention:
    start: int
    end: int
    type: str
    identity: str | None


@dataclass
class GumDoc:
    name: str
    text: str
    mentions: list[GoldMention] = field(default_factory=list)

    def gold(self) -> set[tuple[str, str]]:
        return {(m.type, m.identity) for m in self.mentions if m.identity and m.type in TYPES}


@dataclass(frozen=True)
class PredEntity:
    type: str
    names: frozenset[str]
    spans: tuple[tuple[int, int], ...]


def normalise(name: str) -> str:
    name = re.sub(r"\s*\(.*?\)", "", unquote(name).replace("_", " ")).lower().replace("\u2019", "'")
    name = re.sub(r"\s*'s?$", "", name.strip())
    name = re.sub(r"^the\s+", "", name).replace(".", "")
    return " ".join(re.findall(r"\w+", name))


def _items(cell: str) -> list[tuple[str, str | None]]:
    if cell in ("_", ""):
        return []
    out: list[tuple[str, str | None]] = []
    for part in cell.split("|"):
        m = _ITEM.match(part)
        if m is None:  # the pattern takes any one line: only a cell broken over lines fails it
            raise ValueError(f"unreadable GUM annotation {part!r}")
        out.append((m.group(1), m.group(2)))
    return out


def load_document(path: Path) -> GumDoc:
    """Rebuild the text and the typed, identified mentions of one GUM TSV file."""
    tokens: list[tuple[int, int, str, bool]] = []  # start, end, text, first of its sentence
    open_: dict[str, list] = {}  # bracket id -> [start, end, type, identity]
    singles: list[list] = []
    new_sentence = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#Text="):
            new_sentence = True
            continue
        cols = line.split("\t")
        if len(cols) < 7 or "-" not in cols[1]:
            continue
        start, end = (int(x) for x in cols[1].split("-"))
        tokens.append((start, end, cols[2], new_sentence))
        new_sentence = False
        types, identities = _items(cols[3]), _items(cols[6])
        ids_by_bracket = {b: v for v, b in identities if b}
        plain_ids = [v for v, b in identities if not b]
        for type_, bracket in types:
            identity = ids_by_bracket.get(bracket) if bracket else (plain_ids.pop(0) if plain_ids else None)
            identity = None if identity in (None, "_", "") else identity
            if bracket:
                if bracket in open_:
                    open_[bracket][1] = end
                else:
                    open_[bracket] = [start, end, type_, identity]
            else:
                singles.append([start, end, type_, identity])
    size = max((t[1] for t in tokens), default=0)
    chars = [" "] * size
    for start, end, text, first in tokens:
        chars[start:end] = text[: end - start].ljust(end - start)
        if first and start:
            chars[start - 1] = "\n"
    mentions = [GoldMention(*m) for m in list(open_.values()) + singles]
    return GumDoc(path.stem, "".join(chars), mentions)


def load_dataset(folder: Path) -> list[GumDoc]:
    return [load_document(p) for p in sorted(folder.rglob("*.tsv"))]


def is_gum(folder: Path) -> bool:
    return any(folder.rglob("GUM_*.tsv"))


def _jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return inter / (max(a[1], b[1]) - min(a[0], b[0])) if inter else 0.0


def _mention_identity(span: tuple[int, int], doc: GumDoc) -> str | None:
    best, score = None, _MIN_JACCARD
    for g in doc.mentions:
        if g.identity and g.type in TYPES and (j := _jaccard(span, (g.start, g.end))) >= score:
            best, score = g.identity, j
    return best


def _identity(pred: PredEntity, doc: GumDoc, titles: dict[str, str]) -> str | None:
    for n in pred.names:
        if n in titles:
            return titles[n]
    votes = Counter(i for s in pred.spans if (i := _mention_identity(s, doc)))
    return votes.most_common(1)[0][0] if votes else None


def _overlaps_own_type(pred: PredEntity, doc: GumDoc) -> bool:
    return any(
        g.type == pred.type and _jaccard(s, (g.start, g.end)) >= _MIN_JACCARD for s in pred.spans for g in doc.mentions
    )


def score(docs: list[GumDoc], predictions: list[list[PredEntity]]) -> dict:
    """Typed P/R/F1 per type and micro, plus canonical-name splits and merges."""
    # predicted true / predicted / gold found / gold, per type
    tp_p: Counter[str] = Counter()
    n_p: Counter[str] = Counter()
    tp_g: Counter[str] = Counter()
    n_g: Counter[str] = Counter()
    splits = merges = identities_found = 0
    for doc, preds in zip(docs, predictions, strict=True):
        gold = doc.gold()
        titles = {normalise(i): i for _, i in gold}
        predicted: set[tuple[str, str]] = set()
        wrong: Counter = Counter()
        for p in preds:
            if p.type not in TYPES:
                continue
            identity = _identity(p, doc, titles)
            if identity:
                predicted.add((p.type, identity))
            elif not _overlaps_own_type(p, doc):
                wrong[p.type] += 1
        for t in TYPES:
            mine = {x for x in predicted if x[0] == t}
            n_p[t] += len(mine) + wrong[t]
            tp_p[t] += len(mine & gold)
            n_g[t] += sum(1 for x in gold if x[0] == t)
            tp_g[t] += len({x for x in gold if x[0] == t} & predicted)
        holders: dict[str, set[int]] = {}
        for k, p in enumerate(preds):
            ids = {i for s in p.spans if (i := _mention_identity(s, doc))}
            merges += len(ids) > 1
            for i in ids:
                holders.setdefault(i, set()).add(k)
        identities_found += len(holders)
        splits += sum(len(h) > 1 for h in holders.values())
    result: dict = {}
    for t in (*TYPES, "micro"):
        keys = TYPES if t == "micro" else (t,)
        precision = sum(tp_p[k] for k in keys) / max(1, sum(n_p[k] for k in keys))
        recall = sum(tp_g[k] for k in keys) / max(1, sum(n_g[k] for k in keys))
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[t] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}
    result["identities_found"] = identities_found
    result["splits"] = splits
    result["merges"] = merges
    return result


def _from_enriched(enriched) -> list[PredEntity]:
    return [
        PredEntity(
            e.type,
            frozenset({normalise(e.name)} | {normalise(m.text) for m in e.mentions}),
            tuple((m.start, m.end) for m in e.mentions),
        )
        for e in enriched.entities
    ]


def _spacy_as_is(nlp, texts: list[str]) -> list[list[PredEntity]]:
    out = []
    for doc in nlp.pipe(texts):
        groups: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for e in doc.ents:
            if e.label_ in _SPACY_TYPES:
                groups.setdefault((_SPACY_TYPES[e.label_], normalise(e.text)), []).append((e.start_char, e.end_char))
        out.append([PredEntity(t, frozenset({n}), tuple(s)) for (t, n), s in groups.items()])
    return out


def evaluate(folder: Path) -> dict:
    """Score newsflow's enricher and spaCy as-is on every GUM TSV under ``folder``."""
    from services.enricher.pipeline import Enricher
    from shared.models import Article

    docs = load_dataset(folder)
    enricher = Enricher()
    articles = [
        Article(
            article_id=f"gum-{i}",
            raw_id="0" * 64,
            position=0,
            source_format="text",
            title=d.text.split("\n", 1)[0],
            body=d.text,
        )
        for i, d in enumerate(docs)
    ]
    enriched = enricher.enrich_batch(articles)
    return {
        "documents": len(docs),
        "newsflow": score(docs, [_from_enriched(e) for e in enriched]),
        "spacy_as_is": score(docs, _spacy_as_is(enricher.nlp, [d.text for d in docs])),
    }


def print_report(result: dict, folder: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Typed entities on {result['documents']} GUM documents of {folder}")
    table.add_column("system")
    for t in (*TYPES, "micro"):
        table.add_column(f"{t} P/R/F1", justify="right")
    table.add_column("splits", justify="right")
    table.add_column("merges", justify="right")
    for system in ("newsflow", "spacy_as_is"):
        r = result[system]
        cells = [f"{r[t]['precision']:.3f}/{r[t]['recall']:.3f}/{r[t]['f1']:.3f}" for t in (*TYPES, "micro")]
        table.add_row(system, *cells, str(r["splits"]), str(r["merges"]))
    Console(width=max(Console().width, 140)).print(table)
