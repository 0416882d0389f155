"""Pick the element that holds the article: readability-style paragraph scoring.

Each paragraph-like block votes for its container and, less, the container's
ancestors; votes grow with length and commas, and shrink with link density.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from pipelines.extract.blocks import Block
from pipelines.extract.selectors import NEGATIVE_HINT, POSITIVE_HINT

PARAGRAPH_TAGS = frozenset({"p", "pre", "td", "blockquote", "dd", "li"})
MIN_VOTING_CHARS = 25
ANCESTOR_SHARE = (1.0, 0.5, 1 / 6)  # vote share for the container, its parent, grandparent
_COMMAS = re.compile(r"[,，、،]")
_TAG_BONUS = {
    "article": 10.0, "main": 5.0, "div": 5.0, "section": 3.0, "pre": 3.0, "td": 3.0, "blockquote": 3.0,
    "form": -3.0, "ol": -3.0, "ul": -3.0, "dl": -3.0, "li": -3.0, "address": -3.0, "th": -5.0,
}  # fmt: skip
CLASS_WEIGHT = 25.0


@dataclass
class Tally:
    """Per-element text and link character counts over all blocks beneath it."""

    chars: dict[etree._Element, int] = field(default_factory=dict)
    link_chars: dict[etree._Element, int] = field(default_factory=dict)

    def link_density(self, el: etree._Element) -> float:
        chars = self.chars.get(el, 0)
        return self.link_chars.get(el, 0) / chars if chars else 1.0


def tally(blocks: list[Block]) -> Tally:
    out = Tally()
    chars, links = out.chars, out.link_chars
    for block in blocks:
        n, k = len(block.text), block.link_chars
        for el in block.path:
            chars[el] = chars.get(el, 0) + n
            links[el] = links.get(el, 0) + k
    return out


def class_weight(el: etree._Element) -> float:
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    if not names.strip():
        return 0.0
    weight = 0.0
    if POSITIVE_HINT.search(names):
        weight += CLASS_WEIGHT
    if NEGATIVE_HINT.search(names):
        weight -= CLASS_WEIGHT
    return weight


def _voters(block: Block) -> tuple[etree._Element, ...]:
    # A block directly in a div acts as a paragraph of that div; a <p> votes for its parent.
    path = block.path
    start = len(path) - 2 if block.owner.tag in PARAGRAPH_TAGS else len(path) - 1
    return tuple(path[i] for i in range(start, max(start - len(ANCESTOR_SHARE), -1), -1))


def score_candidates(blocks: list[Block], counts: Tally) -> dict[etree._Element, float]:
    """Content score of every element that received a vote, link density applied."""
    raw: dict[etree._Element, float] = {}
    for block in blocks:
        n = len(block.text)
        if n < MIN_VOTING_CHARS:
            continue
        vote = 1.0 + len(_COMMAS.findall(block.text)) + min(n / 100.0, 3.0)
        for share, el in zip(ANCESTOR_SHARE, _voters(block), strict=False):
            if el not in raw:
                raw[el] = _TAG_BONUS.get(el.tag, 0.0) + class_weight(el)
            raw[el] += vote * share
    return {el: score * (1.0 - counts.link_density(el)) for el, score in raw.items()}


def best_candidate(scores: dict[etree._Element, float]) -> etree._Element | None:
    if not scores:
        return None
    return max(scores, key=lambda el: scores[el])
