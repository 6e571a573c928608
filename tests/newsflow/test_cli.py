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
