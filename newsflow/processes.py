"""Supervise local background processes through pid files.

``newsflow up`` starts Redis, Elasticsearch, the workers and the watcher as
detached processes; each gets a pid file holding its pid *and* its start time,
so ``down`` stops exactly what ``up`` started and never a stranger that reused
a pid.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psutil


@dataclass(frozen=True)
class ManagedProcess:
    name: str
    pid_dir: Path
    log_dir: Path

    @property
    def pid_file(self) -> Path:
        return self.pid_dir / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return self.log_dir / f"{self.name}.log"

    def process(self) -> psutil.Process | None:
        """The running process this pid file names, or None (stale files are removed)."""
        try:
            pid_text, started_text = self.pid_file.read_text().split()
            proc = psutil.Process(int(pid_text))
            if abs(proc.create_time() - float(started_text)) < 0.01 and proc.status() != psutil.STATUS_ZOMBIE:
                return proc
        except (FileNotFoundError, ValueError, psutil.NoSuchProcess):
            pass
        self.pid_file.unlink(missing_ok=True)
        return None

    def running(self) -> bool:
        return self.process() is not None

    def start(self, argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> int:
        """Start detached (own session, output to the log file); no-op when already running."""
        proc = self.process()
        if proc is not None:
            return proc.pid
        self.pid_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as log:
            child = subprocess.Popen(
                argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **(env or {})},
                cwd=cwd,
                start_new_session=True,
            )
        started = psutil.Process(child.pid).create_time()
        self.pid_file.write_text(f"{child.pid} {started}\n")
        return child.pid

    def stop(self, timeout_s: float = 20.0) -> bool:
        """SIGTERM the process group, SIGKILL after ``timeout_s``. True when something was stopped."""
        proc = self.process()
        if proc is None:
            return False
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=timeout_s)
        except psutil.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=5)
        self._reap_group(proc.pid)
        self.pid_file.unlink(missing_ok=True)
        return True

    @staticmethod
    def _reap_group(pgid: int) -> None:
        """Children that outlived their parent (e.g. prefork pool members) are stopped too."""
        for other in psutil.process_iter(["pid"]):
            try:
                if os.getpgid(other.pid) == pgid:
                    other.kill()
            except (ProcessLookupError, psutil.NoSuchProcess, PermissionError):
                continue


def wait_until(check, timeout_s: float, interval_s: float = 0.25, give_up_on: type[Exception] | None = None) -> bool:
    """Poll ``check()`` until it is truthy or the time is up; ``give_up_on`` exceptions propagate."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except Exception as exc:  # noqa: BLE001 - a service that is still starting may raise anything
            if give_up_on is not None and isinstance(exc, give_up_on):
                raise
            pass
        time.sleep(interval_s)
    return False
