"""The SQL schema (SQLAlchemy Core).  Alembic migrations in ``migrations/`` create it.

Business keys make every write idempotent: an article is keyed by its id (a
digest of the canonical URL), a flag by (article, rule), a review item by its
article.  The decision and audit logs are append-only.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

sources = Table(
    "sources",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("config", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

crawl_runs = Table(
    "crawl_runs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("source_id", String(64), nullable=False, index=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(16), nullable=False),
    Column("pages_fetched", Integer, nullable=False, default=0),
    Column("items_sent", Integer, nullable=False, default=0),
    Column("items_spooled", Integer, nullable=False, default=0),
    Column("stats", JSON, nullable=False),
)

# Text removed by retention carries this at the start of empty_reason; the partial index below covers the rest.
RETENTION_MARK = "retention:"
ARTICLE_TEXT_KEPT = f"empty_reason IS NULL OR empty_reason NOT LIKE '{RETENTION_MARK}%'"

articles = Table(
    "articles",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("url", Text, nullable=False),
    Column("canonical_url", Text, nullable=False),
    Column("source_id", String(64), nullable=False, index=True),
    Column("crawl_run_id", String(32)),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    Column("http_status", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("published", String(64)),
    Column("author", String(300)),
    Column("language", String(16)),
    Column("stripped", JSON, nullable=False),
    Column("empty_reason", String(200)),
    Column("content_hash", String(64), nullable=False, index=True),
    Column("duplicate_of", String(32), index=True),
    Column("duplicate_kind", String(8)),
    Column("similarity", Float),
    Column("action", String(8), nullable=False),
    Column("score", Float, nullable=False),
    Column("rule_version", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    # WARC provenance (migration 0006): the file, the record's offset in it and its WARC-Record-ID.
    Column("warc_file", Text),
    Column("warc_offset", BigInteger),
    Column("warc_record_id", String(200)),
    # Migration 0002: the last-modified date and every metadata field with its evidence
    # (pipelines.storage.metadata_row); NULL on rows stored before it.
    Column("modified", String(64)),
    Column("article_metadata", JSON),
    # Migration 0010: the story cluster (pipelines.dedupe: the id of its anchor, the first member); a lone
    # article is a cluster of its own.  Backfilled by the migration; every save sets it.
    Column("cluster_id", String(32), index=True),
    # Migration 0030: the evidence dedupe weighed for this article (pipelines.storage.clusters.evidence_row), shown
    # as the reason a cluster's original is the original; NULL before it and for empty texts.
    Column("origin_evidence", JSON),
    # Migration 0020: articles whose text retention has not removed yet, by age (pipelines.storage.retention).
    Index(
        "ix_articles_retention",
        "updated_at",
        postgresql_where=text(ARTICLE_TEXT_KEPT),
        sqlite_where=text(ARTICLE_TEXT_KEPT),
    ),
)

# One row per cluster with more than one member seen (migration 0010): which member is the original, why, and the
# epoch of that choice in the duplicate index (a write with a lower epoch than the row's is stale and changes it not).
clusters = Table(
    "clusters",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("original_id", String(32), nullable=False),
    Column("epoch", Integer, nullable=False),
    Column("reason", String(16), nullable=False),  # named | role | published | fetched | first
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

flags = Table(
    "flags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("rule_id", String(100), nullable=False),
    Column("code", String(64), nullable=False, index=True),
    Column("severity", String(16), nullable=False),
    Column("action", String(8), nullable=False),
    Column("score", Float, nullable=False),
    Column("shadow", Boolean, nullable=False, default=False),
    Column("detail", Text, nullable=False, default=""),
    Column("evidence", JSON, nullable=False),
    Column("rule_version", String(64), nullable=False),
    UniqueConstraint("article_id", "rule_id", "code", name="uq_flags_article_rule_code"),
)

review_items = Table(
    "review_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("state", String(16), nullable=False),  # pending | claimed | decided
    Column("priority", Integer, nullable=False),  # higher first: severity rank * 1000 + score
    Column("action", String(8), nullable=False),
    Column("score", Float, nullable=False),
    Column("codes", Text, nullable=False),  # space-separated reason codes, for filtering
    Column("source_id", String(64), nullable=False),
    Column("language", String(16)),
    Column("lease_owner", String(100)),
    Column("lease_expires_at", DateTime(timezone=True)),
    Column("decision", String(16)),
    Column("decided_by", String(100)),
    Column("decided_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Desk, second generation (migration 0005): who may work the item, second opinions, handling time.
    Column("queue", String(16), nullable=False, server_default="main"),  # main | admin (escalated)
    Column("escalated_by", String(100)),
    Column("escalation_reason", Text),
    Column("second_review", String(16)),  # None | wanted (a blind second opinion is due) | done
    Column("first_reviewer", String(100)),
    Column("claimed_at", DateTime(timezone=True)),
    Index("ix_review_items_queue", "state", "priority", "created_at"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("review_item_id", Integer, ForeignKey("review_items.id"), nullable=False, index=True),
    Column("article_id", String(32), nullable=False),
    Column("reviewer", String(100), nullable=False),
    Column("decision", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("flags", JSON, nullable=False),
    Column("undoes", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("opinion", String(8)),  # first | second (blind double review) | admin (an escalation decided)
    Column("handling_seconds", Float),  # from the claim to this decision
)

# The page as fetched (its bytes, zlib-compressed), so reviewers can see it and admins re-run extraction.
page_html = Table(
    "page_html",
    metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("body", LargeBinary, nullable=False),
    Column("content_type", String(200)),
    Column("stored_at", DateTime(timezone=True), nullable=False, index=True),  # migration 0020
)

# The full-text index over titles and text lives beside these tables but outside this metadata: an FTS5
# virtual table on SQLite, a tsvector table on PostgreSQL (see pipelines.storage.search).

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(100), nullable=False),
    Column("action", String(32), nullable=False),
    Column("target", String(100), nullable=False),
    Column("detail", JSON, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(200)),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Set for a generated one-time password: the desk asks for a new one before anything else.
    Column("must_change_password", Boolean, nullable=False, default=False, server_default=false()),
)

# Browser sessions live here, so signing out, a password change or deactivation ends them at once;
# the cookie holds a random token and only its sha256 is stored.
review_sessions = Table(
    "review_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

dead_letters = Table(
    "dead_letters",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("task_key", String(100), nullable=False, unique=True),
    Column("task_name", String(200), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("state", String(16), nullable=False),  # dead | retried
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# WARC ingestion (migration 0006): one row per WARC file, its checkpoint and the lease of the reader.
warc_files = Table(
    "warc_files",
    metadata,
    Column("id", String(32), primary_key=True),  # digest of the location
    Column("location", Text, nullable=False),
    Column("status", String(16), nullable=False, index=True),  # queued | reading | done | damaged | failed
    Column("last_offset", BigInteger),  # offset of the last record handed off (None: none yet)
    Column("records_done", Integer, nullable=False, default=0),  # records read up to the checkpoint
    Column("records_queued", Integer, nullable=False, default=0),
    Column("records_skipped", Integer, nullable=False, default=0),
    Column("skipped", JSON, nullable=False),  # reason -> count
    Column("damage_offset", BigInteger),
    Column("error", Text),
    Column("lease_owner", String(100)),
    Column("lease_expires_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
)
