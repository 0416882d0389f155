"""The probes behind ``newsdesk doctor``: talk to Redis, the database, the workers and Flower, then judge."""

from __future__ import annotations

import os
from collections.abc import Collection
from urllib.parse import urlsplit

import httpx
import redis
from celery import Celery
from sqlalchemy.exc import SQLAlchemyError

from config.settings import Settings
from newsdesk import doctor
from newsdesk.doctor import CheckResult
from pipelines import keys
from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import is_up_to_date
from workers.embedded_redis import client_url
from workers.queues import ALL_QUEUES
from workers.runtime import build_runtime

TIMEOUT_SECONDS = 2.0
INSPECT_TIMEOUT_SECONDS = 1.5
CHECK_GROUPS = ("redis", "database", "workers", "beat", "flower", "review")


def masked(url: str) -> str:
    """``url`` without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def _config(client: redis.Redis, name: str) -> str:
    reply = client.config_get(name)
    return str(reply.get(name, "")) if isinstance(reply, dict) else ""


def _anonymous_ping(client: redis.Redis) -> tuple[bool, str]:
    """Whether Redis answers a PING sent without credentials, and what it said."""
    try:
        return bool(client.ping()), "PONG"
    except redis.AuthenticationError as exc:
        return False, str(exc)
    except redis.ResponseError as exc:
        if "NOAUTH" in str(exc) or "NOPERM" in str(exc):
            return False, str(exc)
        raise
    finally:
        client.close()


def redis_auth_check(url: str) -> CheckResult:
    parts = urlsplit(url)
    try:
        if parts.scheme == "unix":
            path = parts.path
            anonymous = redis.Redis(unix_socket_path=path, socket_timeout=TIMEOUT_SECONDS)
            answered, _ = _anonymous_ping(anonymous)
            return doctor.socket_auth(path, os.stat(path).st_mode, answered)
        anonymous = redis.Redis(
            host=parts.hostname or "localhost",
            port=parts.port or 6379,
            ssl=parts.scheme == "rediss",
            socket_connect_timeout=TIMEOUT_SECONDS,
            socket_timeout=TIMEOUT_SECONDS,
        )
        answered, detail = _anonymous_ping(anonymous)
        return doctor.tcp_auth(answered, detail[:60])
    except (redis.RedisError, OSError) as exc:
        return CheckResult("redis auth", "WARN", f"could not try a connection without the password: {exc}")


def redis_checks(broker_url: str) -> tuple[list[CheckResult], bool]:
    """Reachability, persistence, eviction and auth; the flag says whether Redis answered at all."""
    url = client_url(broker_url)
    client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
    try:
        client.ping()
    except redis.AuthenticationError as exc:
        return [CheckResult("redis", "FAIL", f"{masked(url)} refused our credentials: {exc}")], False
    except redis.RedisError as exc:
        return [CheckResult("redis", "FAIL", f"cannot reach {masked(url)}: {exc}")], False
    results = [CheckResult("redis", "PASS", f"{masked(url)} answers PING")]
    try:
        results.append(doctor.persistence(_config(client, "appendonly"), _config(client, "save")))
        results.append(doctor.eviction(_config(client, "maxmemory-policy")))
    except redis.ResponseError as exc:
        results.append(CheckResult("redis config", "WARN", f"CONFIG GET is not allowed, not checked: {exc}"))
    finally:
        client.close()
    results.append(redis_auth_check(url))
    return results, True


def database_check(settings: Settings) -> CheckResult:
    where = masked(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    try:
        return doctor.database(None, is_up_to_date(engine), where)
    except SQLAlchemyError as exc:
        return doctor.database(str(exc).splitlines()[0], False, where)
    finally:
        engine.dispose()


def worker_check(app: Celery) -> CheckResult:
    replies = app.control.inspect(timeout=INSPECT_TIMEOUT_SECONDS).active_queues()
    active = {worker: [q["name"] for q in queues] for worker, queues in (replies or {}).items()}
    return doctor.consumers(active or None, ALL_QUEUES)


def beat_check(client: redis.Redis) -> CheckResult:
    prefix = keys.heartbeat("beat", "")
    try:
        found = [k.decode() if isinstance(k, bytes) else str(k) for k in client.scan_iter(match=f"{prefix}*")]
    except redis.RedisError as exc:
        return CheckResult("beat", "FAIL", f"cannot read heartbeats: {exc}")
    return doctor.beat([name[len(prefix) :] for name in found])


def flower_check(url: str) -> CheckResult:
    statuses: dict[str, int] = {}
    try:
        with httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False) as http:
            for path in doctor.FLOWER_PROBE_PATHS:
                statuses[path] = http.get(url.rstrip("/") + path).status_code
    except httpx.HTTPError:
        return doctor.flower(url, None)
    return doctor.flower(url, statuses)


def review_check(url: str) -> CheckResult:
    try:
        status = httpx.get(url.rstrip("/") + "/readyz", timeout=TIMEOUT_SECONDS).status_code
    except httpx.HTTPError:
        return doctor.review(url, None)
    return doctor.review(url, status)


def local_url(host: str, port: int) -> str:
    """A URL to reach a server listening on ``host``; an all-interfaces address is probed on loopback."""
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '', '::') else host}:{port}"  # noqa: S104


def default_flower_url(settings: Settings) -> str:
    return local_url(settings.flower.host, settings.flower.port)


def run_checks(
    settings: Settings,
    flower_url: str | None = None,
    review_url: str | None = None,
    only: Collection[str] = CHECK_GROUPS,
) -> list[CheckResult]:
    """Run the checks of the groups in ``only`` (``--only beat`` makes a cheap container health check)."""
    runtime = build_runtime(settings)
    results: list[CheckResult] = []
    reachable = True
    if "redis" in only:
        redis_results, reachable = redis_checks(runtime.broker_url)
        results.extend(redis_results)
    if "database" in only:
        results.append(database_check(settings))
    for name in ("workers", "beat"):
        if name not in only:
            continue
        if not reachable:
            results.append(CheckResult(name, "FAIL", "not checked: Redis is unreachable"))
        else:
            results.append(worker_check(runtime.app) if name == "workers" else beat_check(runtime.redis))
    if "flower" in only:
        results.append(flower_check(flower_url or default_flower_url(settings)))
    if "review" in only:
        results.append(review_check(review_url or local_url(settings.review.host, settings.review.port)))
    runtime.redis.close()
    return results
