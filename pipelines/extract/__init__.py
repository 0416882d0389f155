"""Main-content extraction: one lxml parse, chrome removal, container scoring, text gathering.

Stages, each its own module:

1. :mod:`.tree` parses (one libxml2 pass, oversized markup bounded first) and drops
   never-text tags; :mod:`.metadata` reads the page's metadata before that, each
   field with its evidence (:mod:`.structured` for JSON-LD, microdata and ``<meta>``,
   :mod:`.dates` and :mod:`.textdates` for dates, :mod:`.bylines` for authors).
2. :mod:`.chrome` removes navigation, share bars, ads, comments, cookie and
   newsletter boxes by tag, ARIA role and class/id words (:mod:`.selectors`),
   recording each as a :class:`StrippedBlock`, unless the element holds the article.
3. :mod:`.blocks` cuts the tree into paragraph-like text runs; :mod:`.scoring`
   votes them into a best container (readability-style, plus lifting to the common
   ancestor of scattered paragraphs); :mod:`.body` adds sibling parts and drops
   captions and link lists; :mod:`.pagekind` empties listing and error pages.

``extract_raw`` gives the extractor's view; ``extract_article`` adds the
text-level residue pass of :mod:`pipelines.strip`.
"""

from __future__ import annotations

from lxml import etree

from pipelines.decode import decode_html
from pipelines.errors import UndecodableContent
from pipelines.extract.blocks import split_blocks
from pipelines.extract.body import choose_containers, gather
from pipelines.extract.chrome import strip_chrome
from pipelines.extract.metadata import Metadata, read_metadata
from pipelines.extract.pagekind import empty_reason
from pipelines.extract.scoring import best_candidate, score_candidates, tally
from pipelines.extract.tree import bound, drop_junk, parse
from pipelines.models import ExtractedArticle, StrippedBlock
from pipelines.strip import strip_residue

__all__ = ["extract_article", "extract_raw"]

MAX_INNER_DROPS = 40  # captions and link lists cut from inside the article, kept for reviewers


def _body_keep(root: etree._Element) -> frozenset[etree._Element]:
    """Containers the page itself marks as the article body (schema.org)."""
    return frozenset(root.iterfind(".//*[@itemprop='articleBody']"))


def extract_raw(html: str | bytes, url: str | None = None) -> ExtractedArticle:
    """The page's main text and metadata, before text-level residue stripping.

    Bytes are decoded with :func:`decode_html`; empty or binary bytes give an empty
    article whose ``empty_reason`` starts with "undecodable".
    """
    if isinstance(html, bytes):
        try:
            html = decode_html(html)
        except UndecodableContent as exc:
            # Callers holding raw bytes get a result, not an exception; the pipeline calls
            # decode_html itself and so still sees the error.
            return ExtractedArticle(title="", text="", empty_reason=f"undecodable: {exc}")
    text_in = bound(html)
    first = _extract(text_in, url, strict=True)
    if first is None:
        return ExtractedArticle(title="", text="", empty_reason="no_html")
    article, lost_prose = first
    if article.empty_reason == "no_main_content" and lost_prose:
        # Nothing left, but a hidden wrapper (revealed by a script) or a chrome-named
        # container too small for the guard took prose with it: retry leniently.
        second = _extract(text_in, url, strict=False)
        if second is not None:
            article = second[0]
    return article


def _extract(html: str, url: str | None, strict: bool) -> tuple[ExtractedArticle, bool] | None:
    """The article, and whether chrome removal took prose a lenient pass might keep."""
    root = parse(html)
    if root is None:
        return None
    meta = read_metadata(root, url)
    drop_junk(root)
    chrome = strip_chrome(root, _body_keep(root), strict)
    stripped = chrome.stripped
    body = root.find("body")
    blocks = split_blocks(body if body is not None else root)
    counts = tally(blocks)
    scores = score_candidates(blocks, counts)
    best = best_candidate(scores, counts)
    found = gather(blocks, choose_containers(best, scores, counts, blocks), counts) if best is not None else None
    kept = list(found.kept) if found else []
    reason = empty_reason(meta, kept, blocks)
    text = "" if reason else "\n".join(b.text for b in kept)
    inner = found.dropped[:MAX_INNER_DROPS] if found and not reason else ()
    return _article(meta, text, (*stripped, *inner), reason), chrome.lost_prose


def _article(meta: Metadata, text: str, stripped: tuple[StrippedBlock, ...], reason: str | None) -> ExtractedArticle:
    fields = meta.fields
    return ExtractedArticle(
        title=meta.title,
        text=text,
        published=fields.published.value,
        author=", ".join(fields.authors.value or ()) or None,
        language=fields.language.value,
        canonical_url=fields.canonical_url.value,
        stripped=stripped,
        empty_reason=reason,
        metadata=fields,
    )


def extract_article(html: str | bytes, url: str | None = None) -> ExtractedArticle:
    """Main text and metadata with boilerplate residue removed; bytes are decoded first."""
    return strip_residue(extract_raw(html, url))
