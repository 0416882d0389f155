"""Hole 1: a page on another site cannot take over a stored, decided article; a real change re-opens review."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select, update

from pipelines.flagging import load_rules
from pipelines.models import DedupeVerdict, OriginEvidence, Page
from pipelines.process import NO_DUPLICATE, ProcessingDeps, process_page
from pipelines.storage import repository
from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import upgrade
from pipelines.storage.schema import articles, audit_log, review_items
from tests.support.pages import PARAGRAPHS, article_html

LEGIT = "http://legit.test/story-1"


class NoDuplicates:
    """The duplicate index answers "new" for everything (this test is about identity, not dedupe)."""

    def check_and_add(self, doc_id: str, text: str, evidence: OriginEvidence | None = None) -> DedupeVerdict:
        return NO_DUPLICATE


def page(url: str, source_id: str, paragraphs: tuple[str, ...], head: str = "") -> Page:
    # A "Notice" too short for an article would go to review on its own; these are full articles.
    html = article_html("Harbour terminal delayed", paragraphs).replace("</head>", f"{head}</head>")
    return Page(url, url, 200, html.encode(), source_id, datetime(2026, 11, 1, tzinfo=UTC), "text/html")


def stored(engine: Engine, article_id: str) -> tuple[str, str]:
    with engine.connect() as connection:
        row = connection.execute(select(articles.c.text, articles.c.source_id).where(articles.c.id == article_id)).one()
    return str(row.text), str(row.source_id)


def decide(engine: Engine, article_id: str) -> None:
    """A reviewer approved the article (as review.decisions records it)."""
    with engine.begin() as connection:
        connection.execute(
            update(review_items)
            .where(review_items.c.article_id == article_id)
            .values(state="decided", decision="approve", decided_by="rita", decided_at=datetime.now(UTC))
        )


def test_a_foreign_canonical_url_cannot_overwrite_a_decided_article(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nd.db'}"
    upgrade(url)
    engine = make_engine(url)
    domains = {"legit": ("legit.test",), "evil": ("evil.test",)}
    deps = ProcessingDeps(NoDuplicates(), load_rules(None), lambda _doc: None, lambda source: domains[source])
    try:
        legit = process_page(page(LEGIT, "legit", PARAGRAPHS), deps)
        assert legit.foreign_canonical is None
        repository.save_processed(engine, legit)
        with engine.begin() as connection:  # flagged for review, then decided
            connection.execute(
                review_items.insert().values(
                    article_id=legit.article_id, state="pending", priority=1, action="flag", score=1.0,
                    codes="x", source_id="legit", created_at=datetime.now(UTC),
                )
            )  # fmt: skip
        decide(engine, legit.article_id)
        before = stored(engine, legit.article_id)

        hostile_text = ("Buy cheap pills at evil.test today, the best offer on the whole internet for you.",) * 4
        canonical = f"<link rel='canonical' href='{LEGIT}'>"
        evil = process_page(page("http://evil.test/p", "evil", hostile_text, canonical), deps)
        assert evil.article_id != legit.article_id, "another site's canonical URL is not this page's identity"
        assert evil.foreign_canonical == LEGIT, "kept as evidence for the copy judgement"
        assert evil.article.canonical_url == "http://evil.test/p"
        repository.save_processed(engine, evil)
        assert stored(engine, legit.article_id) == before
        with engine.connect() as connection:
            state = connection.execute(
                select(review_items.c.state).where(review_items.c.article_id == legit.article_id)
            ).scalar()
        assert state == "decided"

        # The legit page itself changes: the decision no longer covers the text, so review re-opens, audited.
        changed = process_page(page(LEGIT, "legit", (*PARAGRAPHS[:2], "A correction was added.")), deps)
        assert changed.article_id == legit.article_id
        assert repository.save_processed(engine, changed) is True
        repository.save_processed(engine, changed)  # the same save again re-opens nothing more
        with engine.connect() as connection:
            item = connection.execute(
                select(review_items.c.id, review_items.c.state, review_items.c.decision).where(
                    review_items.c.article_id == legit.article_id
                )
            ).one()
            audits = connection.execute(select(audit_log).where(audit_log.c.action == "reopen")).mappings().all()
        assert (item.state, item.decision) == ("pending", None)
        assert len(audits) == 1 and audits[0]["target"] == f"item:{item.id}"
        assert audits[0]["detail"]["previous_decision"] == "approve" and audits[0]["detail"]["decided_by"] == "rita"
    finally:
        engine.dispose()
