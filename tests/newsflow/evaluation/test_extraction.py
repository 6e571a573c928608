"""The benchmark scoring of ``newsflow eval extraction`` (word 4-gram shingles, per-page normalised)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsflow.evaluation.extraction import aggregate, evaluate, score_page, shingles

pytestmark = pytest.mark.unit


@pytest.fixture
def article_html() -> bytes:
    """A realistic news page (the parser tests' fixture)."""
    return (Path(__file__).resolve().parents[2] / "fixtures" / "parser" / "news_article.html").read_bytes()


def test_shingles_are_word_four_grams_with_counts():
    assert shingles("a b c d a b c d") == {("a", "b", "c", "d"): 2, ("b", "c", "d", "a"): 1,
                                            ("c", "d", "a", "b"): 1, ("d", "a", "b", "c"): 1}
    assert shingles("only two") == {("only", "two"): 1}
    assert shingles("¿Qué? ¡Sí! Ünïcode wörds") == {("Qué", "Sí", "Ünïcode", "wörds"): 1}


def test_page_scores_are_normalised_to_one():
    truth = "one two three four five six"
    score = score_page(truth, "one two three four five extra")
    assert score.tp + score.fp + score.fn == pytest.approx(1.0)
    # 3 shingles each side, 2 shared: tp=2, fp=1, fn=1 out of 4
    assert (score.tp, score.fp, score.fn) == pytest.approx((0.5, 0.25, 0.25))


def test_both_empty_is_perfect_and_missing_prediction_is_zero_recall():
    assert aggregate([score_page("", "")]) == {"f1": 1.0, "precision": 1.0, "recall": 1.0}
    result = aggregate([score_page("one two three four", ""), score_page("a b c d", "a b c d")])
    assert result["recall"] == pytest.approx(0.5)
    assert result["precision"] == pytest.approx(1.0)  # the empty prediction has no precision to average


def test_evaluate_runs_on_any_folder_of_the_same_layout(tmp_path, article_html):
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "k1.html.gz").write_bytes(gzip.compress(article_html))
    truth = ("Engineers raised the steel gates of the Millford river barrier on Wednesday evening for the first "
             "time this winter, as forecasters warned that a storm surge would combine with a high spring tide.")
    (tmp_path / "ground-truth.json").write_text(json.dumps({"k1": {"articleBody": truth, "url": None}}))
    result = evaluate(tmp_path, repeats=1)
    assert result["pages"] == 1
    for name in ("newsflow", "baseline"):
        assert set(result[name]) == {"f1", "precision", "recall", "pages_per_s"}
        assert result[name]["recall"] == pytest.approx(1.0)
    assert result["newsflow"]["precision"] > result["baseline"]["precision"]  # baseline keeps the comments
