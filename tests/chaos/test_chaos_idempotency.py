"""Every task may run twice (at-least-once delivery): a second run on the same input changes nothing.

The task bodies are called directly, as a redelivered message would call them,
against a real Redis and a real SQLite database (no Celery eager mode).
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, select

from newsdesk.demo_server import RouteServer
from pipelines.models import Page
from pipelines.storage.schema import articles, dead_letters, flags, review_items
from tests.support.chaos import ChaosRig, chaos_pages
from tests.support.pages import article_html, sitemap_site, story
from workers.context import WorkerContext
from workers.dispatch import page_task_id
from workers.queues import PROCESS_BATCH_TASK, PROCESS_QUEUE
from workers.records import PagePayload, PageRef, TaskKey, compress_body
from workers.tasks import handle_crawl_source, handle_process_batch, handle_process_page

pytestmark = pytest.mark.chaos

AUTOBLOG_EXTRA = "<p>[ad_1]</p><p>Facebook Twitter LinkedIn</p><p>[ad_2]</p><p><a href='/x'>Source link</a></p>"
NOT_AN_ARTICLE = b"<html><head><title>Index</title></head><body><nav><a href='/'>Home</a></nav></body></html>"


def varied_pages() -> list[Page]:
    """A plain story, one with autoblog residue (tagged), one with no article (sent to review)."""
    fetched = datetime(2026, 11, 1, tzinfo=UTC)
    title, paragraphs = story(3)
    autoblog = article_html(title, paragraphs, AUTOBLOG_EXTRA).encode()
    return [
        *chaos_pages(1),
        Page("http://chaos.test/b/3", "http://chaos.test/b/3", 200, autoblog, "chaos", fetched, "text/html"),
        Page("http://chaos.test/index", "http://chaos.test/index", 200, NOT_AN_ARTICLE, "chaos", fetched, None),
    ]


def snapshot(engine: Engine) -> dict[str, Any]:
    """Every stored row, without the columns a re-run may legitimately touch (updated_at, surrogate ids)."""
    with engine.connect() as connection:
        return {
            "articles": [
                {k: v for k, v in row.items() if k != "updated_at"}
                for row in connection.execute(select(articles).order_by(articles.c.id)).mappings()
            ],
            "flags": [
                {k: v for k, v in row.items() if k != "id"}
                for row in connection.execute(select(flags).order_by(flags.c.article_id, flags.c.code)).mappings()
            ],
            "review_items": [
                dict(row) for row in connection.execute(select(review_items).order_by(review_items.c.id)).mappings()
            ],
            "dead_letters": [dict(row) for row in connection.execute(select(dead_letters)).mappings()],
        }


def payload_for(rig: ChaosRig, page: Page) -> dict[str, Any]:
    ref = PageRef.of(page)
    rig.redis.set(ref.body_key, compress_body(page.body), ex=3600)
    return PagePayload(ref).to_json()


def test_process_task_twice_leaves_identical_state(rig: ChaosRig) -> None:
    context = WorkerContext(rig.settings, rig.runtime.broker_url)
    payloads = [(page_task_id(page), payload_for(rig, page)) for page in varied_pages()]
    first_results = [handle_process_page(context, TaskKey(task_id), payload) for task_id, payload in payloads]
    first = snapshot(rig.engine)
    assert len(first["articles"]) == 3
    assert len(first["review_items"]) == 1, "the page without an article goes to review"
    assert first["flags"], "the autoblog residue is flagged"

    # The same deliveries again (a crash between saving and acknowledging), then as fresh tasks.
    again = [handle_process_page(context, TaskKey(task_id), payload) for task_id, payload in payloads]
    fresh = [handle_process_page(context, TaskKey(f"{task_id}-again"), payload) for task_id, payload in payloads]
    assert snapshot(rig.engine) == first
    for results in (again, fresh):
        for before, after in zip(first_results, results, strict=True):
            assert after.pages[0].article_id == before.pages[0].article_id
            assert after.pages[0].duplicate_of == before.pages[0].duplicate_of, "a re-run is not a duplicate of itself"
            assert after.pages[0].in_review == before.pages[0].in_review


def test_a_page_queued_again_later_is_processed_not_dead_lettered(rig: ChaosRig) -> None:
    """The task id of a page is deterministic, so re-ingesting it reuses the delivery counter's key.

    Only deliveries that never finished may count toward dead-lettering: a page
    that was processed successfully any number of times is not a poison message.
    """
    context = WorkerContext(rig.settings, rig.runtime.broker_url)
    page = chaos_pages(1)[0]
    task_key = TaskKey(page_task_id(page))
    payload = payload_for(rig, page)
    for _ in range(rig.settings.worker.max_attempts + 2):
        result = handle_process_page(context, task_key, payload)
        assert not result.dead_lettered, result
    assert snapshot(rig.engine)["dead_letters"] == []


def write_crawl_config(rig: ChaosRig, base: str, pages: int) -> Path:
    sources = rig.tmp_path / "sources.yaml"
    source = {
        "id": "chaos", "name": "Chaos", "kind": "sitemap", "start_urls": [f"{base}/sitemap.xml"],
        "schedule": {"every": 900}, "politeness": {"host_min_interval": 0.05},
        "allowed_domains": ["127.0.0.1"], "language": "en", "allow_private_hosts": True,
    }  # fmt: skip
    sources.write_text(yaml.safe_dump({"sources": [source]}), encoding="utf-8")
    config = rig.tmp_path / "newsdesk.yaml"
    config.write_text(
        yaml.safe_dump({"redis_url": rig.runtime.broker_url, "sources_file": str(sources)}), encoding="utf-8"
    )
    return config


def drain_directly(rig: ChaosRig, context: WorkerContext) -> int:
    """Process every queued page or batch message by calling the task body, as a worker would; returns pages."""
    handled = 0
    while isinstance(raw := rig.redis.rpop(PROCESS_QUEUE), bytes):
        message = json.loads(raw)  # kombu's envelope; the Celery body inside is base64-encoded JSON
        headers = message["headers"]
        _, kwargs, _ = json.loads(base64.b64decode(message["body"]))
        task_key = TaskKey(headers["id"], int(headers.get("retries") or 0))
        if headers["task"] == PROCESS_BATCH_TASK:
            result = handle_process_batch(context, rig.runtime.dispatcher, task_key, kwargs)
            handled += len(result.pages)
        else:
            handle_process_page(context, task_key, kwargs)
            handled += 1
    return handled


def test_crawl_task_twice_leaves_identical_state(rig: ChaosRig) -> None:
    count = 6
    with RouteServer() as server:
        server.routes.update(sitemap_site(server.base_url, count))
        config = write_crawl_config(rig, server.base_url, count)
        context = WorkerContext(rig.settings, rig.runtime.broker_url, config)  # a worker started with --config
        first_crawl = handle_crawl_source(context, "chaos", None)
        assert first_crawl.exit_code == 0
        assert drain_directly(rig, context) == count
        first = snapshot(rig.engine)
        assert len(first["articles"]) == count
        second_crawl = handle_crawl_source(context, "chaos", None)
        assert second_crawl.exit_code == 0
        drain_directly(rig, context)
    assert snapshot(rig.engine) == first
