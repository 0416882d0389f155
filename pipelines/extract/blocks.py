"""Cut a cleaned tree into text blocks: runs of inline text between block-level tags.

The walk is iterative (lxml's iterwalk), so nesting depth costs no Python stack.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from pipelines.extract.selectors import BLOCK_TAGS
from pipelines.extract.tree import squash


@dataclass(frozen=True)
class Block:
    """One paragraph-like run of text and where it sits."""

    text: str
    link_chars: int
    owner: etree._Element  # nearest block-level element holding the run
    path: tuple[etree._Element, ...]  # owner's ancestors, root first, owner last


class _Run:
    """Accumulates inline text until a block boundary."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.link_chars = 0

    def add(self, text: str | None, in_link: bool) -> None:
        if text:
            self.parts.append(text)
            if in_link:
                self.link_chars += len(text.strip())

    def flush(self, stack: list[etree._Element], out: list[Block]) -> None:
        if self.parts:
            text = squash("".join(self.parts))
            if text and stack:
                owner = next((el for el in reversed(stack) if el.tag in BLOCK_TAGS), stack[0])
                depth = stack.index(owner) + 1 if owner is not stack[0] else 1
                out.append(Block(text, min(self.link_chars, len(text)), owner, tuple(stack[:depth])))
        self.parts = []
        self.link_chars = 0


def split_blocks(root: etree._Element) -> list[Block]:
    """All text blocks under ``root`` in document order."""
    out: list[Block] = []
    run = _Run()
    stack: list[etree._Element] = []
    links = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if event == "start":
            if tag in BLOCK_TAGS:
                run.flush(stack, out)
            stack.append(el)
            if tag == "a":
                links += 1
            run.add(el.text, links > 0)
        else:
            if tag in BLOCK_TAGS:
                run.flush(stack, out)
            stack.pop()
            if tag == "a":
                links -= 1
            if el is not root:
                run.add(el.tail, links > 0)
    run.flush(stack, out)
    return out
