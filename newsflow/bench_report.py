"""Human-readable rendering of a ``newsflow bench`` report."""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console
from rich.table import Table

from shared.settings import PROJECT_ROOT

RESULTS_FILE = PROJECT_ROOT / "docs" / "bench-results.md"


def _f(value, digits=2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_report(console: Console, report: dict) -> None:
    nf, base, stages = report["newsflow"], report["baseline"], report["stages"]
    head = Table("", "articles/s", "articles", "seconds", title="end to end")
    head.add_row("newsflow (3 workers)", _f(nf["articles_per_s"]), str(nf["articles_indexed"]), _f(nf["seconds"], 1))
    head.add_row("naive baseline", _f(base["articles_per_s"]), str(base["articles"]), _f(base["seconds"], 1))
    head.add_row("full-work ceiling", _f(report["ceiling_articles_per_s"]), "", "")
    console.print(head)
    console.print(
        f"speed-up vs baseline: {_f(report['speedup_vs_baseline'])}x   "
        f"fraction of ceiling: {_f(report['fraction_of_ceiling'])}"
    )
    per = Table(
        "stage",
        "s/article (alone)",
        "articles/s (alone)",
        "worker CPU s",
        "peak RSS MB",
        "max queue",
        title="per stage",
    )
    for stage, worker in (("parse", "parser"), ("enrich", "enricher"), ("index", "indexer")):
        per.add_row(
            stage,
            _f(stages["s_per_article"][stage], 4),
            _f(stages["articles_per_s"][stage], 1),
            _f(nf["cpu_s"].get(worker), 1),
            _f(nf["peak_rss_mb"].get(worker), 0),
            str(nf["max_queue_depth"].get(stage, 0)),
        )
    per.add_row(
        "(spaCy NER alone)", _f(stages["s_per_article"]["ner"], 4), _f(stages["articles_per_s"]["ner"], 1), "", "", ""
    )
    for server in ("redis", "elasticsearch"):
        if server in nf["cpu_s"]:
            per.add_row(
                f"({server} server)", "", "", _f(nf["cpu_s"][server], 1), _f(nf["peak_rss_mb"].get(server), 0), ""
            )
    console.print(per)
    console.print(
        "ceiling = cores / (ingest + parse + full enrichment + index core-s/article), each stage alone "
        "on the same pages, timed before and after the pipeline run and averaged"
    )
    if stages.get("drift"):
        console.print(
            "machine drift, after vs before: "
            + ", ".join(f"{stage} {change:+.0%}" for stage, change in stages["drift"].items())
        )
    tasks = nf.get("task_seconds") or {}
    if tasks:
        console.print(
            "processing time per message (worker logs): "
            + ", ".join(f"{stage} p50 {_f(t['p50'], 3)} s / p95 {_f(t['p95'], 3)} s" for stage, t in tasks.items())
        )
        console.print(
            f"Elasticsearch bulk requests: {nf['bulk_requests']} "
            f"({_f(nf['articles_per_bulk'], 1)} articles each, "
            f"{_f(nf['articles_indexed'] / nf['seconds'] if nf['seconds'] else None)} articles/s overall)"
        )
        console.print(f"enrich batches: {_f(nf.get('articles_per_enrich_batch'), 1)} articles each")
    _print_budget(console, report)
    lat, fl = nf["drop_to_searchable_s"], nf["file_latency_s"]
    console.print(
        f"single page drop-to-searchable on a warm idle stack: p50 {_f(lat['p50'])} s, p95 {_f(lat['p95'])} s"
    )
    console.print(f"file latency under load (received -> indexed): p50 {_f(fl['p50'])} s, p95 {_f(fl['p95'])} s")
    if nf.get("rss_growth_after_1000_pages"):
        growth = ", ".join(f"{k} {v:+.1%}" for k, v in nf["rss_growth_after_1000_pages"].items())
        console.print(f"peak RSS growth from the 1,000th to the last page: {growth}")


_BUDGET_ROWS = {
    "ingest": "ingest (fsync, status, queue)",
    "parse": "parse (parser processes)",
    "enrich": "enrich (enricher processes)",
    "index": "index (indexer + Elasticsearch, refresh)",
    "redis": "Redis server (not in the ceiling)",
}


def _print_budget(console: Console, report: dict) -> None:
    """Where the core-seconds of each article went in the pipeline, beside what each stage costs alone."""
    budget, machine = report.get("budget") or {}, report["newsflow"].get("machine")
    if not budget:
        return
    table = Table("", "pipeline", "alone", "pipeline / alone", title="core-seconds per article")
    for stage, label in _BUDGET_ROWS.items():
        row = budget["rows"][stage]
        table.add_row(label, _f(row["pipeline"], 4), _f(row["alone"], 4), _f(row["ratio"]))
    total = budget["total"]
    table.add_row("total", _f(total["pipeline"], 4), _f(total["alone"], 4), _f(total["ratio"]))
    if "available" in budget:
        table.add_row("idle, stolen or other processes", _f(budget["idle_stolen_or_other"], 4), "", "")
        table.add_row("the cores gave per article", _f(budget["available"], 4), "", "")
    console.print(table)
    console.print(
        "fraction of the ceiling in core-seconds (stages alone / what the run's processes spent): "
        f"{_f(budget.get('fraction_of_ceiling_in_core_seconds'))}"
    )
    ner = report["stages"]["s_per_article"]["ner"]
    console.print(
        f"NER alone: {_f(ner, 4)} core-s/article; NER-only ceiling (parse + NER + index): "
        f"{_f(report.get('ner_ceiling_articles_per_s'))} articles/s"
    )
    if machine:
        console.print(
            f"machine during the run: {_f(machine['cores_busy'])} cores busy, {_f(machine['cores_idle'])} idle, "
            f"{_f(machine['cores_stolen'])} stolen by the hypervisor"
        )


def append_result(path: Path, report: dict) -> None:
    """One row for this run at the end of the results file's table (``docs/bench-results.md``)."""
    nf, base = report["newsflow"], report["baseline"]
    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10
            ).stdout.strip()
            or "-"
        )
    except (OSError, subprocess.SubprocessError):
        commit = "-"
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
    cells = [
        when,
        commit,
        str(nf["pages"]),
        _f(nf["articles_per_s"]),
        _f(base["articles_per_s"]),
        f"{_f(report['speedup_vs_baseline'])}x",
        _f(report["ceiling_articles_per_s"]),
        _f(report["fraction_of_ceiling"]),
        _f(nf["drop_to_searchable_s"]["p50"]),
    ]
    with path.open("a", encoding="utf-8") as results:
        results.write("| " + " | ".join(cells) + " |\n")
