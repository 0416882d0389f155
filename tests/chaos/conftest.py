"""Fixtures of the chaos tests: each test gets its own redis-server (AOF on) and its own newsdesk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.chaos import ChaosRig
from tests.support.redis_server import PrivateRedis


@pytest.fixture()
def rig(tmp_path: Path, own_redis: PrivateRedis) -> Iterator[ChaosRig]:
    chaos = ChaosRig(tmp_path, own_redis.url)
    yield chaos
    chaos.close()
