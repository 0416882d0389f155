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


def _skipped(block: Block, counts: Tally) -> bool:
    # A <figure> holding pages of text is a layout wrapper (or one left unclosed), not an image and its caption.
    return any(
        el.tag in SKIP_IN_BODY or (el.tag == "figure" and counts.chars.get(el, 0) <= FIGURE_MAX_CHARS)
        for el in block.path
    )


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


def _drop_reason(block: Block, counts: Tally) -> StripCategory | None:
    n = len(block.text)
    limit = LONG_BLOCK_LINK_DENSITY if n >= LONG_BLOCK_CHARS else MAX_BLOCK_LINK_DENSITY
    if _skipped(block, counts):
        return "other"
    if block.link_chars > limit * n:
        return "related_links"
    return None


def gather(blocks: list[Block], containers: list[etree._Element], counts: Tally) -> Gathered:
    """Blocks inside the containers, minus captions, link lists and the headings of link lists."""
    inside = set(containers)
    ours = [b for b in blocks if any(el in inside for el in b.path)]
    reasons = [_drop_reason(b, counts) for b in ours]
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
