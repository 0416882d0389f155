"""Who the client is, and whether it came over TLS, when a proxy stands in front of the desk.

``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only from a peer listed in
``review.trusted_proxies``.  The client is the right-most ``X-Forwarded-For`` entry that is not
itself a trusted proxy (entries further left were written by the client and prove nothing).
uvicorn's own proxy handling is switched off (:data:`UVICORN_OPTIONS`): by default it believes
these headers from 127.0.0.1, so anything running on the machine could forge its address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import Any, Final

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# What `newsdesk review serve` (and the tests' server) hand to uvicorn.
UVICORN_OPTIONS: Final[dict[str, Any]] = {"proxy_headers": False, "server_header": False}


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = text.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51000"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted(peer: str, networks: Sequence[Network]) -> bool:
    address = _address(peer)
    return address is not None and any(address in network for network in networks)


def forwarded_client(peer: str, forwarded_for: Sequence[str], networks: Sequence[Network]) -> str:
    """The client address behind a trusted ``peer``, walking ``X-Forwarded-For`` from the right."""
    client = peer
    hops = [entry for header in forwarded_for for entry in header.split(",") if entry.strip()]
    for entry in reversed(hops):
        if not is_trusted(client, networks):
            break
        address = _address(entry)
        if address is None:
            break  # a trusted proxy wrote something that is no address: stop at that proxy
        client = str(address)
    return client


def forwarded_proto(values: Sequence[str]) -> str | None:
    """The scheme the nearest proxy saw: the last entry of the last header, if it is http or https."""
    entries = [entry.strip().lower() for value in values for entry in value.split(",") if entry.strip()]
    if entries and entries[-1] in ("http", "https"):
        return entries[-1]
    return None


class TrustedProxies:
    """Pure ASGI middleware: rewrites the scope's client and scheme from a trusted proxy's headers."""

    def __init__(self, app: ASGIApp, networks: Sequence[Network]) -> None:
        self.app = app
        self.networks = tuple(networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and client and is_trusted(client[0], self.networks):
            headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
            xff = [value.decode("latin-1") for name, value in headers if name == b"x-forwarded-for"]
            proto = forwarded_proto(
                [value.decode("latin-1") for name, value in headers if name == b"x-forwarded-proto"]
            )
            scope = dict(scope)
            scope["client"] = (forwarded_client(client[0], xff, self.networks), 0)
            if proto is not None:
                scope["scheme"] = proto if scope["type"] == "http" else ("wss" if proto == "https" else "ws")
        await self.app(scope, receive, send)
