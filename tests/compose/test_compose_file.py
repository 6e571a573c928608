"""The compose file is the production path: it must stay valid and speak the code's settings."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from shared.settings import Settings

pytestmark = pytest.mark.compose
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    if shutil.which("docker-compose") is None:
        pytest.fail("docker-compose is not installed (scripts/bootstrap.sh installs Debian's package)")
    out = subprocess.run(["docker-compose", "config", "-q"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    rendered = subprocess.run(["docker-compose", "config"], cwd=ROOT, capture_output=True, text=True, check=True)
    return yaml.safe_load(rendered.stdout)


def test_stack_has_every_production_service(compose):
    expected = {"redis", "elasticsearch", "kibana", "kibana-setup", "parser", "enricher", "indexer", "watcher", "sweeper", "flower", "api"}
    assert expected <= set(compose["services"])


def test_every_newsflow_variable_in_compose_is_a_real_setting(compose):
    fields = {name.upper() for name in Settings.model_fields}
    for name, service in compose["services"].items():
        for key in (service.get("environment") or {}):
            if key.startswith("NEWSFLOW_"):
                assert key.removeprefix("NEWSFLOW_") in fields, f"{name} sets {key}, which no setting reads"


def test_workers_wait_for_healthy_backends_and_consume_one_queue_each(compose):
    for worker in ("parser", "enricher", "indexer"):
        service = compose["services"][worker]
        assert service["command"] == ["worker", worker]
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"
        assert service["depends_on"]["elasticsearch"]["condition"] == "service_healthy"


def test_redis_keeps_an_append_only_file_and_backends_are_not_published(compose):
    assert "--appendonly" in compose["services"]["redis"]["command"]
    for backend in ("redis", "elasticsearch"):
        assert not compose["services"][backend].get("ports"), f"{backend} must not be published on the host"
    for published in ("kibana", "flower", "api"):
        for port in compose["services"][published].get("ports", []):
            assert str(port.get("host_ip", port) if isinstance(port, dict) else port).startswith("127.0.0.1")


def test_compose_runs_the_pinned_elastic_stack_version(compose):
    from services.indexer.stack import ELASTIC_STACK_VERSION

    for name in ("elasticsearch", "kibana"):
        assert compose["services"][name]["image"].rsplit(":", 1)[1] == ELASTIC_STACK_VERSION


def test_the_parser_container_yields_the_cpu_to_the_enrichers(compose):
    """Equal cgroup weights would let one parser take as much CPU as every enricher process together."""
    services = compose["services"]
    assert int(services["parser"]["cpu_shares"]) < int(services["enricher"].get("cpu_shares", 1024))
