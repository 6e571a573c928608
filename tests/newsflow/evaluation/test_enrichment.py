"""``newsflow eval enrichment`` on a tiny synthetic document in MEANTIME's XML layout."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsflow.evaluation import enrichment, meantime

pytestmark = pytest.mark.unit

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "enricher" / "meantime_sample"


def test_gold_document_is_read_with_offsets_and_creation_time():
    (doc,) = meantime.load_dataset(SAMPLE)
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


def _burn(seconds: float) -> None:
    import time

    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_interleaved_rates_keep_each_chunks_best_time_and_every_output_in_order():
    """A burst of load in one round (here: the first call of each chunk is slow) does not count."""
    seen: set[int] = set()

    def bursty(part: slice) -> list[int]:
        if part.start not in seen:
            seen.add(part.start)
            _burn(0.05)
        return list(range(25))[part]

    rates, outputs = enrichment._interleaved_rates({"bursty": bursty, "steady": lambda part: []}, 25, rounds=3,
                                                   chunk=10)
    assert outputs["bursty"] == list(range(25))
    assert rates["bursty"] > 10 * 25 / (3 * 0.05)  # the three slow first calls are not what is measured


def test_interleaved_rates_run_every_chunk_under_each_system_in_turn():
    calls: list[tuple[str, int]] = []
    enrichment._interleaved_rates(
        {"ner": lambda part: calls.append(("ner", part.start)) or [],
         "newsflow": lambda part: calls.append(("newsflow", part.start)) or []},
        20, rounds=2, chunk=10,
    )
    assert calls == [("ner", 0), ("newsflow", 0), ("ner", 10), ("newsflow", 10)] * 2
