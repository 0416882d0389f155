"""Decide whether a URL is a safe crawl target (server-side request forgery guard).

A crawler fetches whatever URLs the web hands it (links, redirects, meta
refreshes), so a hostile page could point it at the cloud metadata service or
an internal admin panel.  :func:`check_url` refuses every URL whose host is, or
resolves to, an address outside the public internet.  It understands the
numeric host spellings that the C resolver accepts (``2130706433``,
``0x7f.1``, ``0177.0.0.1``, ``127.1``) and IPv6 addresses that embed an IPv4
one (mapped, IPv4-compatible, 6to4, NAT64), because each of them reaches the
same forbidden machine.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from ipaddress import IPv4Address, IPv6Address, ip_address
from urllib.parse import urlsplit

from crawler.address_ranges import ALLOWED_SCHEMES, FORBIDDEN_NETWORKS, IPV4_COMPATIBLE, NAT64_WELL_KNOWN
from pipelines.errors import RefusedAddress

__all__ = ["Resolver", "check_url", "forbidden_reason", "parse_numeric_host", "resolve_host"]

IPAddress = IPv4Address | IPv6Address
Resolver = Callable[[str], list[str]]

# A host "ends in a number" (WHATWG URL standard) when its last label is
# decimal or 0x-hex; such hosts are IPv4 addresses, never domain names.
_NUMERIC_LABEL = re.compile(r"^(?:[0-9]+|0[xX][0-9a-fA-F]*)$")


def resolve_host(host: str) -> list[str]:
    """Every address ``host`` resolves to, via the system resolver; raises OSError when it cannot."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    # Strip an IPv6 zone ("fe80::1%eth0"): the zone does not change the range.
    return sorted({str(info[4][0]).split("%", 1)[0] for info in infos})


def _parse_number(label: str) -> int:
    if label[:2] in ("0x", "0X"):
        return int(label[2:] or "0", 16)
    if len(label) > 1 and label.startswith("0"):
        return int(label[1:], 8)
    return int(label, 10)


def parse_numeric_host(host: str) -> IPAddress | None:
    """The address a numeric host means, or None for a domain name.

    Raises RefusedAddress for a host that looks numeric but is malformed
    (``1.2.3.999``, ``1.2.3.4.5``), which no browser or resolver would treat
    as a name either.
    """
    if ":" in host:
        try:
            return ip_address(host)
        except ValueError as exc:
            raise RefusedAddress(f"malformed IPv6 host {host!r}") from exc
    labels = host.split(".")
    if labels[-1] == "" and len(labels) > 1:
        labels.pop()  # one trailing dot is allowed ("127.0.0.1.")
    if not _NUMERIC_LABEL.match(labels[-1]):
        return None
    try:
        numbers = [_parse_number(label) for label in labels]
    except ValueError as exc:
        raise RefusedAddress(f"malformed numeric host {host!r}") from exc
    if len(numbers) > 4 or any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise RefusedAddress(f"malformed numeric host {host!r}")
    value = numbers[-1]
    for position, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - position))
    return IPv4Address(value)


def _embedded_ipv4(address: IPv6Address) -> tuple[str, IPv4Address] | None:
    if address.ipv4_mapped is not None:
        return "IPv4-mapped", address.ipv4_mapped
    if address.sixtofour is not None:
        return "6to4", address.sixtofour
    if address in NAT64_WELL_KNOWN:
        return "NAT64", IPv4Address(int(address) & 0xFFFFFFFF)
    if address in IPV4_COMPATIBLE and int(address) > 1:
        return "IPv4-compatible", IPv4Address(int(address))
    return None


def forbidden_reason(address: IPAddress) -> str | None:
    """Why ``address`` must not be crawled, or None when it is a public unicast address."""
    if isinstance(address, IPv6Address):
        address = IPv6Address(address.compressed.split("%", 1)[0])  # drop any zone
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            kind, inner = embedded
            inner_reason = forbidden_reason(inner)
            if inner_reason is not None:
                return f"{inner_reason} ({kind} form of {inner})"
            if kind == "IPv4-mapped":
                return None  # the socket talks to the public IPv4 address itself
    for network, label in FORBIDDEN_NETWORKS:
        if address in network:
            return label
    if address.is_multicast:
        return "multicast"
    if not address.is_global:
        return "not globally routable"
    return None


def check_url(url: str, *, allow_private: bool = False, resolve: Resolver = resolve_host) -> None:
    """Raise RefusedAddress unless ``url`` is http(s) to a host that is, and resolves to, public addresses.

    With ``allow_private`` only the scheme and host syntax are checked (for
    sources on an intranet or a local test site).  Every resolved address is
    checked, not just the first, since the downloader may connect to any.
    Resolution failures propagate as OSError: they are not a policy decision.
    """
    checked_addresses(url, allow_private=allow_private, resolve=resolve, resolve_private=False)


def checked_addresses(
    url: str, *, allow_private: bool = False, resolve: Resolver = resolve_host, resolve_private: bool = True
) -> list[IPAddress]:
    """The addresses ``url``'s host resolves to, each checked as :func:`check_url` does (one lookup).

    A fetch then connects to one of these, not to a second lookup's answer (DNS rebinding).  With
    ``allow_private`` the addresses are not checked, and only looked up when ``resolve_private``.
    """
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError as exc:
        raise RefusedAddress(f"refused {url!r}: malformed URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise RefusedAddress(f"refused {url!r}: scheme {scheme or '(none)'!r} is not http or https")
    host = parts.hostname or ""
    host = host[:-1] if host.endswith(".") else host  # "example.com." is the same host
    if not host:
        raise RefusedAddress(f"refused {url!r}: no host")
    try:
        literal = parse_numeric_host(host)
    except RefusedAddress as exc:
        raise RefusedAddress(f"refused {url!r}: {exc}") from exc
    if allow_private and not resolve_private:
        return []
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        try:
            addresses = [ip_address(text) for text in resolve(host)]
        except (UnicodeError, ValueError) as exc:
            raise RefusedAddress(f"refused {url!r}: host {host!r} is not a valid name ({exc})") from exc
        if not addresses:
            raise RefusedAddress(f"refused {url!r}: host {host!r} resolves to no address")
    if allow_private:
        return addresses
    for address in addresses:
        reason = forbidden_reason(address)
        if reason is not None:
            via = "" if literal is not None else f" resolves to {address}, which"
            raise RefusedAddress(f"refused {url!r}: host {host!r}{via} is {reason}")
    return addresses
