"""Host header checks for the HTTP endpoints newsdesk serves (review desk, metrics).

A page on an attacker's site can make a browser talk to a loopback service by
re-pointing its own name at 127.0.0.1 (DNS rebinding); the request then carries
the attacker's name in ``Host``.  Answering only the names we are reached by
closes that door.  Patterns: an exact name or address, ``*.example.org`` (any
name below it, not the name itself), or ``*`` (anything; the check is off).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
WILDCARD_BINDS = frozenset({"", "0.0.0.0", "::"})  # noqa: S104 - listening addresses, not hosts to allow
_NAME = re.compile(r"^[a-z0-9_]([a-z0-9_.-]{0,251}[a-z0-9_])?$")


def host_of(header: str | None) -> str | None:
    """The host part of a ``Host`` header (port dropped, IPv6 brackets removed, lower case); None if malformed."""
    if not header:
        return None
    value = header.strip().lower()
    if value.startswith("["):
        inside, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not re.fullmatch(r":\d{1,5}", rest)):
            return None
        try:
            return str(ipaddress.IPv6Address(inside))
        except ValueError:
            return None
    name, colon, port = value.partition(":")
    if colon and not re.fullmatch(r"\d{1,5}", port):
        return None
    name = name.rstrip(".")
    return name if _NAME.match(name) else None


def host_pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be an allowed-host entry, or None when it can."""
    if pattern == "*":
        return None
    name = pattern[2:] if pattern.startswith("*.") else pattern
    if host_of(name) is None and host_of(f"[{name}]") is None:
        return f"expected a host name, an address, '*.domain' or '*', got {pattern!r}"
    return None


def allowed_hosts(configured: Iterable[str], bind: str) -> tuple[str, ...]:
    """What a server bound to ``bind`` answers: loopback names, ``bind`` itself, and the configured list.

    Loopback names are always safe: a rebinding page is reached by its own name, never "localhost".
    """
    extra = () if bind in WILDCARD_BINDS else (bind,)
    return LOOPBACK_HOSTS + extra + tuple(configured)


def host_allowed(header: str | None, patterns: Iterable[str]) -> bool:
    host = host_of(header)
    if host is None:
        return False
    for pattern in patterns:
        if pattern == "*":
            return True
        if pattern.startswith("*."):
            if host.endswith(pattern[1:].lower()):
                return True
        elif host == (host_of(pattern) or host_of(f"[{pattern}]")):
            return True
    return False
