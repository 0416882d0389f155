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
from crawler.spool import Spool
from newsdesk import doctor
from newsdesk.datadir_db import sqlite_file
from newsdesk.doctor import CheckResult, masked_url
from newsdesk.ops_args import CHECK_GROUPS
from pipelines import keys
from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import is_up_to_date
from workers import embedded_redis
from workers.app import create_celery_app
from workers.embedded_redis import client_url
from workers.queues import ALL_QUEUES

TIMEOUT_SECONDS = 2.0
INSPECT_TIMEOUT_SECONDS = 1.5


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
        return [CheckResult("redis", "FAIL", f"{masked_url(url)} refused our credentials: {exc}")], False
    except redis.RedisError as exc:
        return [CheckResult("redis", "FAIL", f"cannot reach {masked_url(url)}: {exc}")], False
    results = [CheckResult("redis", "PASS", f"{masked_url(url)} answers PING")]
    try:
        results.append(version_check(client))
        results.append(doctor.persistence(_config(client, "appendonly"), _config(client, "save")))
        results.append(doctor.eviction(_config(client, "maxmemory-policy")))
    except redis.ResponseError as exc:
        results.append(CheckResult("redis config", "WARN", f"CONFIG GET is not allowed, not checked: {exc}"))
    finally:
        client.close()
    results.append(redis_auth_check(url))
    return results, True


def version_check(client: redis.Redis) -> CheckResult:
    text = str(client.info("server").get("redis_version", ""))
    version = embedded_redis.parse_version(text)
    if version is None:
        return CheckResult("redis version", "WARN", f"cannot read the Redis version ({text!r}); not checked")
    return doctor.redis_version(text, [(a.id, a.summary) for a in embedded_redis.advisories_for(version)])


def broker_url_if_running(settings: Settings) -> str | None:
    """The configured Redis, or the embedded one only if it runs: doctor never starts a Redis."""
    return settings.redis_url or embedded_redis.running_url(settings.data_dir)


def database_check(settings: Settings) -> CheckResult:
    where = masked_url(settings.sqlalchemy_url)
    path = sqlite_file(settings)
    if path is not None and not path.exists():
        return doctor.database(f"{path} does not exist (nothing has run with this data directory)", False, where)
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
    broker_url = broker_url_if_running(settings)
    results: list[CheckResult] = []
    reachable = broker_url is not None
    if "redis" in only:
        if broker_url is None:
            where = embedded_redis.socket_path(settings.data_dir)
            results.append(CheckResult("redis", "FAIL", f"the embedded Redis ({where}) is not running; worker, "
                                       "crawl, ingest, beat or demo start it"))  # fmt: skip
        else:
            redis_results, reachable = redis_checks(broker_url)
            results.extend(redis_results)
    if "database" in only:
        results.append(database_check(settings))
    if "spool" in only:
        spool = Spool.of(settings)
        results.append(doctor.spool(len(spool), str(spool.directory), reachable))
    client = redis.Redis.from_url(
        client_url(broker_url), socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    ) if broker_url else None  # fmt: skip
    for name in ("workers", "beat"):
        if name not in only:
            continue
        if not reachable or broker_url is None or client is None:
            results.append(CheckResult(name, "FAIL", "not checked: Redis is unreachable"))
        elif name == "workers":
            results.append(worker_check(create_celery_app(settings, broker_url)))
        else:
            results.append(beat_check(client))
    if "flower" in only:
        results.append(flower_check(flower_url or default_flower_url(settings)))
    if "review" in only:
        results.append(review_check(review_url or local_url(settings.review.host, settings.review.port)))
    if client is not None:
        client.close()
    return results
