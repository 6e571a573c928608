"""A real uvicorn server: a 1 GB body is refused while streaming, its memory stays flat, nothing is kept.

The body is generated on the fly (never held anywhere) and sent chunked, so only the server's
running count can stop it; the server must answer 413 after the limit without reading the rest.
"""

from __future__ import annotations

import os
import select
import socket

import psutil
import pytest

from tests.services.api.api_server import free_port, start_api_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TOKEN = "test-token-" + "x" * 20
GIB = 1 << 30
CHUNK = 1 << 20
LIMIT = 8 * CHUNK



@pytest.fixture
def server(isolated, redis_client, es):
    settings, env = isolated
    port = free_port()
    # One worker process: the memory measured is that of the process that reads the body.
    env = {**os.environ, **env, "NEWSFLOW_API_TOKENS": TOKEN, "NEWSFLOW_MAX_RAW_BYTES": str(LIMIT * 16),
           "NEWSFLOW_API_WORKERS": "1"}
    proc = start_api_server(env, port, timeout_s=60)
    base = f"http://127.0.0.1:{port}"
    yield base, port, proc, settings
    proc.terminate()
    proc.wait(timeout=15)


def _rss_mb(proc) -> float:
    return psutil.Process(proc.pid).memory_info().rss / 1e6


def _stream_chunked(port: int, total: int, path: str = "/v1/pages") -> tuple[int, bytes]:
    """Send ``total`` bytes chunked until the server answers or hangs up; (bytes sent, answer)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {TOKEN}\r\n"
        "Transfer-Encoding: chunked\r\n\r\n".encode()
    )
    frame = f"{CHUNK:x}\r\n".encode() + b"z" * CHUNK + b"\r\n"
    sent, answer = 0, b""
    try:
        while sent < total:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            sock.sendall(frame)
            sent += CHUNK
        else:
            sock.sendall(b"0\r\n\r\n")
        sock.settimeout(30)
        while b"\r\n\r\n" not in answer:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server hung up on the rest of the body
    finally:
        sock.close()
    return sent, answer


def test_a_1gb_body_is_refused_while_streaming_with_flat_memory(server):
    base, port, proc, settings = server
    before = _rss_mb(proc)
    sent, answer = _stream_chunked(port, GIB)
    after = _rss_mb(proc)

    assert sent < GIB // 4, f"server read {sent} bytes of a body past its limit"
    assert not answer or answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert after - before < 50, f"server memory grew {after - before:.0f} MB"
    raw = settings.raw_dir
    assert not raw.exists() or not [p for p in raw.rglob("*") if p.is_file()], "an oversized body left bytes behind"
    # Declared up front: refused before a byte of the body is read.
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(f"POST /v1/pages HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {TOKEN}\r\n"
                     f"Content-Length: {GIB}\r\n\r\n".encode())
        assert sock.recv(65536).startswith(b"HTTP/1.1 413")


def test_a_large_accepted_body_streams_to_disk_with_flat_memory(server):
    base, port, proc, settings = server
    before = _rss_mb(proc)
    sent, answer = _stream_chunked(port, 64 * CHUNK)
    after = _rss_mb(proc)
    assert answer.startswith(b"HTTP/1.1 202"), answer[:300]
    assert sent == 64 * CHUNK
    assert after - before < 40, f"server memory grew {after - before:.0f} MB for a 64 MB body"
    [blob] = [p for p in settings.raw_dir.rglob("*") if p.is_file()]
    assert blob.stat().st_size == 64 * CHUNK
