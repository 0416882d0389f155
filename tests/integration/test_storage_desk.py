"""The storage layer keeps what the desk needs in step with each article: the page as fetched and the
full-text index (SQLite FTS5 and PostgreSQL tsvector behind one interface), on real databases."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select

from pipelines.flagging.loader import load_rules
from pipelines.models import DedupeVerdict, OriginEvidence, Page, ProcessedArticle
from pipelines.process import ProcessingDeps, process_page
from pipelines.storage import search
from pipelines.storage.repository import save_processed, save_processed_batch, stored_page
from pipelines.storage.schema import articles

PAGE = (
    "<html><head><title>Bridge reopens after repairs</title></head><body><article><h1>Bridge reopens after "
    "repairs</h1><p>The old stone bridge over the river reopened on Friday after eight months of repairs, the "
    "city said.</p><p>Engineers replaced the supports and the road surface; cyclists get a wider lane.</p>"
    "<p>The works cost four million euros, less than the first estimate.</p></article></body></html>"
)


class NoDuplicates:
    """The in-memory twin of the duplicate index: nothing is ever a copy."""

    def check_and_add(self, doc_id: str, text: str, evidence: OriginEvidence | None = None) -> DedupeVerdict:
        return DedupeVerdict(duplicate_of=None, similarity=0.0, kind=None)


def found(engine: Engine, query: str) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(select(articles.c.id).where(search.matches(conn.dialect.name, query)))
        return sorted(row.id for row in rows)


def test_saving_an_article_keeps_its_page_and_search_entry_in_step(engine: Engine) -> None:
    page = Page(
        url="https://city.example/bridge",
        final_url="https://city.example/bridge",
        status=200,
        body=PAGE.encode("utf-8"),
        source_id="city",
        fetched_at=datetime.now(UTC),
        content_type="text/html; charset=utf-8",
    )
    deps = ProcessingDeps(duplicates=NoDuplicates(), rules=load_rules(), source_of=lambda _id: None)
    processed = process_page(page, deps)
    save_processed(engine, processed)
    save_processed(engine, processed)  # idempotent: still one entry
    assert found(engine, "bridge cyclists") == [processed.article_id]
    assert found(engine, "REPAIR") == [processed.article_id]  # prefix, any case
    assert found(engine, "tramway") == []
    assert found(engine, "") == [] and found(engine, "!!! ()") == []
    assert found(engine, 'bridge" OR "x') == []  # words, never query syntax: "or" and "x" must occur too
    with engine.connect() as conn:
        body, content_type = stored_page(conn, processed.article_id) or (b"", None)
        entries = conn.exec_driver_sql("SELECT count(*) FROM article_search").scalar()
    assert body == page.body and content_type == page.content_type
    assert entries == 1


def test_a_batch_of_new_articles_then_a_changed_one_keeps_one_search_entry_each(engine: Engine) -> None:
    """New articles skip the index's DELETE (they have no entry yet); a stored one is replaced, never doubled."""
    deps = ProcessingDeps(duplicates=NoDuplicates(), rules=load_rules(), source_of=lambda _id: None)

    def processed(path: str, html: str) -> ProcessedArticle:
        url = f"https://city.example/{path}"
        page = Page(url=url, final_url=url, status=200, body=html.encode("utf-8"), source_id="city",
                    fetched_at=datetime.now(UTC), content_type="text/html; charset=utf-8")  # fmt: skip
        return process_page(page, deps)

    bridge, ferry = processed("bridge", PAGE), processed("ferry", PAGE.replace("bridge", "ferry"))
    save_processed_batch(engine, [bridge, ferry])
    assert found(engine, "cyclists") == sorted([bridge.article_id, ferry.article_id])
    save_processed_batch(engine, [processed("bridge", PAGE.replace("cyclists", "pedestrians"))])
    assert found(engine, "cyclists") == [ferry.article_id]
    assert found(engine, "pedestrians") == [bridge.article_id]
    with engine.connect() as conn:
        entries = conn.exec_driver_sql("SELECT count(*) FROM article_search").scalar()
    assert entries == 2
