"""The retention job on real databases (SQLite, and PostgreSQL when NEWSDESK_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select, text, update

from config.settings import RetentionSettings
from pipelines.flagging.loader import load_rules
from pipelines.models import Page
from pipelines.process import ProcessingDeps, process_page
from pipelines.storage import search
from pipelines.storage.repository import save_processed
from pipelines.storage.retention import RetentionReport, run_retention
from pipelines.storage.schema import RETENTION_MARK, articles, audit_log, flags, page_html, review_items
from tests.integration.test_storage_desk import PAGE, NoDuplicates
from tests.support.processes import newsdesk_env, run_cli
from tests.support.review_seed import SeedArticle, SeedFlag, migrated_engine, seed_article

DAY_MINUTES = 24 * 60
POLICY = RetentionSettings(text_days=30, bodies_days=30, flags_days=30, batch_size=2)


def seed(engine: Engine, article_id: str, days_old: int, *, open_review: bool) -> None:
    seed_article(
        engine,
        SeedArticle(
            article_id,
            title=f"Harbour story {article_id}",
            text=f"The harbour terminal {article_id} opens in spring after long delays.",
            stripped=({"kind": "nav", "text": "Home World Sport"},),
            flags=(SeedFlag("spam", "terminal"), SeedFlag("shouting", "spring")),
            page=f"<html><body><p>page of {article_id}</p></body></html>",
            age_minutes=days_old * DAY_MINUTES,
        ),
    )
    if not open_review:
        with engine.begin() as conn:
            conn.execute(update(review_items).where(review_items.c.article_id == article_id).values(state="decided"))


def searched(engine: Engine, query: str) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(select(articles.c.id).where(search.matches(conn.dialect.name, query)))
        return sorted(row.id for row in rows)


def snapshot(engine: Engine) -> dict[str, object]:
    with engine.connect() as conn:
        return {
            "articles": [tuple(r) for r in conn.execute(
                select(articles.c.id, articles.c.text, articles.c.stripped, articles.c.empty_reason,
                       articles.c.updated_at).order_by(articles.c.id))],
            "bodies": sorted(conn.execute(select(page_html.c.article_id)).scalars()),
            "flags": sorted(conn.execute(select(flags.c.article_id, flags.c.code)).all()),
            "audit": conn.execute(select(func.count()).select_from(audit_log)).scalar(),
        }  # fmt: skip


def test_defaults_keep_everything(engine: Engine) -> None:
    seed(engine, "old", 400, open_review=False)
    before = snapshot(engine)
    report = run_retention(engine, RetentionSettings())
    assert report.changed == 0 and report.batches == 0
    assert snapshot(engine) == before


def test_aged_text_bodies_and_flags_go_in_batches_audited_and_idempotent(engine: Engine) -> None:
    for n in range(5):
        seed(engine, f"old{n}", 40, open_review=False)
    seed(engine, "oldopen", 40, open_review=True)
    seed(engine, "young", 5, open_review=False)
    now = datetime.now(UTC)
    before = snapshot(engine)

    dry = run_retention(engine, POLICY, now=now, dry_run=True)
    assert snapshot(engine) == before, "a dry run changes nothing"
    assert (dry.texts, dry.bodies, dry.flags) == (6, 6, 10)  # the open item's two flags stay

    report = run_retention(engine, POLICY, now=now)
    assert (report.texts, report.bodies, report.flags) == (dry.texts, dry.bodies, dry.flags)
    assert report.text_chars == dry.text_chars > 0 and report.body_bytes == dry.body_bytes > 0
    assert report.batches >= 3 + 3 + 5, "batch_size 2 over 6 texts, 6 bodies and 10 flags"
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(articles))}
        kept_bodies = set(conn.execute(select(page_html.c.article_id)).scalars())
        kept_flags = sorted(conn.execute(select(flags.c.article_id)).scalars())
        audits = conn.execute(select(audit_log).where(audit_log.c.actor == "retention")).all()
    for article_id in [f"old{n}" for n in range(5)] + ["oldopen"]:
        row = rows[article_id]
        assert row.text == "" and row.stripped == []
        assert row.empty_reason.startswith(RETENTION_MARK)
        assert row.title == f"Harbour story {article_id}" and row.content_hash, "the row itself stays"
    assert rows["young"].text.startswith("The harbour terminal young")
    assert rows["young"].empty_reason is None and rows["young"].stripped
    assert kept_bodies == {"young"}
    assert kept_flags == ["oldopen", "oldopen", "young", "young"]
    assert searched(engine, "terminal") == ["young"], "removed text leaves the search index"
    assert searched(engine, "harbour story old3") == ["old3"], "the title stays searchable"
    assert len(audits) == 1 and audits[0].detail["texts"] == 6 and audits[0].detail["flags"] == 10

    after = snapshot(engine)
    again = run_retention(engine, POLICY, now=now)
    assert again.changed == 0, "a second run finds nothing"
    assert snapshot(engine) == after, "and writes no second audit row"


def test_an_article_stored_again_gets_its_text_back(engine: Engine) -> None:
    page = Page("https://city.example/bridge", "https://city.example/bridge", 200, PAGE.encode(), "city",
                datetime.now(UTC), "text/html; charset=utf-8")  # fmt: skip
    deps = ProcessingDeps(duplicates=NoDuplicates(), rules=load_rules(), source_of=lambda _id: None)
    processed = process_page(page, deps)
    save_processed(engine, processed)
    later = datetime.now(UTC) + timedelta(days=31)
    assert run_retention(engine, POLICY, now=later).texts == 1
    assert searched(engine, "cyclists") == []
    save_processed(engine, processed)  # the next crawl stores the page again
    with engine.connect() as conn:
        row = conn.execute(select(articles).where(articles.c.id == processed.article_id)).one()
    assert row.text == processed.article.text and row.empty_reason is None
    assert searched(engine, "cyclists") == [processed.article_id]
    assert run_retention(engine, POLICY, now=datetime.now(UTC)).changed == 0, "fresh again: nothing due"


def test_an_earlier_empty_reason_is_kept_after_the_mark(engine: Engine) -> None:
    seed(engine, "empty", 40, open_review=False)
    with engine.begin() as conn:
        conn.execute(update(articles).values(text="", empty_reason="no article text found: " + "x" * 170))
    report: RetentionReport = run_retention(engine, POLICY)
    assert report.texts == 1
    with engine.connect() as conn:
        reason = conn.execute(select(articles.c.empty_reason)).scalar_one()
    assert reason.startswith(f"{RETENTION_MARK} text removed after 30 days; was: no article text found")
    assert len(reason) == 200


def test_the_due_text_query_can_use_the_partial_index(engine: Engine) -> None:
    """Text already removed leaves ix_articles_retention, so a daily run never re-reads it."""
    for n in range(3):
        seed(engine, f"a{n}", 40, open_review=False)
    query = (
        "SELECT id FROM articles WHERE articles.updated_at < '2030-01-01' AND "
        "(empty_reason IS NULL OR empty_reason NOT LIKE 'retention:%') ORDER BY updated_at LIMIT 2"
    )
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET enable_seqscan = off"))
            plan = " ".join(str(r[0]) for r in conn.execute(text(f"EXPLAIN {query}")))
        else:
            plan = " ".join(str(r[-1]) for r in conn.execute(text(f"EXPLAIN QUERY PLAN {query}")))
    assert "ix_articles_retention" in plan, plan


def test_the_command_counts_then_removes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    engine = migrated_engine(f"sqlite:///{data / 'newsdesk.db'}")
    try:
        seed(engine, "old", 40, open_review=False)
    finally:
        engine.dispose()
    env = newsdesk_env(data, "redis://127.0.0.1:1/0", NEWSDESK_RETENTION_BODIES_DAYS="30")
    dry = run_cli(["retention", "--dry-run", "--json"], env)
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["bodies"] == 1 and json.loads(dry.stdout)["dry_run"] is True
    done = run_cli(["retention"], env)
    assert done.returncode == 0, done.stderr
    assert "page bodies    older than" in done.stdout and "removed 1 (" in done.stdout
    assert "article texts  kept forever (0 days)" in done.stdout and "audited" in done.stdout
    again = run_cli(["retention", "--json"], env)
    assert json.loads(again.stdout)["bodies"] == 0
