"""Publication-date benchmark: newsflow's parser beside htmldate on htmldate's own pages.

Reads a folder laid out like ``../shared/eval/pubdates`` (``html/<key>.html.gz``
plus ``ground-truth.json`` mapping each key to ``{"url": ..., "date":
"YYYY-MM-DD"}``) and asks three systems for each page's publication date:

* ``newsflow``: the parser's own choice (decode, parse the tree, choose the
  date), exactly the date an HTML page dropped with its URL would carry;
* ``newsflow_trusted``: the same run, counting only the dates whose confidence
  reaches the indexer's threshold (the others are stored as uncertain and kept
  off the timeline), so a lower-confidence date counts as no date here;
* ``htmldate_fast``: ``htmldate.find_date(extensive_search=False)``;
* ``htmldate_extensive``: ``htmldate.find_date(extensive_search=True)``.

Both htmldate runs ask for the original (publication) date, not the last
modification, and all three get the page bytes and its URL. A page is right
when the date falls on the gold day (or, for the two pages whose gold is "no
date", when none is given); the day compared is the one the page
wrote (a stamp of 23:30-04:00 is that day, not the next one in UTC).
Reported per system: precision (right / pages given a date), accuracy
(right / all pages), how many pages got no date, and the CPU time per page of
this process (``time.process_time``, each page's best of ``repeats`` runs, so
what counts is the steady cost in a long-running worker: imports, lazy tables
and dateparser's first look at a language are paid once per process, not per
page; systems are timed page by page, so load from the rest of the machine
skews none of them).

    newsflow eval pubdates --dataset ../shared/eval/pubdates [--json]
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import typer

from shared.models import PageDate

SYSTEMS = ("newsflow", "newsflow_trusted", "htmldate_fast", "htmldate_extensive")


@dataclass(frozen=True)
class Page:
    key: str
    html: bytes
    gold: date | None  # None: the page has no publication date, and giving none is right
    url: str | None


def load_dataset(dataset: Path) -> list[Page]:
    """Every page of ``dataset`` that has its HTML; a page whose gold is no date keeps ``gold=None``."""
    truth = json.loads((dataset / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        path = dataset / "html" / f"{key}.html.gz"
        gold = truth[key].get("date")
        if path.exists():
            # The source writes NaN for the pages that have no date at all.
            day = date.fromisoformat(gold[:10]) if isinstance(gold, str) and gold else None
            pages.append(Page(key, gzip.decompress(path.read_bytes()), day, truth[key].get("url")))
    if not pages:
        raise typer.BadParameter(f"no html/<key>.html.gz page with a ground truth under {dataset}")
    return pages


def _written_day(text: str, value: datetime | None) -> date | None:
    """The day the page wrote: an ISO stamp's own day (its offset kept), else the UTC day."""
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00")).date()
    except ValueError:
        return value.date() if value is not None else None


def newsflow_publication(data: bytes, url: str | None) -> PageDate | None:
    from trafilatura.utils import load_html

    from services.parser.encoding import decode_bytes
    from services.parser.metadata import read_metadata

    text, _ = decode_bytes(data)
    tree = load_html(text)
    if tree is None:
        return None
    return read_metadata(tree, url).published


def _day(found: PageDate | None) -> date | None:
    if found is None or found.value is None:
        return None
    return found.day or _written_day(found.text, found.value)


def _htmldate(extensive: bool) -> Callable[[bytes, str | None], date | None]:
    def find(data: bytes, url: str | None) -> date | None:
        from htmldate import find_date

        try:
            found = find_date(data, url=url, original_date=True, extensive_search=extensive)
        except Exception:  # the baseline must not stop the run; a crash is "no date"
            return None
        return date.fromisoformat(found) if found else None

    return find


def _score(predictions: list[date | None], pages: list[Page], seconds: float) -> dict[str, Any]:
    dated = sum(1 for p in predictions if p is not None)
    right_dates = sum(1 for p, page in zip(predictions, pages, strict=True) if p is not None and p == page.gold)
    right_abstentions = sum(1 for p, page in zip(predictions, pages, strict=True) if p is None and page.gold is None)
    return {
        "precision": right_dates / dated if dated else 0.0,
        "accuracy": (right_dates + right_abstentions) / len(pages),
        "right": right_dates + right_abstentions,
        "wrong": dated - right_dates,
        "undated": len(pages) - dated,
        "cpu_ms_per_page": 1000 * seconds / len(pages),
    }


def evaluate(dataset: Path, *, show_errors: bool = False, repeats: int = 2) -> dict[str, Any]:
    """Score newsflow and both htmldate modes on ``dataset`` in one run."""
    pages = load_dataset(Path(dataset))
    from services.indexer.documents import TRUSTED_PUBLICATION_CONFIDENCE

    systems: dict[str, Callable[[bytes, str | None], Any]] = {
        "newsflow": newsflow_publication,
        "htmldate_fast": _htmldate(False),
        "htmldate_extensive": _htmldate(True),
    }
    for system in systems.values():  # imports and lazy tables are paid here, not in the timing
        system(pages[0].html, pages[0].url)
    predictions: dict[str, list[Any]] = {name: [] for name in systems}
    seconds = dict.fromkeys(systems, 0.0)
    for page in pages:
        for name, system in systems.items():
            runs = []
            for _ in range(max(1, repeats)):
                start = time.process_time()
                found = system(page.html, page.url)
                runs.append(time.process_time() - start)
            predictions[name].append(found)
            seconds[name] += min(runs)
    chosen = predictions.pop("newsflow")
    predictions["newsflow"] = [_day(found) for found in chosen]
    predictions["newsflow_trusted"] = [
        _day(found) if found is not None and (found.confidence or 1.0) >= TRUSTED_PUBLICATION_CONFIDENCE else None
        for found in chosen
    ]
    seconds["newsflow_trusted"] = seconds["newsflow"]
    result: dict[str, Any] = {"pages": len(pages), "trusted_confidence": TRUSTED_PUBLICATION_CONFIDENCE}
    for name in SYSTEMS:
        result[name] = _score(predictions[name], pages, seconds[name])
    if show_errors:
        result["errors"] = [
            {
                "key": page.key,
                "url": page.url,
                "gold": page.gold.isoformat() if page.gold else None,
                "newsflow": p.isoformat() if p else None,
                "origin": found.origin if found else None,
                "confidence": found.confidence if found else None,
            }
            for p, found, page in zip(predictions["newsflow"], chosen, pages, strict=True)
            if p != page.gold
        ]
    return result


def command(
    dataset: Path = typer.Option(..., "--dataset", help="folder with html/<key>.html.gz and ground-truth.json"),
    json_output: bool = typer.Option(False, "--json", help="print JSON instead of a table"),
    errors: bool = typer.Option(False, "--errors", help="also list the pages newsflow dates wrongly or not at all"),
) -> None:
    """Measure publication-date precision, accuracy and cost beside htmldate."""
    result = evaluate(dataset, show_errors=errors)
    if json_output:
        typer.echo(json.dumps(result, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Publication dates on {result['pages']} pages of {dataset}")
    columns = ("precision", "accuracy", "wrong", "undated", "cpu_ms_per_page")
    table.add_column("system")
    for column in columns:
        table.add_column(column.replace("_", " "), justify="right")
    for name in SYSTEMS:
        row = result[name]
        table.add_row(
            name,
            f"{row['precision']:.3f}",
            f"{row['accuracy']:.3f}",
            str(row["wrong"]),
            str(row["undated"]),
            f"{row['cpu_ms_per_page']:.1f}",
        )
    console = Console()
    console.print(table)
    for error in result.get("errors", []):
        console.print(
            f"{error['key']}  gold {error['gold']}  newsflow {error['newsflow']} "
            f"({error['origin']}, {error['confidence']})  {error['url']}"
        )


if __name__ == "__main__":
    typer.run(command)
