"""Redis by role: where the broker, the shared state and the page bodies live, and how to reach each.

One Redis serves all three roles on a single machine (every role defaults to ``redis_url`` or the
embedded server).  At scale each role can be its own deployment:

- ``broker``: a plain Redis or a Sentinel-managed primary (``sentinel://`` URLs, as Celery and
  kombu document them: ``sentinel://:PASS@host:26379;sentinel://host2:26379/0``, master name from
  ``redis.sentinel_master``);
- ``state`` (dedupe index, rate slots, fetch state, outbox, delivery counters, locks) and ``bodies``:
  a plain Redis, a Sentinel-managed primary, or a Redis Cluster (``redis-cluster://host:port,host:port``;
  every script newsdesk runs passes its keys in ``KEYS`` with hash tags, so it is cluster-safe).

:func:`parse_endpoint` is pure and names the fault in one :class:`ConfigError`; :func:`connect` is the
only place a role's client is built.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import Literal

import redis
from redis.cluster import ClusterNode, RedisCluster
from redis.sentinel import Sentinel

from config.errors import ConfigError
from config.settings import Settings
from workers import embedded_redis

EndpointKind = Literal["plain", "sentinel", "cluster"]
Role = Literal["broker", "state", "bodies"]
ROLES: tuple[Role, ...] = ("broker", "state", "bodies")

PLAIN_SCHEMES = ("redis", "rediss", "unix", "redis+socket")
SENTINEL_SCHEME = "sentinel"
CLUSTER_SCHEME = "redis-cluster"
DEFAULT_SENTINEL_PORT = 26379
DEFAULT_REDIS_PORT = 6379


@dataclass(frozen=True)
class RedisEndpoint:
    """One role's Redis, parsed from its URL.  ``url`` is kept as given (kombu reads it for the broker)."""

    role: Role
    kind: EndpointKind
    url: str
    nodes: tuple[tuple[str, int], ...] = ()
    db: int = 0
    password: str | None = None
    master_name: str = ""

    @property
    def is_cluster(self) -> bool:
        return self.kind == "cluster"


def _hosts(setting: str, text: str, default_port: int) -> tuple[tuple[str, int], ...]:
    nodes: list[tuple[str, int]] = []
    for part in (piece.strip() for piece in text.split(",")):
        host, sep, port_text = part.rpartition(":")
        if not sep:
            host, port_text = part, ""
        host = host.strip("[]")
        if not port_text.isdigit() and port_text:
            raise ConfigError(setting, f"port {port_text!r} is not a number")
        port = int(port_text) if port_text else default_port
        if not host or not 0 < port < 65536:
            raise ConfigError(setting, f"expected host:port with a port from 1 to 65535, got {part!r}")
        nodes.append((host, port))
    return tuple(nodes)


def _db(setting: str, path: str) -> int:
    text = path.strip("/")
    if not text:
        return 0
    if not text.isdigit() or int(text) > 15:
        raise ConfigError(setting, f"database must be a number from 0 to 15, got {text!r}")
    return int(text)


def parse_endpoint(role: Role, url: str, *, setting: str, sentinel_master: str = "") -> RedisEndpoint:
    """The endpoint ``url`` names for ``role``; a ConfigError names ``setting`` and the fault."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme in PLAIN_SCHEMES:
        return RedisEndpoint(role, "plain", url)
    if scheme == SENTINEL_SCHEME:
        if not sentinel_master:
            raise ConfigError("redis.sentinel_master", f"{setting} is a sentinel:// URL; name the monitored master")
        nodes: list[tuple[str, int]] = []
        password: str | None = None
        db = 0
        # kombu's form: several sentinel:// URLs joined by ';', each may carry the password and the db.
        for part in url.split(";"):
            parsed = urllib.parse.urlsplit(part.strip())
            if parsed.scheme != SENTINEL_SCHEME or not parsed.hostname:
                raise ConfigError(setting, f"expected sentinel://host:port[;sentinel://host:port...], got {part!r}")
            nodes.extend(_hosts(setting, parsed.netloc.rpartition("@")[2], DEFAULT_SENTINEL_PORT))
            password = urllib.parse.unquote(parsed.password) if parsed.password else password
            db = _db(setting, parsed.path) or db
        return RedisEndpoint(role, "sentinel", url, tuple(nodes), db, password, sentinel_master)
    if scheme == CLUSTER_SCHEME:
        if role == "broker":
            raise ConfigError(setting, "the broker cannot be a Redis Cluster (Celery's Redis transport needs one node)")
        parsed = urllib.parse.urlsplit(url)
        netloc = parsed.netloc.rpartition("@")[2]
        if not netloc:
            raise ConfigError(setting, f"expected redis-cluster://host:port[,host:port...], got {url!r}")
        if parsed.path.strip("/") not in ("", "0"):
            raise ConfigError(setting, "a Redis Cluster has only database 0")
        password = urllib.parse.unquote(parsed.password) if parsed.password else None
        return RedisEndpoint(role, "cluster", url, _hosts(setting, netloc, DEFAULT_REDIS_PORT), 0, password)
    raise ConfigError(
        setting, f"expected a redis://, rediss://, unix://, sentinel:// or redis-cluster:// URL, got {url!r}"
    )


@dataclass(frozen=True)
class RedisRoles:
    """The three endpoints of one deployment; a role left unset uses the main Redis URL."""

    broker: RedisEndpoint
    state: RedisEndpoint
    bodies: RedisEndpoint

    @property
    def bodies_with_state(self) -> bool:
        """Bodies and state on one server: the dispatcher writes both in one round trip."""
        return self.bodies.url == self.state.url


def resolve_roles(settings: Settings, main_url: str) -> RedisRoles:
    """Each role's endpoint from ``settings.redis``; ``main_url`` (redis_url or the embedded server) fills gaps."""
    section = settings.redis
    master = section.sentinel_master
    chosen: dict[Role, str] = {
        "broker": section.broker_url or main_url,
        "state": section.state_url or main_url,
        "bodies": section.bodies_url or section.state_url or main_url,
    }
    endpoints = {
        role: parse_endpoint(role, url, setting=f"redis.{role}_url", sentinel_master=master)
        for role, url in chosen.items()
    }
    return RedisRoles(endpoints["broker"], endpoints["state"], endpoints["bodies"])


@dataclass(frozen=True)
class Timeouts:
    connect: float
    read: float
    health_check_interval: int = 0


def connect(endpoint: RedisEndpoint, timeouts: Timeouts, *, client_url: str | None = None) -> redis.Redis:
    """A client for ``endpoint``.  Connections are lazy: building one never fails on an outage.

    A Sentinel client asks the sentinels for the current primary on every new connection, so after a
    failover it reaches the promoted replica without a restart.  A cluster client is typed as
    ``redis.Redis`` for callers: it offers the same commands, pipelines and scripts newsdesk uses.
    """
    if endpoint.kind == "plain":
        return redis.Redis.from_url(
            client_url or endpoint.url,
            socket_connect_timeout=timeouts.connect,
            socket_timeout=timeouts.read,
            health_check_interval=timeouts.health_check_interval,
        )
    if endpoint.kind == "sentinel":
        sentinel = Sentinel(
            list(endpoint.nodes),
            socket_connect_timeout=timeouts.connect,
            socket_timeout=timeouts.read,
            sentinel_kwargs={"socket_connect_timeout": timeouts.connect, "socket_timeout": timeouts.connect},
            password=endpoint.password,
            db=endpoint.db,
        )
        master: redis.Redis = sentinel.master_for(endpoint.master_name)
        return master
    cluster = RedisCluster(
        startup_nodes=[ClusterNode(host, port) for host, port in endpoint.nodes],  # type: ignore[no-untyped-call]
        password=endpoint.password,
        socket_connect_timeout=timeouts.connect,
        socket_timeout=timeouts.read,
    )
    return cluster  # type: ignore[return-value]


def is_cluster(client: redis.Redis) -> bool:
    """True for a Redis Cluster client (multi-slot transactions and MGET are not available there)."""
    return isinstance(client, RedisCluster)


def role_client(endpoint: RedisEndpoint, timeouts: Timeouts) -> redis.Redis:
    """A client for one role; the embedded server's broker URL (``redis+socket://``) becomes a client URL."""
    return connect(endpoint, timeouts, client_url=embedded_redis.client_url(endpoint.url))


def broker_transport_options(endpoint: RedisEndpoint) -> dict[str, object]:
    """What kombu needs beyond the URL to reach this broker (the monitored master's name for Sentinel)."""
    if endpoint.kind == "sentinel":
        return {"master_name": endpoint.master_name}
    return {}
