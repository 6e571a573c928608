"""The command line parses and documents every command, and rejects bad dates before touching a server."""

import pytest
from typer.testing import CliRunner

from newsflow.cli import app

pytestmark = pytest.mark.unit
runner = CliRunner()

COMMANDS = ["up", "down", "worker", "ingest", "watch", "search", "export", "status", "verify", "sweep", "reprocess", "reindex",
            "api", "bench", "dlq", "eval", "kibana"]


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


def test_api_refuses_to_start_without_a_token(tmp_path, monkeypatch):
    from shared.settings import get_settings

    monkeypatch.delenv("NEWSFLOW_API_TOKENS", raising=False)
    monkeypatch.setenv("NEWSFLOW_API_TOKEN_FILE", str(tmp_path / "no-such-token"))
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["api", "--port", "0"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "the API needs a token" in result.output and "NEWSFLOW_API_TOKENS" in result.output


@pytest.mark.parametrize("args", [["search", "x", "--sort", "sideways"], ["search", "x", "--size", "500"],
                                  ["search", "x", "--cursor", "garbage!"], ["export", "x", "--format", "xml"]])
def test_search_and_export_refuse_bad_options_before_touching_a_server(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output


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
