"""``newsflow eval enrichment`` on a tiny synthetic document in MEANTIME's XML layout."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsflow.evaluation import enrichment

pytestmark = pytest.mark.unit

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "enricher" / "meantime_sample"


def test_gold_document_is_read_with_offsets_and_creation_time():
    (doc,) = enrichment.load_dataset(SAMPLE)
    assert doc.creation.date().isoformat() == "2025-06-05"
    assert [doc.text[s:e] for s, e, _, _ in doc.timexes] == ["Monday", "March"]
    names = sorted(sorted(n) for n, _ in doc.entities)
    assert ["mr umerov", "rustem umerov"] in names and ["istanbul"] in names


def test_scores_for_both_systems():
    result = enrichment.evaluate(SAMPLE)
    keys = {"entity_precision", "entity_recall", "entity_f1", "date_extent_f1", "date_value_accuracy",
            "date_value_f1", "docs_per_s"}
    assert keys <= set(result["newsflow"]) and keys <= set(result["baseline"])
    assert result["newsflow"]["entity_recall"] == 1.0
    # "Monday" (2025-06-02) and the future "March" (2026-03) need the resolution layer.
    assert result["newsflow"]["date_value_accuracy"] == 1.0
    assert result["baseline"]["date_value_accuracy"] < 1.0
    assert result["spacy_ner_only_docs_per_s"] > 0


def test_command_prints_json():
    app_result = CliRunner().invoke(_app(), ["--dataset", str(SAMPLE), "--json"])
    assert app_result.exit_code == 0, app_result.output
    printed = json.loads(app_result.output)
    assert set(printed) >= {"newsflow", "baseline"}


def _app():
    import typer

    app = typer.Typer()
    app.command()(enrichment.command)
    return app


def test_speed_is_measured_in_cpu_time_so_waiting_does_not_count():
    """Another process taking the CPU (a wait, here) must not lower a system's rate."""
    import time

    _, rate = enrichment._timed(lambda: time.sleep(0.3) or [], 1)
    assert rate > 20  # wall time would give ~3 documents per second
