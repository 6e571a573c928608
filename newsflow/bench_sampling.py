"""Machine and process sampling for ``newsflow bench``: CPU seconds, RSS, queue depths, machine use.

Read while the pipeline runs (``Sampler`` in a thread) or once on each side of it, and summarised
as percentiles for the report.
"""

from __future__ import annotations

import statistics
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import psutil


def cpu_seconds(processes: list[psutil.Process]) -> float:
    """User + system CPU seconds of these processes so far (any that ended count nothing)."""
    total = 0.0
    for proc in processes:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def server_process(name: str, url: str, settings) -> psutil.Process | None:
    """The local process serving ``url`` (Redis or Elasticsearch), so the bench can count its CPU.

    The one the local stack started, else whatever listens on the URL's port on this machine (a
    server started by someone else, a container's published port); None for a remote server.
    A server shared with other clients counts their work too: the report says it is shared.
    """
    from newsflow.stack import LocalStack

    started = LocalStack(settings).managed(name).process()
    if started is not None:
        return started
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1") or parts.port is None:
        return None
    try:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr.port == parts.port and conn.pid:
                return psutil.Process(conn.pid)
    except (psutil.AccessDenied, psutil.NoSuchProcess):
        return None
    return None


@dataclass
class Sampler:
    """Samples CPU seconds and RSS of worker process trees, and queue depths, in a thread."""

    pids: dict[str, int]
    depth: Callable[[], dict[str, int]]
    interval_s: float = 0.5
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    rss_series: dict[str, list[float]] = field(default_factory=dict)
    depths: list[dict[str, int]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def _tree(self, pid: int) -> list[psutil.Process]:
        try:
            root = psutil.Process(pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def cpu_s(self) -> dict[str, float]:
        return {name: cpu_seconds(self._tree(pid)) for name, pid in self.pids.items()}

    def _sample(self) -> None:
        for name, pid in self.pids.items():
            rss = 0.0
            for proc in self._tree(pid):
                try:
                    rss += proc.memory_info().rss / 2**20
                except psutil.NoSuchProcess:
                    continue
            self.peak_rss_mb[name] = max(self.peak_rss_mb.get(name, 0.0), rss)
            self.rss_series.setdefault(name, []).append(rss)
        try:
            self.depths.append(self.depth())
        except Exception:  # noqa: BLE001 - a missed sample is not worth failing a benchmark
            pass

    def run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._sample()

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()


def machine_use(before, after, elapsed_s: float) -> dict[str, float]:
    """How busy the whole machine was between two ``psutil.cpu_times()`` readings.

    ``cores_busy`` counts every process (workers, servers, this one, anything else) and
    ``cores_idle`` what nobody used; ``cores_stolen`` is time the hypervisor gave to other
    guests, which neither the pipeline nor the ceiling can use.
    """
    delta = {field: getattr(after, field) - getattr(before, field) for field in after._fields}
    idle = delta["idle"] + delta.get("iowait", 0.0)
    stolen = delta.get("steal", 0.0)
    busy = sum(delta.values()) - idle - stolen - delta.get("guest", 0.0) - delta.get("guest_nice", 0.0)
    return {"cores_busy": busy / elapsed_s, "cores_idle": idle / elapsed_s, "cores_stolen": stolen / elapsed_s}


def percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None}
    if len(values) == 1:
        return {"p50": values[0], "p95": values[0]}
    qs = statistics.quantiles(values, n=20, method="inclusive")
    return {"p50": statistics.median(values), "p95": qs[18]}
