"""Seed the review desk's tables through SQL, the way processing would fill them."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from config.settings import ReviewSettings, Settings
from pipelines.storage import search
from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import upgrade
from pipelines.storage.schema import articles, flags, page_html, review_items
from review.users import add_user

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SeedFlag:
    code: str
    needle: str = ""  # evidence: first occurrence of this in the text
    severity: str = "high"
    field: str = "text"


@dataclass(frozen=True)
class SeedArticle:
    article_id: str
    title: str = "A story"
    text: str = "Some text."
    source_id: str = "example"
    language: str | None = "en"
    url: str = ""
    duplicate_of: str | None = None
    stripped: Sequence[dict[str, str]] = ()
    flags: Sequence[SeedFlag] = field(default_factory=lambda: (SeedFlag("spam", ""),))
    priority: int = 3000
    age_minutes: int = 0
    duplicate_kind: str | None = None
    similarity: float | None = None
    page: str | None = None  # the page as fetched, kept beside the article
    action: str = "flag"


def sqlite_settings(
    data_dir: Path,
    lease_seconds: int = 600,
    attempts: int = 10,
    second_opinion_rate: float = 0.0,
    rules_file: str = "",
    **review: Any,
) -> Settings:
    """Settings for a desk under test (no random second-opinion sample unless a test asks for one);
    ``review`` overrides more ``ReviewSettings`` fields."""
    return Settings(
        data_dir=data_dir,
        rules_file=rules_file,
        review=ReviewSettings(
            lease_seconds=lease_seconds,
            login_attempts_per_minute=attempts,
            second_opinion_rate=second_opinion_rate,
            **review,
        ),
    )


def migrated_engine(url: str) -> Engine:
    upgrade(url)
    return make_engine(url)


def _evidence(seed: SeedArticle, flag: SeedFlag) -> list[dict[str, Any]]:
    haystack = seed.title if flag.field == "title" else seed.text
    if not flag.needle or flag.needle not in haystack:
        return []
    start = haystack.index(flag.needle)
    end = start + len(flag.needle)
    return [{"start": start, "end": end, "excerpt": haystack[start:end], "matched": flag.needle, "field": flag.field}]


def seed_article(engine: Engine, seed: SeedArticle) -> int:
    """Insert the article, its flags and its review item; returns the review item id."""
    created = datetime.now(UTC) - timedelta(minutes=seed.age_minutes)
    with engine.begin() as conn:
        conn.execute(
            insert(articles).values(
                id=seed.article_id,
                url=seed.url or f"https://news.example/{seed.article_id}",
                canonical_url=seed.url or f"https://news.example/{seed.article_id}",
                source_id=seed.source_id,
                fetched_at=created,
                http_status=200,
                title=seed.title,
                text=seed.text,
                language=seed.language,
                stripped=list(seed.stripped),
                content_hash=seed.article_id.ljust(64, "0"),
                duplicate_of=seed.duplicate_of,
                duplicate_kind=seed.duplicate_kind or ("near" if seed.duplicate_of else None),
                similarity=seed.similarity,
                action="flag",
                score=0.9,
                rule_version="test-1",
                created_at=created,
                updated_at=created,
            )
        )
        search.index_article(conn, seed.article_id, seed.title, seed.text)
        if seed.page is not None:
            conn.execute(
                insert(page_html).values(
                    article_id=seed.article_id,
                    body=zlib.compress(seed.page.encode("utf-8")),
                    content_type="text/html; charset=utf-8",
                    stored_at=created,
                )
            )
        for index, flag in enumerate(seed.flags):
            conn.execute(
                insert(flags).values(
                    article_id=seed.article_id,
                    rule_id=f"rule-{flag.code}-{index}",
                    code=flag.code,
                    severity=flag.severity,
                    action=seed.action,
                    score=0.9,
                    shadow=False,
                    detail=f"{flag.code} matched",
                    evidence=_evidence(seed, flag),
                    rule_version="test-1",
                )
            )
        result = conn.execute(
            insert(review_items).values(
                article_id=seed.article_id,
                state="pending",
                priority=seed.priority,
                action="flag",
                score=0.9,
                codes=" ".join(flag.code for flag in seed.flags),
                source_id=seed.source_id,
                language=seed.language,
                created_at=created,
            )
        )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def seed_many(engine: Engine, count: int, prefix: str = "a") -> list[int]:
    return [seed_article(engine, SeedArticle(f"{prefix}{index:05d}", title=f"Story {index}")) for index in range(count)]


def make_user(engine: Engine, name: str, role: str = "reviewer", password: str | None = None) -> str:
    """Create a user and return its API token."""
    _user, token = add_user(engine, name, role, password, actor="test")
    return token
