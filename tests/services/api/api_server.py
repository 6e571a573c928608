"""Start the real API server (``services.api.serve``) as a subprocess and wait until it answers."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx

from shared.settings import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_api_server(env: dict[str, str], port: int, timeout_s: float) -> subprocess.Popen:
    """The server on ``port`` once ``/healthz`` answers 200; fails with its stderr if it dies or is late."""
    proc = subprocess.Popen([sys.executable, "-m", "services.api.serve", "--port", str(port)], env=env,
                            cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"API did not start: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.2)
