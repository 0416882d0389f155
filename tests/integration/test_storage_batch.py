"""A batch of processed articles stored in one transaction leaves the rows that one save per article leaves, and
a replayed batch changes nothing; on real databases, with a real duplicate index (so clusters are settled)."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import Engine, select

from pipelines.dedupe import DedupeIndex
from pipelines.flagging.loader import load_rules
from pipelines.models import Page, ProcessedArticle
from pipelines.process import ProcessingDeps, process_page
from pipelines.storage.repository import save_processed, save_processed_batch, stored_page
from pipelines.storage.schema import articles, clusters, flags, page_html, review_items
from tests.support.pages import article_html, story
from tests.support.redis_server import PrivateRedis
from tests.support.review_seed import migrated_engine

FETCHED = datetime(2026, 11, 1, tzinfo=UTC)
VOLATILE = {"id", "created_at", "updated_at", "stored_at", "decided_at"}  # clocks and serial keys


def pages() -> list[Page]:
    """Four stories, an exact copy of story 1 on another source, and story 2 fetched again with new text."""
    made = []
    for n in range(4):
        title, paragraphs = story(n)
        made.append(Page(f"http://news.test/a/{n}", f"http://news.test/a/{n}", 200,
                         article_html(title, paragraphs).encode(), "test", FETCHED, "text/html"))  # fmt: skip
    made.append(Page("http://copy.test/b/1", "http://copy.test/b/1", 200, made[1].body, "copycat", FETCHED))
    title, paragraphs = story(7)
    made.append(Page(made[2].url, made[2].final_url, 200, article_html(title, paragraphs).encode(), "test", FETCHED))
    return made


def processed_pages(server: PrivateRedis) -> list[ProcessedArticle]:
    client = redis.Redis.from_url(server.url)
    stored: dict[str, str] = {}
    deps = ProcessingDeps(DedupeIndex(client, namespace="batch"), load_rules(), source_of=stored.get)
    done = []
    for page in pages():
        done.append(process_page(page, deps))
        stored[done[-1].article_id] = page.source_id
    client.close()
    return done


def rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as connection:
        tables = {}
        for table in (articles, flags, review_items, clusters, page_html):
            order = [*(c for c in table.columns if c.name in ("article_id", "code")), *table.primary_key.columns]
            found = connection.execute(select(table).order_by(*order)).mappings().all()
            tables[table.name] = [{k: v for k, v in row.items() if k not in VOLATILE} for row in found]
    return tables


def test_a_batch_stores_what_one_save_per_article_stores(tmp_path: Path, own_redis: PrivateRedis) -> None:
    done = processed_pages(own_redis)
    assert len({p.article_id for p in done}) == len(done) - 1, "story 2 twice: one article id, saved in order"
    assert any(p.verdict.duplicate_of for p in done), "the copy was found, so a cluster is settled"
    one_by_one, batched = (migrated_engine(f"sqlite:///{tmp_path / name}.db") for name in ("single", "batch"))
    try:
        expected = [save_processed(one_by_one, processed) for processed in done]
        assert save_processed_batch(batched, done) == expected
        assert rows(batched) == rows(one_by_one)
        story2 = done[-1]
        with batched.connect() as connection:
            text = connection.execute(select(articles.c.text).where(articles.c.id == story2.article_id)).scalar()
        assert text == story2.article.text, "the later fetch of an article wins, as it would saved one by one"
    finally:
        one_by_one.dispose()
        batched.dispose()


def test_a_replayed_batch_changes_nothing_and_keeps_the_queued_body_as_the_page(
    engine: Engine, own_redis: PrivateRedis
) -> None:
    done = processed_pages(own_redis)
    queued = [zlib.compress(p.page.body, 1) for p in done]  # any zlib stream of the body
    in_review = save_processed_batch(engine, done, None, queued)
    first = rows(engine)
    assert save_processed_batch(engine, done, None, queued) == in_review
    assert rows(engine) == first
    with engine.connect() as connection:
        kept = stored_page(connection, done[0].article_id)
    assert kept is not None and kept[0] == done[0].page.body
