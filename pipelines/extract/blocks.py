"""Cut a cleaned tree into text blocks: runs of inline text between block-level tags.

The walk is iterative (lxml's iterwalk), so nesting depth costs no Python stack.  It runs
once per block-level boundary on pages with tens of thousands of them, so it keeps its
state in local variables rather than objects.
"""

from __future__ import annotations

from typing import NamedTuple

from lxml import etree

from pipelines.extract.selectors import BLOCK_TAGS


class Block(NamedTuple):
    """One paragraph-like run of text and where it sits (a named tuple: built once per run, cheaply)."""

    text: str
    link_chars: int
    owner: etree._Element  # nearest block-level element holding the run
    path: tuple[etree._Element, ...]  # owner's ancestors, root first, owner last


def split_blocks(root: etree._Element) -> list[Block]:
    """All text blocks under ``root`` in document order."""
    out: list[Block] = []
    stack: list[etree._Element] = []
    # owners[i]: index in ``stack`` of the nearest block-level element at or above stack[i], 0 if none.
    owners: list[int] = []
    # Every run under one owner shares its path: one tuple per owner, not per run.
    paths: dict[int, tuple[etree._Element, ...]] = {}
    parts: list[str] = []
    link_chars = 0
    links = 0
    block_tags = BLOCK_TAGS

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):
            continue
        is_block = tag in block_tags
        if is_block and parts:  # a boundary: the run so far becomes a block
            text = " ".join("".join(parts).split())  # whitespace runs collapsed, as tree.squash does
            if text and stack:
                at = owners[-1]
                owner = stack[at]
                path = paths.get(at)
                if path is None or path[-1] is not owner:
                    path = paths[at] = tuple(stack[: at + 1])
                out.append(Block(text, min(link_chars, len(text)), owner, path))
            parts.clear()
            link_chars = 0
        if event == "start":
            owners.append(len(stack) if is_block else (owners[-1] if owners else 0))
            stack.append(el)
            if tag == "a":
                links += 1
            piece = el.text
        else:
            stack.pop()
            owners.pop()
            if tag == "a":
                links -= 1
            piece = el.tail if el is not root else None
        if piece:
            parts.append(piece)
            if links:
                link_chars += len(piece.strip())
    # Text after the last boundary sits outside every block-level element: the walk ends with an empty stack.
    return out
