"""``newsdesk ingest`` against a real Redis: checked inputs, what was skipped and why, the source's language."""

from __future__ import annotations

import json
from pathlib import Path

import redis

from tests.support.processes import newsdesk_env, run_cli
from tests.support.queue_messages import queued_tasks
from tests.support.redis_server import PrivateRedis

PAGE = "<html><head><title>t</title></head><body><p>" + "Words of a story. " * 40 + "</p></body></html>"
SOURCES = """\
sources:
  - id: planet
    kind: feed
    start_urls: [https://planet.test/feed.xml]
    language: de
"""


def setup(tmp_path: Path, redis_server: PrivateRedis) -> tuple[dict[str, str], Path]:
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES, encoding="utf-8")
    env = newsdesk_env(tmp_path / "data", redis_server.url, NEWSDESK_SOURCES_FILE=str(sources))
    inputs = tmp_path / "in"
    inputs.mkdir()
    return env, inputs


def queued_pages(redis_server: PrivateRedis) -> list[dict[str, object]]:
    client = redis.Redis.from_url(redis_server.url)
    try:
        return [page for task in queued_tasks(client) for page in task.pages]
    finally:
        client.close()


def test_bad_inputs_are_skipped_with_a_reason_and_good_ones_queued(tmp_path: Path, own_redis: PrivateRedis) -> None:
    env, inputs = setup(tmp_path, own_redis)
    (inputs / "good.HTML").write_text(PAGE, encoding="utf-8")
    (inputs / "empty.html").write_bytes(b"")
    (inputs / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(500))
    with (inputs / "huge.html").open("wb") as handle:
        handle.truncate(60 * 1024 * 1024)
    (inputs / "more.ndjson").write_text(json.dumps({"url": "https://planet.test/a", "html": PAGE}) + "\n")
    (inputs / "notes.txt").write_text("not a page")
    done = run_cli(["ingest", str(inputs), "--source", "planet", "--json"], env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["queued"] == 2
    reasons = {Path(s["input"]).name: s["reason"] for s in result["skipped"]}
    assert reasons["empty.html"] == "empty"
    assert reasons["image.html"].startswith("not text")
    assert "cap" in reasons["huge.html"]
    assert "not a file ingest reads" in reasons["notes.txt"]
    pages = queued_pages(own_redis)
    assert len(pages) == 2
    assert {p["source_id"] for p in pages} == {"planet"}
    assert {p["source_language"] for p in pages} == {"de"}


def test_an_unknown_source_is_refused_before_anything_is_queued(tmp_path: Path, own_redis: PrivateRedis) -> None:
    env, inputs = setup(tmp_path, own_redis)
    (inputs / "good.html").write_text(PAGE, encoding="utf-8")
    done = run_cli(["ingest", str(inputs), "--source", "nosuchsource"], env)
    assert done.returncode == 2
    assert "nosuchsource" in done.stderr and "planet" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert queued_pages(own_redis) == []


def test_nothing_queueable_is_exit_1_and_says_why(tmp_path: Path, own_redis: PrivateRedis) -> None:
    env, inputs = setup(tmp_path, own_redis)
    (inputs / "empty.html").write_bytes(b"")
    done = run_cli(["ingest", str(inputs / "empty.html")], env)
    assert done.returncode == 1
    assert "empty.html: skipped: empty" in done.stderr
    assert "queued 0 page(s)" in done.stderr
