"""Gather the article text from the chosen container and its worthy siblings."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from pipelines.extract.blocks import Block
from pipelines.extract.scoring import Tally
from pipelines.extract.selectors import HEADING_TAGS, SKIP_IN_BODY
from pipelines.models import StrippedBlock

SIBLING_SHARE = 0.2  # a sibling scoring this share of the winner joins it
MIN_SIBLING_SCORE = 10.0
LONE_PARAGRAPH_CHARS = 80
MAX_BLOCK_LINK_DENSITY = 0.5
# A long paragraph whose first sentence is a link is still prose; link lists are short lines.
LONG_BLOCK_CHARS = 150
LONG_BLOCK_LINK_DENSITY = 0.75
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


def _skipped(block: Block) -> bool:
    return any(el.tag in SKIP_IN_BODY for el in block.path)


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


def gather(blocks: list[Block], containers: list[etree._Element]) -> Gathered:
    """Blocks inside the containers, minus captions and link lists."""
    inside = set(containers)
    kept: list[Block] = []
    dropped: list[StrippedBlock] = []
    for block in blocks:
        if not any(el in inside for el in block.path):
            continue
        n = len(block.text)
        limit = LONG_BLOCK_LINK_DENSITY if n >= LONG_BLOCK_CHARS else MAX_BLOCK_LINK_DENSITY
        if _skipped(block):
            dropped.append(StrippedBlock("other", block.text))
        elif block.link_chars > limit * n:
            dropped.append(StrippedBlock("related_links", block.text))
        else:
            kept.append(block)
    return Gathered(tuple(kept), tuple(dropped))
