"""``newsflow bench`` on a few pages: the report a user compares between commits is complete and consistent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from newsflow.bench import load_pages, replicate
from newsflow.bench_sampling import machine_use

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# The evaluation pages live beside the project (``../shared``), never in it.
DATASET = Path(__file__).resolve().parents[3] / "shared" / "eval" / "article-extraction"


@pytest.fixture(autouse=True)
def dataset_present():
    if not (DATASET / "html").is_dir():
        message = f"the article-extraction pages are not at {DATASET}"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)


def test_replicas_are_distinct_pages_with_their_own_canonical_url():
    pages = replicate(load_pages(DATASET)[:2], 5)
    assert len({html for _, html in pages}) == 5
    assert b"https://bench.newsflow.invalid/4" in pages[4][1]


def test_machine_use_splits_core_time_into_busy_idle_and_stolen():
    from collections import namedtuple

    Times = namedtuple("Times", "user nice system idle iowait irq softirq steal guest guest_nice")
    before = Times(100, 0, 20, 500, 5, 0, 1, 2, 0, 0)
    # 10 s on 2 cores: 14 s of work (2 of them guest time, already inside user), 4 idle, 2 stolen.
    after = Times(112, 0, 22, 503, 6, 0, 1, 4, 2, 0)
    use = machine_use(before, after, 10.0)
    assert use == pytest.approx({"cores_busy": 1.4, "cores_idle": 0.4, "cores_stolen": 0.2})


def test_bench_json_reports_newsflow_baseline_and_ceiling(redis_service, es_service, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsflow.cli",
            "bench",
            "--dataset",
            str(DATASET),
            "--pages",
            "6",
            "--baseline-pages",
            "3",
            "--latency-samples",
            "2",
            "--json",
            "--results",
            str(tmp_path / "results.md"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    (row,) = (tmp_path / "results.md").read_text().splitlines()  # the run's row for the results file
    assert row.startswith("| ") and f"| {report['newsflow']['pages']} |" in row

    newsflow, baseline = report["newsflow"], report["baseline"]
    assert newsflow["pages"] == 6 and newsflow["failed_files"] == 0
    assert newsflow["articles_indexed"] >= 6 and newsflow["articles_per_s"] > 0
    assert baseline["articles"] == 3 and baseline["articles_per_s"] > 0
    assert set(report["stages"]["s_per_article"]) == {"ingest", "parse", "ner", "enrich", "index"}
    sides = report["stages_before_and_after"]
    mean = {stage: (sides["before"][stage] + sides["after"][stage]) / 2 for stage in sides["before"]}
    assert all(mean[stage] > 0 for stage in mean)  # every stage did work, in core-seconds
    assert mean["enrich"] > mean["ner"]  # full enrichment is NER and more
    cores = report["stages"]["cores"]
    # The full-work ceiling counts every stage's work, alone, timed on both sides of the run, averaged;
    # the NER-only one, kept beside it, parse + NER + index.
    full_work = mean["ingest"] + mean["parse"] + mean["enrich"] + mean["index"]
    assert report["ceiling_articles_per_s"] == pytest.approx(cores / full_work)
    assert report["ner_ceiling_articles_per_s"] == pytest.approx(cores / (mean["parse"] + mean["ner"] + mean["index"]))
    assert report["ner_ceiling_articles_per_s"] > report["ceiling_articles_per_s"]
    assert report["fraction_of_ceiling"] == pytest.approx(newsflow["articles_per_s"] / report["ceiling_articles_per_s"])
    # The budget sets each stage's core-seconds per article in the run beside the same stage alone.
    budget = report["budget"]
    articles = newsflow["articles_indexed"]
    rows = budget["rows"]
    assert rows["enrich"]["pipeline"] == pytest.approx(newsflow["cpu_s"]["enricher"] / articles)
    assert rows["parse"]["alone"] == pytest.approx(mean["parse"])
    assert rows["index"]["pipeline"] >= newsflow["cpu_s"]["indexer"] / articles
    assert budget["total"]["alone"] == pytest.approx(full_work)
    assert budget["total"]["pipeline"] == pytest.approx(sum(r["pipeline"] for r in rows.values() if r["pipeline"]))
    assert budget["fraction_of_ceiling_in_core_seconds"] == pytest.approx(
        budget["total"]["alone"] / budget["total"]["pipeline"]
    )
    assert budget["available"] == pytest.approx(sum(newsflow["machine"].values()) / newsflow["articles_per_s"])
    assert set(newsflow["cpu_s"]) >= {"parser", "enricher", "indexer"}
    assert all(newsflow["peak_rss_mb"][w] > 0 for w in ("parser", "enricher", "indexer"))
    assert newsflow["drop_to_searchable_s"]["p95"] > 0
    assert newsflow["task_seconds"]["enrich_batch"]["p50"] > 0 and newsflow["task_seconds"]["parse"]["p95"] > 0
    assert 1 <= newsflow["bulk_requests"] <= newsflow["articles_indexed"]
    assert 1 <= newsflow["articles_per_enrich_batch"] <= 8
    # The budget of the run: the ingesting process is counted, and busy + idle + stolen is the machine.
    assert newsflow["cpu_s"]["bench (ingest, probes)"] > 0
    machine = newsflow["machine"]
    assert 0 < machine["cores_busy"] <= psutil.cpu_count()
    assert machine["cores_busy"] + machine["cores_idle"] + machine["cores_stolen"] == pytest.approx(
        psutil.cpu_count(), rel=0.15
    )
