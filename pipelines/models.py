"""The frozen records that flow between processing stages.

They are plain dataclasses; JSON encoding happens only at the queue edge
(:mod:`workers.codec`) and the storage edge (:mod:`pipelines.storage`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Generic, Literal, TypeVar

from config.source_roles import SourceRole

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
class Provenance:
    """Where a page came from in a web archive: the WARC file, the record's byte offset in it, its record id."""

    file: str
    offset: int
    record_id: str


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
    provenance: Provenance | None = None  # set for pages read from a WARC file


@dataclass(frozen=True)
class StrippedBlock:
    """A piece of the page that extraction removed, kept so reviewers can see it."""

    category: StripCategory
    text: str


class MetadataSource(StrEnum):
    """The evidence a metadata field was read from, most explicit first."""

    JSON_LD = "json-ld"  # schema.org in <script type="application/ld+json">
    MICRODATA = "microdata"  # schema.org itemprop attributes
    OPENGRAPH = "opengraph"  # og:* and article:* properties
    META = "meta"  # other <meta> names (Dublin Core, parsely, sailthru, twitter, ...)
    MARKUP = "markup"  # <title>, <h1>, <html lang>, <link rel="canonical">
    TIME = "time"  # a <time datetime> element
    BYLINE = "byline"  # a byline element or "By ..." line
    URL = "url"  # the date pattern of the page's URL
    TEXT = "text"  # a date written in the visible text near the article


T = TypeVar("T")


@dataclass(frozen=True)
class MetadataField(Generic[T]):
    """One metadata value and the evidence it came from; both None when the page gives none."""

    value: T | None = None
    source: MetadataSource | None = None


@dataclass(frozen=True)
class ArticleMetadata:
    """What a page says about itself.

    Dates are ISO 8601: ``YYYY-MM-DD`` when the page gives only a day, else
    ``YYYY-MM-DDTHH:MM[:SS]`` with the offset (``+02:00``, ``Z``) when the page gives one.
    Never a guess: an absent date is None.  ``language`` is ISO 639-1.
    """

    title: MetadataField[str] = MetadataField()
    authors: MetadataField[tuple[str, ...]] = MetadataField()
    published: MetadataField[str] = MetadataField()
    modified: MetadataField[str] = MetadataField()
    language: MetadataField[str] = MetadataField()
    site_name: MetadataField[str] = MetadataField()
    section: MetadataField[str] = MetadataField()
    tags: MetadataField[tuple[str, ...]] = MetadataField()
    description: MetadataField[str] = MetadataField()
    image_url: MetadataField[str] = MetadataField()
    canonical_url: MetadataField[str] = MetadataField()


@dataclass(frozen=True)
class ExtractedArticle:
    """The main content of a page.

    ``text`` holds paragraphs separated by newlines; it is empty when the page
    is not an article, and ``empty_reason`` then says why.  ``published``,
    ``author`` (names joined by ", "), ``language`` and ``canonical_url`` repeat
    the values of ``metadata``, which also says where each came from.
    """

    title: str
    text: str
    published: str | None = None
    author: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    stripped: tuple[StrippedBlock, ...] = ()
    empty_reason: str | None = None
    metadata: ArticleMetadata = ArticleMetadata()


# Why a cluster's original is its original (pipelines.dedupe.lua_scripts), strongest evidence first.
OriginReason = Literal["named", "role", "published", "fetched", "first"]
# How a page names the article it reproduces: a "Source link", its canonical URL or its og:url on another site.
NamingMarkup = Literal["source link", "canonical", "og:url"]


@dataclass(frozen=True)
class NamedSource:
    """One URL on another site that a page names as its source, and the markup that names it."""

    url: str
    via: NamingMarkup


@dataclass(frozen=True)
class OriginEvidence:
    """What speaks for an article being the original of its cluster (see pipelines.provenance).

    ``names`` are the ids of articles the page itself names as its source (a "Source link", a canonical URL or
    og:url on another site); ``published`` is the page's own publication date (ISO 8601) and ``fetched_at`` the
    first time we fetched it; ``role`` is its source's configured role.  ``sources`` says, for the desk, which
    URL and markup each name came from (dedupe weighs only ``names``).
    """

    fetched_at: datetime
    published: str | None = None
    role: SourceRole | None = None
    names: tuple[str, ...] = ()
    sources: tuple[NamedSource, ...] = ()

    def __post_init__(self) -> None:
        if self.fetched_at.tzinfo is None:
            raise ValueError("fetched_at must be timezone-aware")
        if any(len(n) != 32 or any(c not in "0123456789abcdef" for c in n) for n in self.names):
            raise ValueError("names must be article ids (32 lower-case hex digits)")


@dataclass(frozen=True)
class DedupeVerdict:
    """Whether a document repeats an earlier one, and which (its cluster's original).

    ``duplicate_of`` names the cluster's original when this document is not it.  ``kind`` and ``similarity``
    compare the document with the cluster's anchor (its first member, whose fingerprint later copies match);
    ``cluster_id`` is that anchor's id, ``original_id`` the member with the best evidence so far, ``epoch`` how
    many times the original changed (it orders the SQL writes of racing workers) and ``reason`` why it is the
    original.  A verdict without a cluster (empty text) has ``cluster_id`` None.
    """

    duplicate_of: str | None
    similarity: float
    kind: DuplicateKind | None
    cluster_id: str | None = None
    original_id: str | None = None
    epoch: int = 0
    reason: OriginReason = "first"


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

    @property
    def review_priority(self) -> int:
        """Queue order on the desk: action first, then the worst live flag's severity, then the score."""
        severity = max((SEVERITY_RANK[f.severity] for f in self.flags if not f.shadow), default=0)
        return ACTION_RANK[self.action] * 10_000 + severity * 1_000 + min(int(self.score * 10), 999)


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
    # A canonical URL the page declared outside its own site: not its identity, but evidence it is a copy.
    foreign_canonical: str | None = None
    # The evidence dedupe weighed for this article (None when the text was empty and dedupe was skipped).
    evidence: OriginEvidence | None = None
