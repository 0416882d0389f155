"""Gather the article text from the chosen container and its worthy siblings."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from pipelines.extract.blocks import Block
from pipelines.extract.scoring import Tally
from pipelines.extract.selectors import HEADING_TAGS, SKIP_IN_BODY
from pipelines.models import StripCategory, StrippedBlock

SIBLING_SHARE = 0.2  # a sibling scoring this share of the winner joins it
MIN_SIBLING_SCORE = 10.0
LONE_PARAGRAPH_CHARS = 80
MAX_BLOCK_LINK_DENSITY = 0.5
# A long paragraph whose first sentence is a link is still prose; link lists are short lines.
LONG_BLOCK_CHARS = 150
LONG_BLOCK_LINK_DENSITY = 0.75
FIGURE_MAX_CHARS = 1000  # an image's caption and credit; more is article text in a wrapper
LEAD_MIN_CHARS = 60
LEAD_LONG_CHARS = 150  # a lead this long counts even without closing punctuation
LEAD_MAX_LINK_DENSITY = 0.2
LEAD_MAX_BLOCKS = 12  # blocks looked back from the body for its headline
LEAD_REACH = 6  # levels above the body's first block at which the headline may join it
# Quotes, lists and minor headings are not a lead (an <h2> deck is one).
LEAD_EXCLUDED = frozenset({"figure", "figcaption", "li", "td", "th", "blockquote", "h3", "h4", "h5", "h6"})
TEASER_MIN_CHARS = 20
TEASER_LINK_DENSITY = 0.8
_SENTENCE_END = (".", "!", "?", "…", '"', "”", "»", "。")


def choose_containers(
    best: etree._Element, scores: dict[etree._Element, float], counts: Tally, blocks: list[Block]
) -> list[etree._Element]:
    """The winner plus siblings that look like more of the same article."""
    parent = best.getparent()
    if parent is None:
        return [best]
    top = scores.get(best, 0.0)
    threshold = max(MIN_SIBLING_SCORE, top * SIBLING_SHARE)
    best_class = best.get("class")
    owned = {b.owner: b.text for b in blocks if b.owner.getparent() is parent}
    chosen: list[etree._Element] = []
    for sibling in parent:
        if not isinstance(sibling.tag, str):
            continue
        if sibling is best:
            chosen.append(sibling)
            continue
        bonus = top * SIBLING_SHARE if best_class and sibling.get("class") == best_class else 0.0
        if sibling in scores and scores[sibling] + bonus >= threshold:
            chosen.append(sibling)
        elif sibling.tag == "p":
            text = owned.get(sibling, "")
            density = counts.link_density(sibling)
            if (len(text) > LONE_PARAGRAPH_CHARS and density < 0.25) or (
                text and density == 0 and text.endswith(_SENTENCE_END)
            ):
                chosen.append(sibling)
    return chosen


def _skips(el: etree._Element, counts: Tally) -> bool:
    # A <figure> holding pages of text is a layout wrapper (or one left unclosed), not an image and its caption.
    tag = el.tag
    return tag in SKIP_IN_BODY or (tag == "figure" and counts.chars.get(el, 0) <= FIGURE_MAX_CHARS)


def _skipped(path: tuple[etree._Element, ...], counts: Tally, under: dict[etree._Element, bool]) -> bool:
    """Whether any element of ``path`` is one the body skips; ``under`` caches the answer per element's own path."""
    start = len(path)
    while start and path[start - 1] not in under:  # back up to the deepest element already answered
        start -= 1
    found = under[path[start - 1]] if start else False
    for el in path[start:]:
        found = found or _skips(el, counts)
        under[el] = found
    return found


def is_teaser_heading(block: Block) -> bool:
    """A headline that is all link: how index pages and recirculation boxes list stories."""
    return (
        len(block.text) >= TEASER_MIN_CHARS
        and block.link_chars >= TEASER_LINK_DENSITY * len(block.text)
        and any(el.tag in HEADING_TAGS for el in block.path[-3:])
    )


@dataclass(frozen=True)
class Gathered:
    """The article's blocks, and what inside its containers was left out and why."""

    kept: tuple[Block, ...]
    dropped: tuple[StrippedBlock, ...]


def is_heading(block: Block) -> bool:
    return block.owner.tag in HEADING_TAGS


def _drop_reason(block: Block, counts: Tally, under: dict[etree._Element, bool]) -> StripCategory | None:
    """Why ``block`` is left out (``under``: see :func:`_skipped`)."""
    n = len(block.text)
    limit = LONG_BLOCK_LINK_DENSITY if n >= LONG_BLOCK_CHARS else MAX_BLOCK_LINK_DENSITY
    if _skipped(block.path, counts, under):
        return "other"
    if block.link_chars > limit * n:
        return "related_links"
    return None


def _is_lead(block: Block) -> bool:
    n = len(block.text)
    return (
        n >= LEAD_MIN_CHARS
        and block.link_chars <= LEAD_MAX_LINK_DENSITY * n
        and (n >= LEAD_LONG_CHARS or block.text.endswith(_SENTENCE_END))
        and not any(el.tag in LEAD_EXCLUDED for el in block.path)
    )


def lead_blocks(blocks: list[Block], first: int) -> list[Block]:
    """Prose between the headline and the body container: the standfirst, deck or intro a CMS puts apart.

    Only when the ``<h1>`` just before the body and the body share a close ancestor, so the
    headline of a teaser elsewhere on the page never pulls its surroundings in.
    """
    body_path = blocks[first].path
    for at in range(first - 1, max(first - LEAD_MAX_BLOCKS, 0) - 1, -1):
        block = blocks[at]
        if block.owner.tag != "h1" and not any(el.tag == "h1" for el in block.path[-2:]):
            continue
        shared = 0
        for a, b in zip(block.path, body_path, strict=False):
            if a is not b:
                break
            shared += 1
        if len(body_path) - shared > LEAD_REACH or shared < 2:  # body and at least one wrapper
            return []
        return [b for b in blocks[at + 1 : first] if _is_lead(b)]
    return []


def gather(blocks: list[Block], containers: list[etree._Element], counts: Tally) -> Gathered:
    """Blocks inside the containers, minus captions, link lists and the headings of link lists; then any lead."""
    inside = set(containers)
    within: dict[int, bool] = {}  # per path: runs of one owner share it
    indices: list[int] = []
    for i, block in enumerate(blocks):
        path = block.path
        found = within.get(id(path))
        if found is None:
            found = within[id(path)] = not inside.isdisjoint(path)
        if found:
            indices.append(i)
    ours = lead_blocks(blocks, indices[0]) if indices else []
    ours.extend(blocks[i] for i in indices)
    under: dict[etree._Element, bool] = {}
    reasons = [_drop_reason(b, counts, under) for b in ours]
    kept: list[Block] = []
    dropped: list[StrippedBlock] = []
    for i, block in enumerate(ours):
        reason = reasons[i]
        if reason == "related_links" and _between_prose(ours, reasons, i):
            reason = None  # one linked line amid paragraphs is the article's own (a source, a product, an address)
        if reason is None and is_heading(block) and _heads_nothing(ours, reasons, i):
            reason = "related_links"
        if reason is None:
            kept.append(block)
        else:
            dropped.append(StrippedBlock(reason, block.text))
    return Gathered(tuple(kept), tuple(dropped))


def _between_prose(ours: list[Block], reasons: list[StripCategory | None], at: int) -> bool:
    """Whether the link-dense block at ``at`` stands alone between kept paragraphs (not in a run of links)."""
    if at == 0 or at + 1 >= len(ours):
        return False
    before, after = ours[at - 1], ours[at + 1]
    return (
        reasons[at - 1] is None
        and reasons[at + 1] is None
        and not is_heading(before)
        and not is_heading(after)
        and min(len(before.text), len(after.text)) >= LONE_PARAGRAPH_CHARS
    )


def _heads_nothing(ours: list[Block], reasons: list[StripCategory | None], at: int) -> bool:
    """Whether the heading at ``at`` has only dropped blocks under it: "Related stories" over a link list.

    A heading directly followed by another heading (a chapter over its first section) heads that one.
    """
    dropped_any = False
    for block, reason in zip(ours[at + 1 :], reasons[at + 1 :], strict=True):
        if reason is None:
            return dropped_any and is_heading(block)
        dropped_any = True
    return True
