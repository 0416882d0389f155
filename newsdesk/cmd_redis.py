"""``newsdesk redis status`` and ``newsdesk redis stop``: the embedded Redis of each data directory."""

from __future__ import annotations

import argparse
import json
from typing import Any

import redis

from config.settings import Settings
from workers import embedded_redis


def server_facts(settings: Settings) -> dict[str, Any]:
    """This data directory's embedded Redis: whether it runs, where, which version (never starts it)."""
    data_dir = settings.data_dir.resolve()
    facts: dict[str, Any] = {
        "data_dir": str(data_dir),
        "socket": str(embedded_redis.socket_path(data_dir)),
        "running": False,
        "configured_url": bool(settings.redis_url),
    }
    url = embedded_redis.running_url(data_dir)
    if url is None:
        binary, version = embedded_redis.choose_binary(settings.redis_server)
        facts["would_start"] = {"executable": binary, "version": ".".join(map(str, version or ()))}
        return facts
    client = redis.Redis.from_url(embedded_redis.client_url(url), socket_timeout=2)
    try:
        info = client.info("server")
    finally:
        client.close()
    facts.update(
        running=True,
        pid=int(info.get("process_id", 0)),
        version=str(info.get("redis_version", "")),
        executable=str(info.get("executable", "")),
    )
    version_tuple = embedded_redis.parse_version(facts["version"])
    facts["advisories"] = [a.id for a in embedded_redis.advisories_for(version_tuple)] if version_tuple else []
    return facts


def cmd_redis_status(settings: Settings, args: argparse.Namespace) -> int:
    here = server_facts(settings)
    others = [s for s in embedded_redis.running_servers() if str(s.data_dir) != here["data_dir"]]
    if args.json:
        listed = [{"pid": s.pid, "data_dir": str(s.data_dir), "executable": s.executable} for s in others]
        print(json.dumps({"this": here, "others": listed}, sort_keys=True))
        return 0
    if settings.redis_url:
        print("NEWSDESK_REDIS_URL is set: this data directory's commands use that Redis, not an embedded one")
    if here["running"]:
        advisories = f"; known advisories: {', '.join(here['advisories'])}" if here["advisories"] else ""
        print(f"running   {here['data_dir']}  pid {here['pid']}  redis {here['version']}  {here['socket']}{advisories}")
    else:
        start = here["would_start"]
        print(f"stopped   {here['data_dir']}  (worker, crawl, ingest, beat or demo would start {start['executable']}"
              f" {start['version']})")  # fmt: skip
    for server in others:
        stop_hint = f"stop: newsdesk --data-dir {server.data_dir} redis stop"
        print(f"running   {server.data_dir}  pid {server.pid}  ({stop_hint})")
    return 0


def cmd_redis_stop(settings: Settings, args: argparse.Namespace) -> int:
    stopped = embedded_redis.stop(settings.data_dir)
    print("embedded redis stopped" if stopped else "embedded redis was not running")
    return 0
