"""``newsdesk flower`` as a real process on a free loopback port, for integration tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.support.processes import wait_until
from tests.support.redis_server import free_port


class FlowerProcess:
    def __init__(self, env: dict[str, str], log_path: Path, *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "newsdesk", "flower", "--port", str(self.port), *extra],
                env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def wait_ready(self) -> None:
        def up() -> bool:
            assert self.process.poll() is None, self.log_path.read_text()
            try:
                return httpx.get(self.url + "/", timeout=1).status_code == 401
            except httpx.HTTPError:
                return False

        wait_until(up, 60, message="flower to listen")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
