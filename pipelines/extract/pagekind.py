"""Decide when a page is not an article (listing, error page, too little text)."""

from __future__ import annotations

import re

from pipelines.extract.blocks import Block
from pipelines.extract.metadata import Metadata
from pipelines.extract.selectors import HEADING_TAGS

MIN_ARTICLE_CHARS = 120
TEASER_MIN_CHARS = 20
LISTING_TEASERS = 5
LISTING_SHARE = 0.5
ERROR_TEXT_CHARS = 1500
_ERROR_TITLE = re.compile(
    r"\b(?:404|410|500|503)\b|page not found|not found|seite nicht gefunden|page introuvable|"
    r"página no encontrada|pagina non trovata|error page|access denied|forbidden|"
    r"(?:couldn'?t|could not|cannot|can'?t) (?:find|be found)|(?:does not|doesn'?t|no longer) exists?",
    re.IGNORECASE,
)


def _is_teaser_link(block: Block) -> bool:
    """A linked headline: what index pages are made of."""
    return (
        len(block.text) >= TEASER_MIN_CHARS
        and block.link_chars >= 0.8 * len(block.text)
        and any(el.tag in HEADING_TAGS for el in block.path[-3:])
    )


def empty_reason(meta: Metadata, kept: list[Block], blocks: list[Block]) -> str | None:
    """Why the page yields no article text, or None when it does."""
    chars = sum(len(b.text) for b in kept)
    if chars < ERROR_TEXT_CHARS and (_ERROR_TITLE.search(meta.title) or _ERROR_TITLE.search(meta.document_title)):
        return "error_page"
    if chars < MIN_ARTICLE_CHARS:
        return "no_main_content"
    if kept:
        first, last = kept[0].path, kept[-1].path
        # Teaser headlines interleaved with the kept paragraphs mean an index page.
        span = [b for b in blocks if _between(b, first, last)]
        teasers = sum(1 for b in span if _is_teaser_link(b))
        if teasers >= LISTING_TEASERS and teasers >= LISTING_SHARE * len(kept):
            return "listing_page"
    return None


def _between(block: Block, first: tuple[object, ...], last: tuple[object, ...]) -> bool:
    common = first[0] if first else None
    for a, b in zip(first, last, strict=False):
        if a is not b:
            break
        common = a
    return common is not None and common in block.path
