"""Enrichment benchmark: newsflow's enricher against a naive spaCy + dateparser baseline.

Reads (``meantime.py``) any folder of MEANTIME-format XML files (NewsReader MEANTIME corpus:
``<token>`` elements, ``ENTITY_MENTION`` / ``ENTITY`` / ``REFERS_TO`` and
``TIMEX3`` annotations) and scores both systems in the same run:

* **Text**: tokens joined by spaces, one sentence per line; the TIMEX3 with
  ``functionInDocument="CREATION_TIME"`` is the publication date (given to both
  systems as the reference) and is neither gold nor counted when predicted. A
  file without one gives the systems no reference (newsflow then infers the
  publication date from the text; the baseline resolves against today).
* **Entities**: per article, the gold set is every PER / ORG / LOC entity with
  at least one NAM (proper-name) mention; a predicted entity matches a gold one
  when one of its names (canonical name or any mention surface) equals one of
  the gold entity's names after normalisation (case, dots, leading "the",
  possessive); a gold entity's names are its NAM surfaces plus the
  annotators' canonical forms (DBpedia title, descriptor). Micro precision /
  recall / F1 over all articles. MEANTIME does not annotate every entity, so
  precision is a lower bound. ``entity_*_overlap`` also accept a mention
  overlapping a gold name mention (lenient, for MEANTIME's long extents such
  as "Toulouse, France").
* **Dates**: scored on the part MEANTIME annotates for time (title, date line
  and first four body sentences); extent precision / recall / F1 by overlap
  with gold TIMEX3 of any type; value accuracy = share of extent-matched
  DATE-type gold expressions whose value equals the best-overlapping
  prediction's; value F1 = DATE extent F1 x value accuracy (TempEval-3 style).
* **Speed**: documents per second of newsflow's enricher and of raw spaCy
  NER-only on the same texts (model run, entities read), so the enricher's
  overhead over NER is visible; and of the baseline. Rates are per second of
  the process's CPU time, not wall time: on a shared machine another process
  taking the CPU would otherwise count against whichever system was running.
  After a warm-up, every chunk of ten documents is run by NER-only and by
  newsflow in turn, seven rounds; each chunk's best time per system counts.
  Alternating chunk by chunk (a fraction of a second each) exposes both
  systems to the same machine load, and the per-chunk best drops the rounds a
  burst of load hit, so the ratio is stable even while other work runs.

Baseline: spaCy entities as-is (every label), ``dateparser.search.search_dates``
with the creation time as relative base, values as calendar days.

    newsflow eval enrichment --dataset /path/to/meantime [--json]

A folder of GUM TSV files is scored by ``gum.py`` instead (typed entities, canonical names).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import typer

from newsflow.evaluation import tempeval
from newsflow.evaluation.meantime import GoldDoc, load_dataset, normalise

_SPEED_ROUNDS = 7
_SPEED_CHUNK_DOCS = 10


@dataclass(frozen=True)
class Prediction:
    entities: list[tuple[set[str], list[tuple[int, int]]]]  # names, mention spans
    dates: list[tuple[int, int, str, str | None]]  # start, end, "date"/"time"/..., value


def _timed(run: Callable[[], list], n_docs: int) -> tuple[list, float]:
    """(result, documents per CPU second): time spent by other processes does not count."""
    start = time.process_time()
    result = run()
    elapsed = time.process_time() - start
    return result, n_docs / elapsed if elapsed > 0 else float("inf")


def _interleaved_rates(
    runs: dict[str, Callable[[slice], list]],
    n_docs: int,
    rounds: int = _SPEED_ROUNDS,
    chunk: int = _SPEED_CHUNK_DOCS,
) -> tuple[dict[str, float], dict[str, list]]:
    """Documents per CPU second of each run, and each run's outputs (from its last round, in document order).

    ``runs[name](part)`` processes the documents ``part`` (a slice). Every chunk
    is run by each run in turn, ``rounds`` times; a run's rate is ``n_docs``
    over the sum of its best time per chunk.
    """
    parts = [slice(i, min(i + chunk, n_docs)) for i in range(0, n_docs, chunk)]
    best = {name: [float("inf")] * len(parts) for name in runs}
    outputs: dict[str, list] = {name: [[] for _ in parts] for name in runs}
    for _ in range(rounds):
        for c, part in enumerate(parts):
            for name, run in runs.items():
                start = time.process_time()
                outputs[name][c] = run(part)
                best[name][c] = min(best[name][c], time.process_time() - start)
    rates = {name: (n_docs / sum(times) if sum(times) > 0 else float("inf")) for name, times in best.items()}
    return rates, {name: [x for out in outs for x in out] for name, outs in outputs.items()}


def _ner_only(nlp, texts: list[str]) -> list:
    """The reference for overhead: run the model and read its entities, nothing else."""
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in nlp.pipe(texts)]


def _newsflow(enricher, docs: list[GoldDoc]) -> Callable[[slice], list]:
    """The timed part, for the documents of a slice: enrichment only (``_newsflow_predictions`` converts afterwards)."""
    from shared.models import Article, PageDate

    articles = [
        Article(
            article_id=f"meantime-{i}",
            raw_id="0" * 64,
            position=0,
            source_format="text",
            title=d.text.split("\n", 1)[0],
            body=d.text,
            published=(
                PageDate(text=d.creation.date().isoformat(), value=d.creation, origin="meta") if d.creation else None
            ),
        )
        for i, d in enumerate(docs)
    ]
    return lambda part: enricher.enrich_batch(articles[part])


def _newsflow_predictions(enriched_articles: list) -> list[Prediction]:
    out = []
    for enriched in enriched_articles:
        ents = [
            ({normalise(e.name)} | {normalise(m.text) for m in e.mentions}, [(m.start, m.end) for m in e.mentions])
            for e in enriched.entities
        ]
        dates = [(x.start, x.end, x.type, x.value) for x in enriched.dates]
        out.append(Prediction(ents, dates))
    return out


def _baseline(nlp, docs: list[GoldDoc]) -> Callable[[], list[Prediction]]:
    from dateparser.search import search_dates

    def run() -> list[Prediction]:
        out = []
        for doc, d in zip(nlp.pipe([d.text for d in docs]), docs, strict=True):
            by_name: dict[str, list[tuple[int, int]]] = {}
            for e in doc.ents:
                by_name.setdefault(normalise(e.text), []).append((e.start_char, e.end_char))
            ents = [({n}, found) for n, found in by_name.items() if n]
            base = {"RELATIVE_BASE": d.creation.replace(tzinfo=None)} if d.creation else {}
            found = search_dates(d.text, languages=["en"], settings=base) or []
            dates, cursor = [], 0
            for substring, value in found:
                start = d.text.find(substring, cursor)
                if start < 0:
                    continue
                cursor = start + len(substring)
                dates.append((start, cursor, "date", value.date().isoformat()))
            out.append(Prediction(ents, dates))
        return out

    return run


def _prf(tp_p: int, n_p: int, tp_g: int, n_g: int) -> tuple[float, float, float]:
    p = tp_p / n_p if n_p else 0.0
    r = tp_g / n_g if n_g else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _same_name(pred: tuple[set[str], list], gold: tuple[set[str], list]) -> bool:
    """Same name after normalisation (surface, DBpedia title or descriptor)."""
    return not pred[0].isdisjoint(gold[0])


def _same_or_overlapping(pred: tuple[set[str], list], gold: tuple[set[str], list]) -> bool:
    """Lenient: same name, or a mention overlapping a gold name mention.

    Accepts MEANTIME's long name extents ("Toulouse, France", "Ryanair CEO
    Michael O'Leary"), at the price of also crediting "France" there.
    """
    return _same_name(pred, gold) or any(_overlap(p, g) for p in pred[1] for g in gold[1])


def score(docs: list[GoldDoc], predictions: list[Prediction]) -> dict:
    ent = [0, 0, 0, 0]  # matched predicted, predicted, matched gold, gold
    lenient = [0, 0, 0, 0]
    ext = [0, 0, 0, 0]
    dext = [0, 0, 0, 0]
    values = [0, 0]  # correct, matched DATE gold
    scoped: list[list] = []  # predictions in each document's annotated part, for the TempEval-3 figures
    for doc, pred in zip(docs, predictions, strict=True):
        for counts, same in ((ent, _same_name), (lenient, _same_or_overlapping)):
            counts[1] += len(pred.entities)
            counts[3] += len(doc.entities)
            counts[0] += sum(any(same(p, g) for g in doc.entities) for p in pred.entities)
            counts[2] += sum(any(same(p, g) for p in pred.entities) for g in doc.entities)

        dates = [
            x
            for x in pred.dates
            if x[0] < doc.timex_scope_end and not (doc.creation_span and _overlap(x[:2], doc.creation_span))
        ]
        scoped.append(dates)
        for counts, preds, golds in (
            (ext, dates, doc.timexes),
            (dext, [x for x in dates if x[2] == "date"], [g for g in doc.timexes if g[2] == "DATE"]),
        ):
            counts[1] += len(preds)
            counts[3] += len(golds)
            counts[0] += sum(any(_overlap(p[:2], g[:2]) for g in golds) for p in preds)
            counts[2] += sum(any(_overlap(p[:2], g[:2]) for p in preds) for g in golds)
        for g in (g for g in doc.timexes if g[2] == "DATE"):
            overlapping = [p for p in dates if _overlap(p[:2], g[:2])]
            if overlapping:
                best = max(overlapping, key=lambda p: _overlap(p[:2], g[:2]))
                values[1] += 1
                values[0] += best[3] == g[3]
    ep, er, ef = _prf(*ent)
    lp, lr, _ = _prf(*lenient)
    accuracy = values[0] / values[1] if values[1] else 0.0
    return {
        "entity_precision": round(ep, 4),
        "entity_recall": round(er, 4),
        "entity_f1": round(ef, 4),
        "entity_precision_overlap": round(lp, 4),
        "entity_recall_overlap": round(lr, 4),
        "date_extent_f1": round(_prf(*ext)[2], 4),
        "date_value_accuracy": round(accuracy, 4),
        "date_value_f1": round(_prf(*dext)[2] * accuracy, 4),
        "tempeval": tempeval.score([d.timexes for d in docs], scoped),
    }


def evaluate(dataset: Path, speed_rounds: int = _SPEED_ROUNDS) -> dict:
    """Score newsflow and the baseline on every MEANTIME file under ``dataset``."""
    from services.enricher.entities import load_model
    from services.enricher.pipeline import Enricher

    skipped: list[dict] = []
    docs = load_dataset(dataset, skipped)
    enricher = Enricher()
    texts = [d.text for d in docs]
    newsflow_run = _newsflow(enricher, docs)
    newsflow_run(slice(None))  # warm-up: first calls allocate and load lazily built tables
    rates, outputs = _interleaved_rates(
        {"ner": lambda part: _ner_only(enricher.nlp, texts[part]), "newsflow": newsflow_run},
        len(docs),
        rounds=speed_rounds,
    )
    spacy_rate, newsflow_rate = rates["ner"], rates["newsflow"]
    newsflow_pred = _newsflow_predictions(outputs["newsflow"])
    baseline_nlp = load_model()  # same model, same NER-only pipeline
    baseline_pred, baseline_rate = _timed(_baseline(baseline_nlp, docs), len(docs))
    result = {
        "documents": len(docs),
        "skipped_files": skipped,
        "newsflow": {**score(docs, newsflow_pred), "docs_per_s": round(newsflow_rate, 2)},
        "baseline": {**score(docs, baseline_pred), "docs_per_s": round(baseline_rate, 2)},
        "spacy_ner_only_docs_per_s": round(spacy_rate, 2),
    }
    result["enricher_speed_vs_ner"] = round(newsflow_rate / spacy_rate, 3) if spacy_rate else None
    return result


def command(
    dataset: Path = typer.Option(
        ..., "--dataset", help="folder of MEANTIME .xml or TimeML .tml files (searched recursively)"
    ),
    json_output: bool = typer.Option(False, "--json", help="print JSON instead of a table"),
    speed_rounds: int = typer.Option(
        _SPEED_ROUNDS, "--speed-rounds", min=1, help="timing rounds (fewer: faster on a large corpus, noisier speed)"
    ),
) -> None:
    """Measure entity and date quality and speed against a naive spaCy + dateparser baseline."""
    from newsflow.evaluation import gum

    if gum.is_gum(dataset):  # GUM TSV: typed entities and canonical names (see gum.py)
        gum_result = gum.evaluate(dataset)
        typer.echo(json.dumps(gum_result, indent=2)) if json_output else gum.print_report(gum_result, dataset)
        return
    result = evaluate(dataset, speed_rounds)
    if json_output:
        typer.echo(json.dumps(result, indent=2))
        return
    from rich.console import Console

    from newsflow.evaluation.report import comparison_table

    columns = {
        "entity_precision": "entity P",
        "entity_recall": "entity R",
        "entity_f1": "entity F1",
        "date_extent_f1": "date extent F1",
        "date_value_accuracy": "date value acc",
        "date_value_f1": "date value F1",
        "docs_per_s": "docs/s",
    }
    if not result["newsflow"]["entity_recall"] and not result["baseline"]["entity_recall"]:
        columns = {k: v for k, v in columns.items() if not k.startswith("entity")}  # TimeML: no entity gold
    title = f"Enrichment on {result['documents']} documents of {dataset}"
    table = comparison_table(title, result, columns, digits={"docs_per_s": 1})
    console = Console(width=max(Console().width, 120))
    console.print(table)
    if "entity_f1" in columns:
        console.print(
            "Entities, lenient (overlapping mention also counts): "
            + "; ".join(
                f"{n} P {result[n]['entity_precision_overlap']:.3f} R {result[n]['entity_recall_overlap']:.3f}"
                for n in ("newsflow", "baseline")
            )
        )
    console.print(
        tempeval.table(
            "Temporal expressions, TempEval-3 scoring", {n: result[n]["tempeval"] for n in ("newsflow", "baseline")}
        )
    )
    for skipped in result["skipped_files"]:
        console.print(f"skipped {skipped['file']}: {skipped['reason']}")
    console.print(
        f"spaCy NER only: {result['spacy_ner_only_docs_per_s']:.1f} docs/s; full enricher: "
        f"{result['newsflow']['docs_per_s']:.1f} docs/s ({result['enricher_speed_vs_ner']:.2f}x of NER-only)"
    )


if __name__ == "__main__":
    typer.run(command)
