"""The command line parses and documents every command, and rejects bad dates before touching a server."""

import pytest
from typer.testing import CliRunner

from newsflow.cli import app

pytestmark = pytest.mark.unit
runner = CliRunner()

COMMANDS = ["up", "down", "worker", "ingest", "watch", "search", "status", "verify", "sweep", "reprocess", "bench",
            "dlq", "eval", "kibana"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


@pytest.mark.parametrize("option,value", [("--mentioned-since", "June 2"), ("--since", "yesterday-ish")])
def test_search_rejects_a_malformed_date_with_a_readable_error(option, value):
    result = runner.invoke(app, ["search", "drones", option, value])
    assert result.exit_code == 2
    assert "is not a" in result.output


def test_unknown_worker_name_is_refused():
    result = runner.invoke(app, ["worker", "summariser"])
    assert result.exit_code == 2
    assert "unknown worker" in result.output


def test_eval_tables_put_newsflow_beside_the_baseline():
    from rich.console import Console

    from newsflow.evaluation.report import comparison_table

    result = {"newsflow": {"f1": 0.97051, "pages_per_s": 33.14}, "baseline": {"f1": 0.95446, "pages_per_s": 34.2}}
    console = Console(record=True, width=80)
    console.print(comparison_table("t", result, {"f1": "F1", "pages_per_s": "pages/s"}, {"f1": 4, "pages_per_s": 1}))
    lines = console.export_text().splitlines()
    assert any("newsflow" in line and "0.9705" in line and "33.1" in line for line in lines)
    assert any("baseline" in line and "0.9545" in line and "34.2" in line for line in lines)
