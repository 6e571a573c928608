"""Article-body extraction benchmark: newsflow's parser against plain trafilatura.

Reads a folder laid out like the public article-extraction benchmark
(``html/<key>.html.gz`` plus ``ground-truth.json`` mapping each key to
``{"articleBody": ..., "url": ...}``), runs both extractors on every page and
scores them the benchmark's way:

* word tokens by ``\\w+`` (Unicode), word 4-gram shingles with counts;
* per page tp / fp / fn from the shingle multisets, normalised to sum to 1 so a
  long page weighs no more than a short one;
* precision and recall are means over pages, F1 the harmonic mean of the means.

Throughput is pages per second on one core, timing only the extraction call
(decompression of the benchmark's ``.gz`` files is done beforehand). newsflow
is timed through ``parse_page``, the whole path a dropped HTML file takes
(detection, decoding, body, metadata, Article), the baseline as
``trafilatura.extract(bytes)``. Both see the page bytes only, as a user's
dropped file would. Time is this process's CPU time, the two run interleaved
page by page and each page's best of ``repeats`` runs counts, so load from
other processes on the machine skews neither side.

    newsflow eval extraction --dataset /path/to/article-extraction [--json]
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import typer

from shared.errors import PermanentError
from shared.identity import raw_id
from shared.models import RawPageRef

_TOKEN = re.compile(r"\w+", re.UNICODE)
_NGRAM = 4
_LIMIT = 1 << 30  # the benchmark measures extraction, not the ingest limits


@dataclass(frozen=True)
class PageScore:
    tp: float
    fp: float
    fn: float


def shingles(text: str, n: int = _NGRAM) -> Counter[tuple[str, ...]]:
    """Word n-grams with counts; a text shorter than n words is one shingle."""
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def score_page(truth: str, prediction: str) -> PageScore:
    """Normalised (tp, fp, fn) for one page; both empty counts as perfect."""
    true_sh, pred_sh = shingles(truth), shingles(prediction)
    tp = sum((true_sh & pred_sh).values())
    fp = sum((pred_sh - true_sh).values())
    fn = sum((true_sh - pred_sh).values())
    total = tp + fp + fn
    if total == 0:
        return PageScore(1.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


def aggregate(scores: Iterable[PageScore]) -> dict[str, float]:
    """Mean precision and recall over the pages where each is defined, F1 of the means."""
    scores = list(scores)
    precisions = [s.tp / (s.tp + s.fp) for s in scores if s.tp + s.fp > 0]
    recalls = [s.tp / (s.tp + s.fn) for s in scores if s.tp + s.fn > 0]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


def load_dataset(dataset: Path) -> list[tuple[str, bytes, str, str | None]]:
    """(key, html bytes, true body, url) for every page that has a ground truth."""
    truth = json.loads((dataset / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        path = dataset / "html" / f"{key}.html.gz"
        if not path.exists():
            continue
        pages.append(
            (key, gzip.decompress(path.read_bytes()), truth[key].get("articleBody") or "", truth[key].get("url"))
        )
    if not pages:
        raise typer.BadParameter(f"no html/<key>.html.gz page with a ground truth under {dataset}")
    return pages


def baseline_body(data: bytes) -> str:
    import trafilatura

    return trafilatura.extract(data) or ""


def newsflow_body(data: bytes) -> str:
    from services.parser.parse import parse_page

    ref = RawPageRef(
        raw_id=raw_id(data), filename="page.html", size_bytes=len(data), received_at=datetime.now(timezone.utc)
    )
    try:
        articles = parse_page(data, ref, max_raw_bytes=_LIMIT, max_decompressed_bytes=_LIMIT, max_articles=_LIMIT)
    except PermanentError:
        return ""
    return articles[0].body


def _timed(extractor: Callable[[bytes], str], data: bytes) -> tuple[str, float]:
    start = time.process_time()
    prediction = extractor(data)
    return prediction, time.process_time() - start


def evaluate(dataset: Path, repeats: int = 3) -> dict[str, Any]:
    """Score newsflow's parser and plain ``trafilatura.extract`` on ``dataset``."""
    pages = load_dataset(Path(dataset))
    extractors = {"newsflow": newsflow_body, "baseline": baseline_body}
    for extractor in extractors.values():  # imports and lazy tables are paid here, not in the timing
        extractor(pages[0][1])
    scores: dict[str, list[PageScore]] = {name: [] for name in extractors}
    seconds = dict.fromkeys(extractors, 0.0)
    for _key, data, truth, _url in pages:
        for name, extractor in extractors.items():
            runs = [_timed(extractor, data) for _ in range(max(1, repeats))]
            scores[name].append(score_page(truth, runs[0][0]))
            seconds[name] += min(elapsed for _, elapsed in runs)
    result: dict[str, Any] = {"pages": len(pages)}
    for name in extractors:
        result[name] = aggregate(scores[name])
        result[name]["pages_per_s"] = len(pages) / seconds[name] if seconds[name] else 0.0
    return result


def command(
    dataset: Path = typer.Option(..., "--dataset", help="folder with html/<key>.html.gz and ground-truth.json"),
    json_output: bool = typer.Option(False, "--json", help="print JSON instead of a table"),
) -> None:
    """Measure body-extraction quality and speed against plain trafilatura."""
    result = evaluate(dataset)
    if json_output:
        typer.echo(json.dumps(result, indent=2))
        return
    from rich.console import Console

    from newsflow.evaluation.report import comparison_table

    columns = {"f1": "F1", "precision": "precision", "recall": "recall", "pages_per_s": "pages/s"}
    table = comparison_table(
        f"Article extraction on {result['pages']} pages of {dataset}",
        result,
        columns,
        digits={"f1": 4, "precision": 4, "recall": 4, "pages_per_s": 1},
    )
    Console().print(table)


if __name__ == "__main__":
    typer.run(command)
