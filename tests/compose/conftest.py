"""The production compose stack, for real: containers built and started by scripts/compose.sh.

One stack per test session (project ``newsflowtest``, its own volumes and a temporary drop
folder, so a developer's ``make compose-up`` stack is left alone), on a real Docker engine
when one answers, else podman with the stand-in images (compose/README.md). Elasticsearch
is read on the host's loopback (``compose/standins.yml`` publishes it); the newsflow CLI
runs inside the sweeper container, against the stack's own Redis.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "compose.sh"
# Per run, and free ports: two runs on one machine (two worktrees) must not break each other's stack.
PROJECT = f"newsflowtest{os.getpid()}"
API_TOKEN = "compose-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
ALIAS = "newsflow-articles"
# Short redelivery windows, as in tests/e2e/test_faults.py: a killed worker's messages come back
# within the test, and the sweeper redrives a stalled file after 10 s.
FAST_DELIVERY = {
    "NEWSFLOW_VISIBILITY_TIMEOUT_S": "10",
    "NEWSFLOW_STALLED_AFTER_S": "10",
    "NEWSFLOW_SWEEP_INTERVAL_S": "1",
}


class ComposeStack:
    def __init__(self, drop: Path):
        self.drop = drop
        self.es_port, self.api_port = free_port(), free_port()
        self.env = {**os.environ, **FAST_DELIVERY, "COMPOSE_PROJECT_NAME": PROJECT,
                    "NEWSFLOW_HOST_DROP_DIR": str(drop), "NEWSFLOW_COMPOSE_ES_PORT": str(self.es_port),
                    "NEWSFLOW_COMPOSE_API_PORT": str(self.api_port), "NEWSFLOW_COMPOSE_FLOWER_PORT": str(free_port()),
                    "NEWSFLOW_API_TOKENS": API_TOKEN}
        if self.engine() == "docker":  # the official images publish no Elasticsearch port
            self.env["NEWSFLOW_COMPOSE_FILES"] = str(ROOT / "compose" / "publish-es.yml")
        self.up_seconds: float | None = None

    def sh(self, *args: str, timeout: float = 600, check: bool = True) -> subprocess.CompletedProcess:
        out = subprocess.run(["bash", str(SCRIPT), *args], cwd=ROOT, env=self.env, capture_output=True,
                             text=True, timeout=timeout)
        if check and out.returncode != 0:
            raise AssertionError(f"compose.sh {' '.join(args)} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
        return out

    def engine(self) -> str:
        return self.sh("info").stdout.split()[0].removeprefix("engine=")

    def compose(self, *args: str, **kw) -> subprocess.CompletedProcess:
        return self.sh("compose", *args, **kw)

    def docker(self, *args: str, **kw) -> subprocess.CompletedProcess:
        return self.sh("docker", *args, **kw)

    def up(self) -> None:
        started = time.monotonic()
        self.sh("up", timeout=45 * 60)
        self.up_seconds = time.monotonic() - started

    def containers(self, service: str) -> list[str]:
        return [c for c in self.compose("ps", "-q", service).stdout.split() if c]

    def state(self, container: str) -> tuple[str, str]:
        # podman reports an empty health status for a container without a health check.
        health = '{{if .State.Health}}{{or .State.Health.Status "none"}}{{else}}none{{end}}'
        out = self.docker("inspect", "-f", "{{.State.Status}} " + health, container).stdout.split()
        return out[0], out[1]

    def newsflow(self, *args: str) -> str:
        # podman's Docker API, on a loaded machine, now and then ends an exec with status 1 and no
        # output at all before the command ran: that (and only that) is tried again.
        for _ in range(2):
            out = self.compose("exec", "-T", "sweeper", "newsflow", *args, check=False)
            if out.returncode == 0 or out.stdout or out.stderr:
                break
            time.sleep(2)
        assert out.returncode == 0, f"newsflow {' '.join(args)} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}"
        return out.stdout

    def es(self, path: str, body: dict | None = None, method: str | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.es_port}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def api(self, path: str, token: str | None = None) -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        request = urllib.request.Request(f"http://127.0.0.1:{self.api_port}{path}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def urls(self, prefix: str) -> list[str]:
        """Every indexed article URL starting with ``prefix`` (one per document: duplicates show)."""
        try:
            self.es(f"/{ALIAS}/_refresh", method="POST")
            hits = self.es(f"/{ALIAS}/_search", {"size": 1000, "_source": ["url"],
                                                 "query": {"prefix": {"url": prefix}}})["hits"]["hits"]
        except urllib.error.HTTPError as exc:
            if exc.code == 404:  # no index yet
                return []
            raise
        return [h["_source"]["url"] for h in hits]

    def total(self) -> int:
        try:
            return self.es(f"/{ALIAS}/_count")["count"]
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return 0
            raise


def wait_until(predicate, timeout_s: float, what: str, poll_s: float = 1.0):
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(poll_s)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    # Module scope: the containers are gone before the suite's other tests share the two cores.
    stack = ComposeStack(tmp_path_factory.mktemp("compose-drop"))
    stack.sh("down", "-v", check=False)  # what an interrupted earlier run left behind
    try:
        stack.up()
        yield stack
    finally:
        out = stack.sh("down", "-v", check=False, timeout=300)
        print(out.stdout, out.stderr)
