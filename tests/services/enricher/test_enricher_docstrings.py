"""The usage examples in the enricher's docstrings are run, so they cannot drift from the code."""

from __future__ import annotations

import doctest
import importlib

import pytest

pytestmark = pytest.mark.unit

MODULES = [
    "canonical", "date_confidence", "date_context", "date_kinds", "date_rules", "date_windows", "dates", "dedup", "geo", "keywords", "language", "pipeline",
    "publication", "timex",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"services.enricher.{name}")
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0
