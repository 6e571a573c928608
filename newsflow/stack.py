"""The local stack without Docker: real Redis, a real Elasticsearch node, the workers, the watcher, the API.

``newsflow up`` (and ``make up``) starts whatever is not already running and
waits until each part is healthy; ``newsflow down`` stops what ``up`` started.
Redis is Debian's ``redis-server`` with an append-only file; Elasticsearch is
the node assembled from Maven Central by ``tools/elasticsearch/``. Everything
binds to 127.0.0.1 and keeps its data and logs under ``settings.runtime_dir``.
The HTTP API listens on ``127.0.0.1:{NEWSFLOW_API_PORT}`` (8000); the first
``up`` writes a random token to ``runtime_dir/api-token`` (mode 0600) unless
``NEWSFLOW_API_TOKENS`` is set.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis

from newsflow.processes import ManagedProcess, wait_until
from shared.queues import make_celery
from shared.settings import PROJECT_ROOT, Settings

WORKERS = ("parser", "enricher", "indexer")
ES_SCRIPT = PROJECT_ROOT / "tools" / "elasticsearch" / "elasticsearch.sh"


def isolated_pipeline(
    base: Settings, prefix: str, runtime_dir: Path, **extra_env: str
) -> tuple[Settings, dict[str, str]]:
    """Settings and the matching NEWSFLOW_* environment for a pipeline of its own on shared servers.

    Its key prefix names its queues, status keys and dead letters; its alias names its index; its
    runtime folder holds its raw store, pid files and logs. Tests and ``newsflow bench`` use it so
    that they never touch each other's data or a running stack.
    """
    env = {
        # Its own API port too: `up` on an isolated pipeline must not collide with a running stack.
        "NEWSFLOW_API_PORT": str(free_port()),
        "NEWSFLOW_KEY_PREFIX": prefix,
        "NEWSFLOW_INDEX_ALIAS": f"{prefix}-articles",
        "NEWSFLOW_RUNTIME_DIR": str(runtime_dir),
        "NEWSFLOW_REDIS_URL": base.redis_url,
        "NEWSFLOW_ELASTICSEARCH_URL": base.elasticsearch_url,
        **extra_env,
    }
    # Strings, as in the environment: Settings parses and validates them the same way.
    values: dict[str, Any] = {k.removeprefix("NEWSFLOW_").lower(): v for k, v in env.items()}
    return Settings(**values), env


def free_port() -> int:
    """A TCP port nothing listens on right now (on the loopback interface)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_api_token(settings: Settings) -> Path | None:
    """The token file, written with a random token (mode 0600) when there is none yet.

    None when ``NEWSFLOW_API_TOKENS`` is set: the tokens are then the user's, not ours.
    """
    if settings.api_tokens is not None:
        return None
    path = settings.api_token_path
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another `up` won the race: its token stands
            return path
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(32) + "\n")
    return path


class StackError(RuntimeError):
    pass


@dataclass(frozen=True)
class Part:
    name: str
    where: str
    log: Path
    state: str


class LocalStack:
    def __init__(self, settings: Settings, child_env: dict[str, str] | None = None):
        """``child_env``: extra environment for the processes started (tests pass their own NEWSFLOW_*)."""
        self.settings = settings
        self.child_env = child_env or {}
        self.pid_dir = settings.runtime_dir / "pids"

    def managed(self, name: str) -> ManagedProcess:
        return ManagedProcess(name, self.pid_dir, self.settings.log_dir)

    # -- health checks -------------------------------------------------------------------------
    def redis_ok(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.settings.redis_url, socket_connect_timeout=1).ping())
        except redis.RedisError:
            return False

    def elasticsearch_ok(self) -> bool:
        try:
            url = self.settings.elasticsearch_url.rstrip("/") + "/_cluster/health"
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local URL from settings
                return b'"status":"red"' not in response.read()
        except OSError:
            return False

    def api_ok(self) -> bool:
        try:
            url = f"http://127.0.0.1:{self.settings.api_port}/healthz"
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local URL from settings
                return response.status == 200
        except OSError:
            return False

    def workers_ok(self, names=WORKERS) -> bool:
        app = make_celery(self.settings)
        try:
            replies = app.control.ping(timeout=1.0)
        finally:
            app.close()
        seen = {node.split("@")[0] for reply in replies for node in reply}
        return all(self.worker_node(name).split("@")[0] in seen for name in names)

    def worker_node(self, name: str) -> str:
        return f"{name}.{self.settings.key_prefix}@%h"

    # -- starting ------------------------------------------------------------------------------
    def start_redis(self) -> None:
        if self.redis_ok():
            return
        if shutil.which("redis-server") is None:
            raise StackError("redis-server is not installed; run `make bootstrap` (scripts/bootstrap.sh)")
        data = self.settings.runtime_dir / "redis"
        data.mkdir(parents=True, exist_ok=True)
        self.managed("redis").start(
            [
                "redis-server",
                "--port",
                str(self.settings.redis_port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(data),
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                "--save",
                "",
                "--daemonize",
                "no",
            ]
        )
        if not wait_until(self.redis_ok, 15):
            raise StackError(f"Redis did not answer on {self.settings.redis_url}; see {self.managed('redis').log_file}")

    def start_elasticsearch(self) -> None:
        if self.elasticsearch_ok():
            return
        build = subprocess.run(["bash", str(ES_SCRIPT), "build"], capture_output=True, text=True)
        if build.returncode != 0:
            raise StackError(f"building the local Elasticsearch node failed:\n{build.stdout}\n{build.stderr}")
        data = self.settings.runtime_dir / "elasticsearch"
        self.managed("elasticsearch").start(
            [
                "bash",
                str(ES_SCRIPT),
                "run",
                "--port",
                str(self.settings.elasticsearch_port),
                "--data-dir",
                str(data / "data"),
                "--logs-dir",
                str(data / "logs"),
                "--heap-mb",
                str(self.settings.elasticsearch_heap_mb),
            ]
        )
        if not wait_until(self.elasticsearch_ok, 180, interval_s=0.5):
            raise StackError(
                f"Elasticsearch did not become healthy on {self.settings.elasticsearch_url}; "
                f"see {self.managed('elasticsearch').log_file}"
            )

    def start_workers(self, names=WORKERS) -> None:
        for name in names:
            self.managed(name).start(
                [sys.executable, "-m", "newsflow.cli", "worker", name], env=self.child_env, cwd=PROJECT_ROOT
            )

        def ready() -> bool:
            dead = [name for name in names if not self.managed(name).running()]
            if dead:
                raise StackError(f"worker {dead[0]} exited at start:\n{self._log_tail(dead[0])}")
            return self.workers_ok(names)

        try:
            if not wait_until(ready, 120, interval_s=1.0, give_up_on=StackError):
                raise StackError(f"workers {', '.join(names)} did not answer; see {self.settings.log_dir}")
        except StackError:
            # Nobody will stop workers that never answered: the caller only gets the error.
            for name in names:
                self.managed(name).stop()
            raise

    def _log_tail(self, name: str, lines: int = 15) -> str:
        try:
            return "\n".join(self.managed(name).log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def start_watcher(self) -> None:
        self.settings.drop_folder.mkdir(parents=True, exist_ok=True)
        self.managed("watcher").start(
            [sys.executable, "-m", "newsflow.cli", "watch", str(self.settings.drop_folder)],
            env=self.child_env,
            cwd=PROJECT_ROOT,
        )

    def start_sweeper(self) -> None:
        self.managed("sweeper").start(
            [sys.executable, "-m", "newsflow.cli", "sweep"], env=self.child_env, cwd=PROJECT_ROOT
        )

    def start_api(self) -> None:
        """The HTTP API on 127.0.0.1 (``newsflow api``), with a token created on first start."""
        ensure_api_token(self.settings)
        api = self.managed("api")
        if api.running():
            return
        api.start(
            [sys.executable, "-m", "newsflow.cli", "api", "--host", "127.0.0.1", "--port", str(self.settings.api_port)],
            env=self.child_env, cwd=PROJECT_ROOT,
        )  # fmt: skip

        def ready() -> bool:
            if not api.running():
                raise StackError(f"the API exited at start:\n{self._log_tail('api')}")
            return self.api_ok()

        if not wait_until(ready, 60, interval_s=0.5, give_up_on=StackError):
            raise StackError(f"the API did not answer on port {self.settings.api_port}; see {api.log_file}")

    def up(self, *, services_only: bool = False) -> list[Part]:
        self.start_redis()
        self.start_elasticsearch()
        if not services_only:
            self.start_workers()
            self.start_watcher()
            self.start_sweeper()
            self.start_api()
        return self.parts()

    def down(self) -> list[str]:
        """Stop, in reverse order, only what ``up`` started (pid files). Returns the names stopped."""
        order = ("api", "watcher", "sweeper", *WORKERS, "elasticsearch", "redis")
        return [name for name in order if self.managed(name).stop()]

    def parts(self) -> list[Part]:
        s = self.settings

        def state(name: str, healthy: bool | None = None) -> str:
            running = self.managed(name).running()
            if healthy is None:
                return "running" if running else "stopped"
            if healthy:
                return "running" if running else "running (not started by newsflow)"
            return "unhealthy" if running else "stopped"

        return [
            Part("redis", s.redis_url, self.managed("redis").log_file, state("redis", self.redis_ok())),
            Part(
                "elasticsearch",
                s.elasticsearch_url,
                self.managed("elasticsearch").log_file,
                state("elasticsearch", self.elasticsearch_ok()),
            ),
            *(
                Part(n, f"queue {s.key_prefix}.{q}", self.managed(n).log_file, state(n))
                for n, q in zip(WORKERS, ("parse", "enrich", "index"), strict=True)
            ),
            Part("watcher", str(s.drop_folder), self.managed("watcher").log_file, state("watcher")),
            Part(
                "sweeper",
                f"redrives after {s.stalled_after_s:.0f} s idle",
                self.managed("sweeper").log_file,
                state("sweeper"),
            ),
            Part(
                "api",
                f"http://127.0.0.1:{s.api_port} (token: {_token_hint(s)})",
                self.managed("api").log_file,
                state("api"),
            ),
        ]


def _token_hint(settings: Settings) -> str:
    return "NEWSFLOW_API_TOKENS" if settings.api_tokens is not None else str(settings.api_token_path)
