"""``newsflow eval enrichment`` on TimeML (TempEval-3) gold, scored the TempEval-3 way, and on malformed gold."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsflow.evaluation import enrichment, tempeval, timeml

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "enricher"


def test_timeml_document_is_read_whole_with_inline_timexes_and_creation_time():
    doc = timeml.load_document(FIXTURES / "timeml_sample" / "sample.tml")
    assert doc.creation.date().isoformat() == "2025-06-05"
    assert [(doc.text[s:e], t, v) for s, e, t, v in doc.timexes] == [
        ("Monday", "DATE", "2025-06-02"), ("three years", "DURATION", "P3Y"), ("weekly", "SET", "P1W"),
        ("March", "DATE", "2026-03"), ("4 p.m.", "TIME", "2025-06-05T16:00"),
    ]
    assert "<EVENT" not in doc.text and "resumed in Istanbul" in doc.text
    assert doc.timex_scope_end == len(doc.text)  # TimeML annotates every sentence


def test_tempeval_pairs_one_to_one_and_scores_per_type():
    gold = [[(0, 6, "DATE", "2025-06-02"), (10, 21, "DURATION", "P3Y"), (30, 36, "SET", "P1W")]]
    pred = [[(0, 6, "date", "2025-06-02"), (0, 3, "date", "2025"), (14, 21, "date", "2022"), (40, 45, "time", "x")]]
    s = tempeval.score(gold, pred)
    overall = s["overall"]
    assert (overall["relaxed_p"], overall["relaxed_r"]) == (0.5, round(2 / 3, 4))  # the 2nd "Monday" pair is spare
    assert overall["strict_r"] == round(1 / 3, 4)
    assert overall["type_accuracy"] == 0.5 and overall["value_accuracy"] == 0.5
    assert s["DURATION"]["relaxed_r"] == 1.0 and s["DURATION"]["type_accuracy"] == 0.0
    assert s["SET"]["relaxed_r"] == 0.0 and s["TIME"]["relaxed_p"] == 0.0


def test_eval_enrichment_on_timeml_reports_tempeval_figures_for_both_systems():
    result = enrichment.evaluate(FIXTURES / "timeml_sample")
    for system in ("newsflow", "baseline"):
        figures = result[system]["tempeval"]
        assert set(figures) == {"overall", "DATE", "TIME", "DURATION", "SET"}
        assert figures["overall"]["gold"] == 5
    assert result["newsflow"]["tempeval"]["overall"]["value_f1"] > result["baseline"]["tempeval"]["overall"]["value_f1"]


def test_malformed_creation_time_is_reported_and_the_rest_is_scored(tmp_path):
    """A MEANTIME file whose creation time reads 03-02-2009 used to end the run with a ValueError."""
    good = FIXTURES / "meantime_sample" / "sample.xml"
    shutil.copy(good, tmp_path / "good.xml")
    bad = good.read_text(encoding="utf-8").replace('value="2025-06-05" functionInDocument', 'value="03-02-2009" functionInDocument')
    (tmp_path / "bad.xml").write_text(bad, encoding="utf-8")
    (tmp_path / "broken.tml").write_text("<TimeML><TEXT>cut off", encoding="utf-8")

    run = CliRunner().invoke(_app(), ["--dataset", str(tmp_path), "--json"])

    assert run.exit_code == 0, run.output
    printed = json.loads(run.output)
    assert printed["documents"] == 1
    skipped = {Path(s["file"]).name: s["reason"] for s in printed["skipped_files"]}
    assert set(skipped) == {"bad.xml", "broken.tml"}
    assert "03-02-2009" in skipped["bad.xml"]
    assert printed["newsflow"]["date_value_accuracy"] == 1.0  # the good file is still scored


def test_table_output_names_the_skipped_file(tmp_path):
    good = FIXTURES / "meantime_sample" / "sample.xml"
    (tmp_path / "bad.xml").write_text(good.read_text(encoding="utf-8").replace("2025-06-05", "03-02-2009"), "utf-8")
    shutil.copy(good, tmp_path / "good.xml")
    run = CliRunner().invoke(_app(), ["--dataset", str(tmp_path)])
    assert run.exit_code == 0, run.output
    assert "skipped" in run.output and "bad.xml" in run.output and "DURATION" in run.output


@pytest.mark.parametrize("module", [tempeval, timeml])
def test_docstring_examples(module):
    import doctest

    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0


def _app():
    import typer

    app = typer.Typer()
    app.command()(enrichment.command)
    return app
