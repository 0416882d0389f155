"""The frozen records that flow between processing stages.

They are plain dataclasses; JSON encoding happens only at the queue edge
(:mod:`workers.codec`) and the storage edge (:mod:`pipelines.storage`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

StripCategory = Literal[
    "navigation",
    "share_bar",
    "ad_slot",
    "related_links",
    "comments",
    "cookie_banner",
    "newsletter_box",
    "text_residue",
    "other",
]
DuplicateKind = Literal["exact", "near", "rewritten"]
Severity = Literal["info", "low", "medium", "high", "critical"]
Action = Literal["none", "tag", "flag", "hold", "drop"]

SEVERITY_RANK: dict[str, int] = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
ACTION_RANK: dict[str, int] = {"none": 0, "tag": 1, "flag": 2, "hold": 3, "drop": 4}


@dataclass(frozen=True)
class Page:
    """One fetched HTTP response, as the crawler saw it."""

    url: str
    final_url: str
    status: int
    body: bytes
    source_id: str
    fetched_at: datetime
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    source_language: str | None = None
    crawl_run_id: str | None = None


@dataclass(frozen=True)
class StrippedBlock:
    """A piece of the page that extraction removed, kept so reviewers can see it."""

    category: StripCategory
    text: str


@dataclass(frozen=True)
class ExtractedArticle:
    """The main content of a page.

    ``text`` holds paragraphs separated by newlines; it is empty when the page
    is not an article, and ``empty_reason`` then says why.
    """

    title: str
    text: str
    published: str | None = None
    author: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    stripped: tuple[StrippedBlock, ...] = ()
    empty_reason: str | None = None


@dataclass(frozen=True)
class DedupeVerdict:
    """Whether a document repeats an earlier one, and which (its cluster's canonical)."""

    duplicate_of: str | None
    similarity: float
    kind: DuplicateKind | None


@dataclass(frozen=True)
class Evidence:
    """Where a rule matched: character offsets into the stored text and the excerpt there."""

    start: int
    end: int
    excerpt: str
    matched: str = ""
    field: Literal["title", "text"] = "text"


@dataclass(frozen=True)
class Flag:
    """One rule's finding about one article, with the evidence that triggered it."""

    code: str
    severity: Severity
    action: Action
    score: float
    evidence: tuple[Evidence, ...] = ()
    rule_id: str = ""
    rule_version: str = ""
    shadow: bool = False
    detail: str = ""


@dataclass(frozen=True)
class FlagInput:
    """What the rule engine looks at for one article."""

    article_id: str
    title: str
    text: str
    url: str | None = None
    source_id: str | None = None
    source_language: str | None = None
    stripped: tuple[StrippedBlock, ...] = ()
    extraction_empty_reason: str | None = None
    duplicate: DedupeVerdict | None = None
    duplicate_source_id: str | None = None


@dataclass(frozen=True)
class FlagOutcome:
    """The combined result of all rules for one article."""

    flags: tuple[Flag, ...]
    action: Action
    score: float
    rule_version: str


@dataclass(frozen=True)
class ProcessedArticle:
    """Everything processing learned about one page, ready to store."""

    article_id: str
    page: Page
    article: ExtractedArticle
    content_hash: str
    verdict: DedupeVerdict
    outcome: FlagOutcome
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False)
