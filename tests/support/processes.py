"""Real newsdesk processes for integration tests: workers and CLI commands, each its own OS process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def newsdesk_env(data_dir: Path, redis_url: str, database_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env["NEWSDESK_DATA_DIR"] = str(data_dir)
    env["NEWSDESK_REDIS_URL"] = redis_url
    if database_url:
        env["NEWSDESK_DATABASE_URL"] = database_url
    env.update(extra)
    return env


def run_cli(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


class WorkerProcess:
    """``newsdesk worker`` in its own process group, so a test can kill the whole worker at once."""

    def __init__(self, env: dict[str, str], log_path: Path, concurrency: int = 2, extra_args: list[str] | None = None):
        self.env = env
        self.log_path = log_path
        self.args = [
            sys.executable, "-m", "newsdesk", "worker", "--concurrency", str(concurrency), *(extra_args or []),
        ]  # fmt: skip
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.args, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill_all(self) -> None:
        """kill -9 the worker and its pool children."""
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
            self.process = None

    def terminate(self, timeout: float = 60) -> int:
        """SIGTERM: Celery's warm shutdown."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        self.process = None
        return code

    def stop(self) -> None:
        if self.process is not None:
            try:
                self.terminate(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill_all()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.2, message: str = "") -> float:
    """Poll until ``predicate`` holds; returns the seconds it took. Raises AssertionError on timeout."""
    start = time.monotonic()
    while True:
        if predicate():
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout}s waiting for {message or predicate}")
        time.sleep(interval)
