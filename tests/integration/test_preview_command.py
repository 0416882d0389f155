"""``newsdesk preview``: real fetches, real processing, nothing stored, queued or remembered."""

from __future__ import annotations

import json
from pathlib import Path

import redis
import yaml

from newsdesk.demo_pages import build_routes, demo_sources
from newsdesk.demo_server import RouteServer
from tests.support.processes import newsdesk_env, run_cli
from tests.support.redis_server import PrivateRedis


def test_preview_shows_extraction_and_flags_and_keeps_nothing(tmp_path: Path, own_redis: PrivateRedis) -> None:
    with RouteServer() as server:
        server.routes.update(build_routes(server.base_url))
        sources = tmp_path / "sources.yaml"
        sources.write_text(yaml.safe_dump(demo_sources(server.base_url)), encoding="utf-8")
        env = newsdesk_env(tmp_path / "data", own_redis.url, NEWSDESK_SOURCES_FILE=str(sources))
        completed = run_cli(["preview", "autoblog", "--limit", "2", "--json"], env)
        human = run_cli(["preview", "autoblog", "--limit", "1"], env)
    assert completed.returncode == 0, completed.stderr[-3000:]
    items = json.loads(completed.stdout)
    assert len(items) == 2
    for item in items:
        assert item["text"] and item["title"]
        assert any(block["category"] == "text_residue" for block in item["stripped"])
        assert "autoblog_signature" in {flag["code"] for flag in item["flags"]}
    assert human.returncode == 0 and "nothing was stored or queued" in human.stdout
    assert "flag autoblog_signature" in human.stdout
    client = redis.Redis.from_url(own_redis.url)
    # Only the shared per-host politeness slot (it expires) may remain: no queue, no dedupe entry, no fetch state.
    keys = [key.decode() if isinstance(key, bytes) else str(key) for key in client.keys("*")]
    kept = [key for key in keys if not key.startswith(("_kombu", "newsdesk:rate:"))]
    assert kept == [], kept
