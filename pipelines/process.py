"""The stage order: decode -> extract -> strip -> dedupe -> flag, timed per stage.

Pure apart from the duplicate index (Redis) and the source lookup (SQL) that
come in through :class:`ProcessingDeps`; storing the result is the caller's
step so that a worker can retry it on its own.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from config.source_roles import SourceRole
from pipelines.decode import decode_html
from pipelines.dedupe import content_hash
from pipelines.extract import extract_raw
from pipelines.flagging import RuleSet, evaluate
from pipelines.models import DedupeVerdict, FlagInput, OriginEvidence, Page, ProcessedArticle
from pipelines.provenance import origin_evidence
from pipelines.strip import strip_residue
from pipelines.urls import article_id, article_identity

NO_DUPLICATE = DedupeVerdict(duplicate_of=None, similarity=0.0, kind=None)


class DuplicateIndex(Protocol):
    """What processing needs of the shared duplicate index."""

    def check_and_add(self, doc_id: str, text: str, evidence: OriginEvidence | None = None) -> DedupeVerdict: ...


@dataclass(frozen=True)
class ProcessingDeps:
    """The outside world processing talks to, injected by the worker."""

    duplicates: DuplicateIndex
    rules: RuleSet
    source_of: Callable[[str], str | None]
    # A source's allowed domains: a canonical URL there may name an article (see pipelines.urls.article_identity).
    domains_of: Callable[[str], Sequence[str]] = lambda _source_id: ()
    # A source's role (config/sources.yaml): evidence for which copy of a story is the original.
    role_of: Callable[[str], SourceRole | None] = lambda _source_id: None


class _StageClock:
    """Milliseconds per stage: wall clock for metrics, CPU time (``time.process_time``) for the bench."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.timings: dict[str, float] = {}
        self._clock = clock
        self._last = clock()

    def lap(self, stage: str) -> None:
        now = self._clock()
        self.timings[stage] = (now - self._last) * 1000.0
        self._last = now


def process_page(
    page: Page, deps: ProcessingDeps, *, clock: Callable[[], float] = time.perf_counter
) -> ProcessedArticle:
    """Run every stage over one fetched page; ``timings_ms`` are laps of ``clock`` (wall time by default)."""
    laps = _StageClock(clock)
    html = decode_html(page.body, page.content_type)
    laps.lap("decode")
    raw = extract_raw(html, page.final_url)
    laps.lap("extract")
    article = strip_residue(raw)
    laps.lap("strip")
    identity = article_identity(article.canonical_url, page.final_url, deps.domains_of(page.source_id))
    canonical = identity.canonical_url
    doc_id = article_id(canonical)
    body = article.text
    evidence = None
    verdict = NO_DUPLICATE
    if body.strip():
        published = article.metadata.published
        evidence = origin_evidence(
            page, html, published.value, published.source, deps.role_of(page.source_id), identity.foreign_canonical
        )
        verdict = deps.duplicates.check_and_add(doc_id, body, evidence)
    duplicate_source = deps.source_of(verdict.duplicate_of) if verdict.duplicate_of else None
    digest = content_hash(body or article.title)  # the exact-duplicate key: dedupe work, timed with it
    laps.lap("dedupe")
    outcome = evaluate(
        deps.rules,
        FlagInput(
            article_id=doc_id,
            title=article.title,
            text=body,
            url=page.final_url,
            source_id=page.source_id,
            source_language=page.source_language,
            stripped=article.stripped,
            extraction_empty_reason=article.empty_reason,
            duplicate=verdict if verdict.duplicate_of else None,
            duplicate_source_id=duplicate_source,
        ),
    )
    laps.lap("flag")
    return ProcessedArticle(
        article_id=doc_id,
        page=page,
        article=dataclasses.replace(article, canonical_url=canonical),
        content_hash=digest,
        verdict=verdict,
        outcome=outcome,
        timings_ms=laps.timings,
        foreign_canonical=identity.foreign_canonical,
        evidence=evidence,
    )
