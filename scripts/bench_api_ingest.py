"""Ingest benchmark of the HTTP API: pages accepted per second and p50 / p99 latency of POST /v1/pages.

10 concurrent clients (threads with keep-alive connections) on loopback POST distinct pages (the
seed page with a unique line appended, so none is a duplicate) to a real API server of the
benchmark's own (its own key prefix, index alias and raw store on the shared Redis and
Elasticsearch, removed at the end). Two runs: workers stopped (pure acceptance: stream to the raw
store, record, queue) and workers running (the parser, enricher and indexer compete for the two
cores). The baseline, from the same run: the same pages through ``Ingestor.ingest_bytes`` in one
process, no HTTP (what ``newsflow ingest`` does per file).

Not a test: it prints numbers. Target on the 2-core machine: >= 100 pages/s, p99 <= 100 ms with
workers stopped.

    .venv/bin/python scripts/bench_api_ingest.py --pages 2000 --clients 10
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from newsflow.stack import LocalStack, isolated_pipeline  # noqa: E402
from shared.settings import Settings  # noqa: E402

SEED = ROOT / "seeds" / "000_617e04975ce0a18a.txt"
TOKEN = "bench-" + uuid.uuid4().hex


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pages(n: int, tag: str) -> list[bytes]:
    seed = SEED.read_bytes()
    return [seed + f"\n\nbench {tag} page {i}\n".encode() for i in range(n)]


def _start_api(env: dict[str, str], port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.api.serve", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **env, "NEWSFLOW_API_TOKENS": TOKEN},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the API server did not start")


def _post_all(port: int, pages: list[bytes], clients: int, server: subprocess.Popen | None = None) -> dict:
    latencies: list[float] = []
    errors: dict[int, int] = {}
    lock = threading.Lock()
    queue = list(enumerate(pages))

    def client() -> None:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        ) as http:
            while True:
                with lock:
                    if not queue:
                        return
                    i, body = queue.pop()
                started = time.perf_counter()
                response = http.post(f"/v1/pages?filename=bench-{i}.txt", content=body)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if response.status_code != 202:
                        errors[response.status_code] = errors.get(response.status_code, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    cpu_before = _cpu_s(server)
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    cpu = _cpu_s(server) - cpu_before
    latencies.sort()
    return {
        # CPU the API server spent per page: robust to a busy machine, unlike the wall-clock figures.
        "server_cpu_ms_per_page": round(cpu / len(pages) * 1000, 2),
        "pages": len(pages), "clients": clients, "seconds": round(wall, 2),
        "pages_per_s": round(len(pages) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))] * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1), "errors": errors,
    }  # fmt: skip


def _cpu_s(proc: subprocess.Popen | None) -> float:
    """CPU seconds of the server and its worker processes (NEWSFLOW_API_WORKERS) so far."""
    if proc is None:
        return 0.0
    import psutil

    server = psutil.Process(proc.pid)
    total = 0.0
    for each in (server, *server.children(recursive=True)):
        try:
            times = each.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def _baseline(settings: Settings, pages: list[bytes]) -> dict:
    from services.ingest.ingestor import Ingestor
    from shared.queues import make_celery
    from shared.runtime import Runtime

    ingestor = Ingestor(Runtime(settings), make_celery(settings))
    started, cpu = time.perf_counter(), time.process_time()
    for i, body in enumerate(pages):
        ingestor.ingest_bytes(body, f"baseline-{i}.txt")
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "pages": len(pages),
        "seconds": round(wall, 2),
        "pages_per_s": round(len(pages) / wall, 1),
        "mean_ms": round(wall / len(pages) * 1000, 2),
        "cpu_ms_per_page": round(cpu / len(pages) * 1000, 2),
    }


def _cleanup(settings: Settings) -> None:
    import redis
    from elasticsearch import Elasticsearch

    from services.indexer.es import delete_by_prefix

    client = redis.Redis.from_url(settings.redis_url)
    prefix = settings.key_prefix
    keys = [*client.scan_iter(match=f"{prefix}*", count=1000), *client.scan_iter(match=f"_kombu.binding.{prefix}*")]
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])
    delete_by_prefix(Elasticsearch(settings.elasticsearch_url), prefix)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="pages per run")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--skip-running", action="store_true", help="only the run with workers stopped")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    report: dict = {}
    load_at_start = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-api-") as workdir:
        prefix = "bapi" + uuid.uuid4().hex[:8]
        # A high-water mark above the run's size: this measures acceptance, not back-pressure.
        settings, env = isolated_pipeline(
            Settings(),
            prefix,
            Path(workdir) / "runtime",
            NEWSFLOW_API_PARSE_QUEUE_HIGH_WATER=str(10 * args.pages + 1000),
        )
        port = _free_port()
        api = _start_api(env, port)
        stack = LocalStack(settings, child_env=env)
        try:
            report["baseline_in_process"] = _baseline(settings, _pages(args.pages, "baseline"))
            _post_all(port, _pages(50, "warmup"), args.clients)
            report["workers_stopped"] = _post_all(port, _pages(args.pages, "stopped"), args.clients, api)
            if not args.skip_running:
                stack.start_workers()
                _post_all(port, _pages(20, "warm-workers"), args.clients)
                report["workers_running"] = _post_all(port, _pages(args.pages, "running"), args.clients, api)
        finally:
            api.terminate()
            api.wait(timeout=15)
            for name in ("parser", "enricher", "indexer"):
                stack.managed(name).stop()
            _cleanup(settings)
    report["machine"] = {
        "cpus": os.cpu_count(),
        "load_avg_1m_at_start": load_at_start,
        "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
        "api_workers": settings.api_workers,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    base = report["baseline_in_process"]
    print(
        f"baseline (Ingestor.ingest_bytes, one process, no HTTP): {base['pages_per_s']} pages/s, "
        f"{base['mean_ms']} ms a page, {base['cpu_ms_per_page']} ms CPU a page"
    )
    for run in ("workers_stopped", "workers_running"):
        if run in report:
            r = report[run]
            print(
                f"POST /v1/pages, {r['clients']} clients, {run.replace('_', ' ')}: {r['pages_per_s']} pages/s, "
                f"p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, max {r['max_ms']} ms, non-202: {r['errors'] or 0}, "
                f"server CPU {r['server_cpu_ms_per_page']} ms a page"
            )
    print(f"target: >= 100 pages/s and p99 <= 100 ms with workers stopped; machine: {report['machine']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
