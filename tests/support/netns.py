"""Test hosts on one machine: network namespaces joined to a bridge by veth pairs (``ip netns``, iproute2).

The root namespace is the hub (it owns the bridge and its first address); each host gets a namespace, a
veth pair and an address on the bridge's /24.  :meth:`HostNetwork.cut` takes a host's link down, as a
pulled cable would, and :meth:`HostNetwork.restore` brings it back.  Traffic never leaves the machine.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from dataclasses import dataclass
from typing import Self


class NetnsUnavailable(RuntimeError):
    """Raised when this machine cannot build namespaces (not root, no iproute2, or the kernel refuses)."""


def _ip(*args: str) -> None:
    result = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=20)
    if result.returncode != 0:
        raise NetnsUnavailable(f"ip {' '.join(args)}: {result.stderr.strip() or result.returncode}")


@dataclass(frozen=True)
class NetHost:
    name: str  # the namespace
    address: str
    link: str  # the hub-side end of its veth pair

    def command(self, argv: list[str]) -> list[str]:
        """``argv`` run inside this host (``ip netns exec`` execs it: the pid is the command's own)."""
        return ["ip", "netns", "exec", self.name, *argv]


class HostNetwork:
    def __init__(self) -> None:
        tag = secrets.token_hex(2)
        self.tag = tag
        self.bridge = f"ndbr{tag}"
        self.subnet = f"10.{secrets.randbelow(200) + 20}.{secrets.randbelow(250) + 1}"
        self.hub_address = f"{self.subnet}.1"
        self.hosts: dict[str, NetHost] = {}

    def start(self) -> Self:
        if shutil.which("ip") is None:
            raise NetnsUnavailable("iproute2's ip command is not installed")
        _ip("link", "add", self.bridge, "type", "bridge")
        try:
            _ip("addr", "add", f"{self.hub_address}/24", "dev", self.bridge)
            _ip("link", "set", self.bridge, "up")
        except NetnsUnavailable:
            self.stop()
            raise
        return self

    def add_host(self, role: str) -> NetHost:
        index = len(self.hosts) + 11
        host = NetHost(f"nd{self.tag}{role}", f"{self.subnet}.{index}", f"ndv{self.tag}{index}")
        peer = f"ndp{self.tag}{index}"
        _ip("netns", "add", host.name)
        self.hosts[role] = host
        _ip("link", "add", host.link, "type", "veth", "peer", "name", peer)
        _ip("link", "set", host.link, "master", self.bridge)
        _ip("link", "set", host.link, "up")
        _ip("link", "set", peer, "netns", host.name)
        _ip("-n", host.name, "addr", "add", f"{host.address}/24", "dev", peer)
        _ip("-n", host.name, "link", "set", peer, "up")
        _ip("-n", host.name, "link", "set", "lo", "up")
        return host

    def cut(self, role: str) -> None:
        _ip("link", "set", self.hosts[role].link, "down")

    def restore(self, role: str) -> None:
        _ip("link", "set", self.hosts[role].link, "up")

    def stop(self) -> None:
        for host in self.hosts.values():
            subprocess.run(["ip", "link", "del", host.link], capture_output=True, timeout=20)
            subprocess.run(["ip", "netns", "del", host.name], capture_output=True, timeout=20)
        self.hosts.clear()
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True, timeout=20)
