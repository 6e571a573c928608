"""``newsflow eval pubdates`` scores the way the dataset's README says, beside htmldate."""

from __future__ import annotations

import gzip
import json

import pytest

from newsflow.evaluation.pubdates import evaluate

pytestmark = pytest.mark.unit

BODY = "<p>" + "The council agreed the budget after a long and heated debate on Tuesday. " * 4 + "</p>"


def _page(head: str) -> bytes:
    return f"<html lang='en'><head>{head}</head><body><article>{BODY}</article></body></html>".encode()


@pytest.fixture
def dataset(tmp_path):
    pages = {
        "right": (_page('<meta property="article:published_time" content="2024-03-09T10:00:00Z">'), "2024-03-09"),
        "wrong": (_page('<meta property="article:published_time" content="2024-03-01T10:00:00Z">'), "2024-02-01"),
        "none": (_page(""), "2023-05-05"),
        "nodate": (_page(""), float("nan")),  # the source marks a page without any date this way
    }
    (tmp_path / "html").mkdir()
    truth = {}
    for key, (html, gold) in pages.items():
        (tmp_path / "html" / f"{key}.html.gz").write_bytes(gzip.compress(html))
        truth[key] = {"url": f"https://example.org/news/{key}", "date": gold}
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth))
    return tmp_path


def test_precision_accuracy_and_undated_for_newsflow_and_both_htmldate_modes(dataset):
    result = evaluate(dataset, show_errors=True)

    assert result["pages"] == 4
    ours = result["newsflow"]
    # right: the 9 March page and the page without a date (no date given); wrong: 1 March.
    assert (ours["right"], ours["wrong"], ours["undated"]) == (2, 1, 2)
    assert ours["precision"] == pytest.approx(1 / 2)
    assert ours["accuracy"] == pytest.approx(2 / 4)
    for system in ("newsflow_trusted", "htmldate_fast", "htmldate_extensive"):
        assert set(result[system]) >= {"precision", "accuracy", "undated", "cpu_ms_per_page"}
    assert {e["key"] for e in result["errors"]} == {"wrong", "none"}
