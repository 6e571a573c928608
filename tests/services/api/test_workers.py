"""A real server in two worker processes (NEWSFLOW_API_WORKERS=2, the default): both share the port,
every page is accepted once, and ``/metrics`` counts the requests of both processes."""

from __future__ import annotations

import os

import httpx
import psutil
import pytest

from tests.services.api.api_server import free_port, start_api_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TOKEN = "test-token-" + "w" * 20
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PAGES = 24



def _posted_count(metrics: str) -> float:
    prefix = 'newsflow_api_requests_total{method="POST",route="/v1/pages",status="202"}'
    return sum(float(line.split()[-1]) for line in metrics.splitlines() if line.startswith(prefix))


def test_two_workers_share_the_port_and_metrics_count_both(isolated, redis_client, es):
    settings, env = isolated
    port = free_port()
    env = {**os.environ, **env, "NEWSFLOW_API_TOKENS": TOKEN, "NEWSFLOW_API_WORKERS": "2"}
    proc = start_api_server(env, port, timeout_s=90)
    base = f"http://127.0.0.1:{port}"
    try:
        workers = [p for p in psutil.Process(proc.pid).children() if "spawn_main" in " ".join(p.cmdline())]
        assert len(workers) == 2, [p.cmdline() for p in psutil.Process(proc.pid).children()]

        ids = set()
        for i in range(PAGES):  # a new connection each time: the kernel spreads them over the workers
            answer = httpx.post(f"{base}/v1/pages", content=f"worker test page {i}".encode(), headers=AUTH)
            assert answer.status_code == 202, answer.text
            ids.add(answer.json()["raw_id"])
        again = httpx.post(f"{base}/v1/pages", content=b"worker test page 0", headers=AUTH).json()
        assert len(ids) == PAGES and again["duplicate"] is True

        for _ in range(4):  # whichever worker answers the scrape, it counts every worker's requests
            metrics = httpx.get(f"{base}/metrics", headers=AUTH).text
            assert _posted_count(metrics) == PAGES + 1, metrics[:2000]  # the duplicate is a 202 too
            assert f'newsflow_files{{state="received"}} {PAGES}.0' in metrics
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert proc.returncode == 0
