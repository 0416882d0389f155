"""Decide when a page is not an article (listing, error page, too little text)."""

from __future__ import annotations

import re

from pipelines.extract.blocks import Block
from pipelines.extract.body import is_teaser_heading
from pipelines.extract.metadata import Metadata

MIN_ARTICLE_CHARS = 120
LISTING_TEASERS = 5
LISTING_SHARE = 0.5
RUN_PARAGRAPH_CHARS = 80
ERROR_TEXT_CHARS = 1500
_ERROR_TITLE = re.compile(
    r"\b(?:404|410|500|503)\b|page not found|not found|seite nicht gefunden|page introuvable|"
    r"página no encontrada|pagina non trovata|error page|access denied|forbidden|"
    r"(?:couldn'?t|could not|cannot|can'?t) (?:find|be found)|(?:does not|doesn'?t|no longer) exists?",
    re.IGNORECASE,
)


def empty_reason(meta: Metadata, kept: list[Block], blocks: list[Block]) -> str | None:
    """Why the page yields no article text, or None when it does."""
    chars = sum(len(b.text) for b in kept)
    if chars < ERROR_TEXT_CHARS and (_ERROR_TITLE.search(meta.title) or _ERROR_TITLE.search(meta.document_title)):
        return "error_page"
    if chars < MIN_ARTICLE_CHARS:
        teasers = sum(1 for b in blocks if is_teaser_heading(b))
        return "listing_page" if teasers >= LISTING_TEASERS else "no_main_content"
    first, last = kept[0].path, kept[-1].path
    span = [b for b in blocks if _between(b, first, last)]
    teasers = sum(1 for b in span if is_teaser_heading(b))
    if teasers >= LISTING_TEASERS and teasers >= LISTING_SHARE * len(kept) and _longest_run(span, kept) <= 2:
        return "listing_page"
    return None


def _longest_run(span: list[Block], kept: list[Block]) -> int:
    """Most consecutive prose paragraphs with no teaser headline between them.

    An index page alternates headline and summary; an article has a run of
    paragraphs, even if a few related headlines follow it.
    """
    prose = {id(b) for b in kept if len(b.text) >= RUN_PARAGRAPH_CHARS}
    best = run = 0
    for block in span:
        if is_teaser_heading(block):
            run = 0
        elif id(block) in prose:
            run += 1
            best = max(best, run)
    return best


def _between(block: Block, first: tuple[object, ...], last: tuple[object, ...]) -> bool:
    common = first[0] if first else None
    for a, b in zip(first, last, strict=False):
        if a is not b:
            break
        common = a
    return common is not None and common in block.path
