#!/usr/bin/env bash
# The quality gate, then the whole test suite. Each step runs even when an earlier one failed (so
# one run shows every problem); the script fails when any did. Tests start the real Redis and
# Elasticsearch they need (tests/conftest.py) and stop what they started. pytest's exit code 5
# ("no tests collected") is a failure here. Configuration of every tool: pyproject.toml.
set -uo pipefail
cd "$(dirname "$0")/.."
CODE=(shared services newsflow)
failed=()
.venv/bin/ruff check "${CODE[@]}" || failed+=("ruff check")
.venv/bin/ruff format --check "${CODE[@]}" || failed+=("ruff format --check")
.venv/bin/mypy || failed+=("mypy")
# Every module's docstring examples (tests/ holds the behaviour tests; these keep the examples true).
.venv/bin/python -m pytest --doctest-modules "${CODE[@]}" -q -p no:cacheprovider || failed+=("doctests")
.venv/bin/python -m pytest "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "test.sh: pytest collected no tests; treating that as a failure" >&2
  rc=1
fi
[ "$rc" -eq 0 ] || failed+=("pytest")
if [ "${#failed[@]}" -gt 0 ]; then
  echo "test.sh: failed: ${failed[*]}" >&2
  exit 1
fi
