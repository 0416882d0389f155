"""Fixtures shared by the whole suite.

Redis: ``NEWSDESK_TEST_REDIS_URL`` points the shared-Redis tests at an existing
server (they only touch keys under a unique namespace and delete just those);
without it a private redis-server from the embedded binary is started.
PostgreSQL: ``NEWSDESK_TEST_DATABASE_URL``; without it those tests are skipped
with the reason shown in the summary.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.support.redis_server import PrivateRedis
from tests.support.redis_topologies import RedisClusterGroup


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    """A redis-server this test session started and may flush or kill."""
    server = PrivateRedis(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def shared_redis_url(private_redis: PrivateRedis) -> str:
    return os.environ.get("NEWSDESK_TEST_REDIS_URL") or private_redis.url


@pytest.fixture()
def namespace() -> str:
    """A key namespace unique to one test."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture()
def redis_client(shared_redis_url: str, namespace: str) -> Iterator[redis.Redis]:
    """A client on the shared Redis; keys under ``newsdesk:<namespace>`` (or its hash tag) are deleted afterwards."""
    client = redis.Redis.from_url(shared_redis_url)
    yield client
    for pattern in (f"newsdesk:{namespace}:*", f"newsdesk:{{{namespace}}}:*"):
        for key in client.scan_iter(match=pattern, count=1000):
            client.delete(key)
    client.close()


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisClusterGroup]:
    """A real three-primary Redis Cluster on loopback, started once for the tests that ask for it."""
    group = RedisClusterGroup(tmp_path_factory.mktemp("cluster")).start()
    yield group
    group.stop()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("NEWSDESK_TEST_DATABASE_URL", "")
    if not url:
        pytest.skip(
            "PostgreSQL tests need NEWSDESK_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1/test)"
        )
    return url


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture()
def fresh_postgres_url(postgres_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"newsdesk_test_{uuid.uuid4().hex[:10]}"
    admin = make_url(postgres_url).set(drivername="postgresql")
    dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture()
def own_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A private redis-server for one test (queues start empty; the test may kill it)."""
    server = PrivateRedis(tmp_path / "own-redis").start()
    yield server
    server.stop()
