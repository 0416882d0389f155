"""Parse HTML into an lxml tree and cut away what is never article text.

One libxml2 parse (its 256-level depth limit bounds deep nesting) and one
iterative walk; nothing here recurses in Python.
"""

from __future__ import annotations

import re
import threading

from lxml import etree

from pipelines.extract.selectors import (
    ANY_CHROME,
    CATEGORY_PATTERNS,
    CHROME_ROLES,
    CHROME_TAGS,
    JUNK_TAGS,
    SAFE_TOKENS,
)
from pipelines.models import StripCategory, StrippedBlock

_local = threading.local()  # lxml parsers must not be shared between threads
_SPACE = re.compile(r"\s+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_TOKEN_SPLIT = re.compile(r"[\s]+")
MAX_STRIPPED_TEXT = 300  # characters kept per stripped block for reviewers
MAX_STRIPPED_BLOCKS = 80
PROTECT_SHARE = 0.5  # chrome holding this share of the page's paragraph text is kept


def _parser() -> etree.HTMLParser:
    parser: etree.HTMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(
            remove_comments=True, remove_pis=True, no_network=True, recover=True, encoding="utf-8"
        )
        _local.parser = parser
    return parser


def parse(html: str) -> etree._Element | None:
    """The document root, or None when nothing parseable is there."""
    data = html.encode("utf-8", "replace")
    if not data.strip():
        return None
    try:
        root = etree.fromstring(data, _parser())
    except (etree.ParserError, ValueError):
        return None
    return root


def squash(text: str) -> str:
    """Collapse whitespace runs to single spaces."""
    return _SPACE.sub(" ", text).strip()


def remove(el: etree._Element) -> None:
    """Detach ``el`` but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def drop_junk(root: etree._Element) -> None:
    """Remove scripts, styles, forms controls and other never-text elements."""
    etree.strip_elements(root, *JUNK_TAGS, with_tail=False)


def _category(el: etree._Element) -> StripCategory | None:
    tag = el.tag
    if not isinstance(tag, str):
        return None
    category = CHROME_TAGS.get(tag)
    if category is not None:
        return category
    role = el.get("role")
    if role and role.lower() in CHROME_ROLES:
        return CHROME_ROLES[role.lower()]
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return "other"
    style = el.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return "other"
    names = f"{el.get('class') or ''} {el.get('id') or ''}".strip()
    if not names or not ANY_CHROME.search(names):
        return None
    tokens = [t for t in _TOKEN_SPLIT.split(names.lower()) if t not in SAFE_TOKENS]
    joined = " ".join(tokens)
    for category, pattern in CATEGORY_PATTERNS:
        if pattern.search(joined):
            return category
    return None


def _paragraph_mass(root: etree._Element) -> dict[etree._Element, int]:
    return {p: len(p.xpath("string()")) for p in root.iter("p")}


def strip_chrome(root: etree._Element, keep: frozenset[etree._Element]) -> list[StrippedBlock]:
    """Remove navigation, share bars, ads, comments... and say what went.

    ``keep`` holds elements (body containers found by selector) that must survive along with
    their ancestors; an element holding most of the page's paragraph text survives too.
    """
    body = root.find("body")
    start = body if body is not None else root
    mass = _paragraph_mass(start)
    total = sum(mass.values())
    protected: set[etree._Element] = set()
    for el in keep:
        protected.update(el.iterancestors())
        protected.add(el)
    stripped: list[StrippedBlock] = []
    doomed: list[tuple[etree._Element, StripCategory]] = []
    stack = [start]
    while stack:
        el = stack.pop()
        category = None if el in protected else _category(el)
        if category is not None and (category == "comments" or not _holds_article(el, mass, total)):
            doomed.append((el, category))
            continue
        stack.extend(child for child in reversed(el) if isinstance(child.tag, str))
    for el, category in doomed:
        if len(stripped) < MAX_STRIPPED_BLOCKS:
            text = squash(el.xpath("string()"))
            if text:
                stripped.append(StrippedBlock(category, text[:MAX_STRIPPED_TEXT]))
        remove(el)
    return stripped


def _holds_article(el: etree._Element, mass: dict[etree._Element, int], total: int) -> bool:
    if total < 400:
        return False
    inside = sum(mass.get(p, 0) for p in el.iter("p"))
    return inside > PROTECT_SHARE * total
