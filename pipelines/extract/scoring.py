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
RIVALS_CONSIDERED = 6
RIVAL_SHARE = 0.75
MIN_RIVALS = 3
PROSE_MIN_CHARS = 60
PROSE_MAX_LINK_DENSITY = 0.25
PROSE_GROWTH = 1.5  # an ancestor with this much more prose holds scattered article parts
PROSE_REACH = 6  # levels an ancestor may sit above the last accepted container


@dataclass
class Tally:
    """Per-element text and link character counts over all blocks beneath it."""

    chars: dict[etree._Element, int] = field(default_factory=dict)
    link_chars: dict[etree._Element, int] = field(default_factory=dict)
    prose: dict[etree._Element, int] = field(default_factory=dict)  # chars of paragraph-like blocks

    def link_density(self, el: etree._Element) -> float:
        chars = self.chars.get(el, 0)
        return self.link_chars.get(el, 0) / chars if chars else 1.0


def tally(blocks: list[Block]) -> Tally:
    out = Tally()
    chars, links, prose = out.chars, out.link_chars, out.prose
    # Sums land on each block's owner, then flow up child to parent once per element:
    # walking every block's whole path cost its depth in dict updates per block.
    parent: dict[etree._Element, etree._Element] = {}
    depth: dict[etree._Element, int] = {}
    for text, k, owner, path in blocks:
        n = len(text)
        if owner not in depth:
            for i in range(len(path) - 1, -1, -1):  # up to the first element already placed
                el = path[i]
                if el in depth:
                    break
                depth[el] = i
                if i:
                    parent[el] = path[i - 1]
        chars[owner] = chars.get(owner, 0) + n
        links[owner] = links.get(owner, 0) + k
        # Only <p> counts as prose: list items with summaries are tickers as often as text.
        if n >= PROSE_MIN_CHARS and k < PROSE_MAX_LINK_DENSITY * n and owner.tag == "p":
            prose[owner] = prose.get(owner, 0) + n
    for el in sorted(depth, key=depth.__getitem__, reverse=True):
        up = parent.get(el)
        if up is None:
            continue
        chars[up] = chars.get(up, 0) + chars.get(el, 0)
        links[up] = links.get(up, 0) + links.get(el, 0)
        if el in prose:
            prose[up] = prose.get(up, 0) + prose[el]
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


def best_candidate(scores: dict[etree._Element, float], counts: Tally) -> etree._Element | None:
    """The top scorer, lifted to a common ancestor when rivals say the article is split up."""
    if not scores:
        return None
    ranked = sorted(scores, key=lambda el: scores[el], reverse=True)
    best = ranked[0]
    top = scores[best]
    if top <= 0:
        return best
    rivals = [el for el in ranked[1:RIVALS_CONSIDERED] if scores[el] >= RIVAL_SHARE * top]
    if len(rivals) >= MIN_RIVALS:
        for ancestor in best.iterancestors():
            if ancestor.tag in ("body", "html"):
                break
            inside = sum(1 for el in rivals if any(a is ancestor for a in el.iterancestors()))
            if inside >= MIN_RIVALS:
                best = ancestor
                break
    return _gather_prose(_climb(best, scores), counts)


def _gather_prose(best: etree._Element, counts: Tally) -> etree._Element:
    # Paragraphs wrapped one per card/div split their votes; the common ancestor holds them all.
    prose = counts.prose
    node, mass, steps = best, prose.get(best, 0), 0
    for ancestor in best.iterancestors():
        steps += 1
        if ancestor.tag in ("body", "html") or steps > PROSE_REACH:
            break
        if prose.get(ancestor, 0) >= PROSE_GROWTH * mass and counts.link_density(ancestor) < 0.5:
            node, mass, steps = ancestor, prose.get(ancestor, 0), 0
    return node


def _climb(best: etree._Element, scores: dict[etree._Element, float]) -> etree._Element:
    # A parent that outscores its child holds more of the article (e.g. the child is one section).
    last = scores.get(best, 0.0)
    node = best
    for parent in best.iterancestors():
        if parent.tag in ("body", "html"):
            break
        score = scores.get(parent, 0.0)
        if score < last / 3:
            break
        if score > last:
            node = parent
        last = score
    return node
