"""The usage examples in the parser's docstrings are run, so they cannot drift from the code."""

from __future__ import annotations

import doctest
import importlib

import pytest

pytestmark = pytest.mark.unit

MODULES = ["authors", "detect", "encoding", "html", "jsonl", "metadata", "parse", "text_dump"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"services.parser.{name}")
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0
