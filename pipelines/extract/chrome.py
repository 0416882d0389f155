"""Cut page chrome out of the tree: navigation, share bars, ads, comments, banners...

One iterative walk that does not descend into what it removes.  An element that
looks like chrome by name but holds the article's prose (a wrapper called
"post-share-enabled", say) is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from pipelines.extract.selectors import (
    ALL_PREFIXES,
    BODY_NAMES,
    CATEGORY_EXACT,
    CATEGORY_PREFIXES,
    CHROME_ROLES,
    CHROME_TAGS,
    SAFE_NAMES,
    SAFE_PREFIXES,
    SCOPED_CHROME_TAGS,
    SECTIONING_TAGS,
    TAXONOMY_PREFIXES,
)
from pipelines.extract.tree import remove_all, squash
from pipelines.models import StripCategory, StrippedBlock

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_TEXT = etree.XPath("string-length()")
_LINK_TEXT = etree.XPath(".//a//text()", smart_strings=False)
MAX_STRIPPED_TEXT = 300  # characters kept per stripped block for reviewers
MAX_STRIPPED_BLOCKS = 80
PROTECT_SHARE = 0.5  # chrome holding this share of the page's prose is kept
PROTECT_LONG_SHARE = 0.4  # ... or this share of its long paragraphs
LONG_PARAGRAPH_CHARS = 150
SALVAGE_CHARS = 120  # prose worth a lenient second pass (the shortest article pagekind accepts)


def is_hidden(el: etree._Element) -> bool:
    """Hidden by attribute or inline style: invisible to readers, often duplicate metadata."""
    get = el.get
    if get("hidden") is not None or get("aria-hidden") == "true":
        return True
    style = get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _in_section(el: etree._Element) -> bool:
    """Whether ``el`` sits inside sectioning content, where a header is the article's own, not the site's banner."""
    return any(a.tag in SECTIONING_TAGS for a in el.iterancestors())


def _structural_category(el: etree._Element) -> StripCategory | None:
    """Chrome by tag name or ARIA role."""
    tag = el.tag
    if not isinstance(tag, str):
        return None
    category = CHROME_TAGS.get(tag)
    if category is not None:
        # HTML's rule: <header> is the page banner only outside <article>, <main>, <section>...
        return None if tag in SCOPED_CHROME_TAGS and _in_section(el) else category
    role = el.get("role")
    if role and role.lower() in CHROME_ROLES:
        return CHROME_ROLES[role.lower()]
    return None


def _named_category(el: etree._Element) -> StripCategory | None:
    """Chrome by class/id words."""
    classes, ident = el.get("class"), el.get("id")
    if not classes and not ident:
        return None
    return _category_of_names(classes, ident)


# A site repeats the same few hundred class/id strings on every page, and this is the hottest check of extraction.
@lru_cache(maxsize=8192)
def _category_of_names(classes: str | None, ident: str | None) -> StripCategory | None:
    # "_" and "-" separate words alike: "read_more" is "read-more".
    names = f"{classes or ''} {ident or ''}".lower().replace("_", "-").split()
    if not BODY_NAMES.isdisjoint(names):
        return None
    for name in names:
        if name in SAFE_NAMES or name.startswith(TAXONOMY_PREFIXES):
            continue
        for tail in _tails(name):
            found = _name_category(tail)
            if found is not None:
                return found
    return None


def _tails(name: str) -> list[str]:
    """The name and every part of it that starts after a "-" or "_"."""
    if "-" not in name and "_" not in name:
        return [name]
    return [name] + [name[i + 1 :] for i, char in enumerate(name[:-1]) if char in "-_"]


def _name_category(tail: str) -> StripCategory | None:
    exact = CATEGORY_EXACT.get(tail)
    if exact is not None:
        return exact
    if not tail.startswith(ALL_PREFIXES) or tail.startswith(SAFE_PREFIXES):
        return None
    return next((category for category, prefixes in CATEGORY_PREFIXES if tail.startswith(prefixes)), None)


def _prose_mass(el: etree._Element) -> float:
    """Characters of text outside links: what an article body is made of."""
    total: float = _TEXT(el)
    return total - sum(map(len, _LINK_TEXT(el)))


class _Guard:
    """Answers "does this chrome-looking element actually hold the article?", computing lazily."""

    def __init__(self, start: etree._Element) -> None:
        self.start = start
        self._total: float | None = None
        self._long: dict[etree._Element, float] | None = None

    def total(self) -> float:
        if self._total is None:
            self._total = _prose_mass(self.start)
        return self._total

    def long_paragraphs(self) -> dict[etree._Element, float]:
        if self._long is None:
            self._long = {}
            for p in self.start.iter("p"):
                mass = _prose_mass(p)
                if mass >= LONG_PARAGRAPH_CHARS:
                    self._long[p] = mass
        return self._long

    def holds_article(self, el: etree._Element) -> bool:
        size: float = _TEXT(el)
        if size < 2 * LONG_PARAGRAPH_CHARS:
            return False  # too small to hold two long paragraphs or much prose
        long = self.long_paragraphs()
        inside = [long[p] for p in el.iter("p") if p in long]
        if len(inside) >= 2 and sum(inside) >= PROTECT_LONG_SHARE * sum(long.values()):
            return True
        return _prose_mass(el) > PROTECT_SHARE * self.total()


@dataclass(frozen=True)
class Chrome:
    """What :func:`strip_chrome` removed, and whether a lenient pass could recover prose."""

    stripped: tuple[StrippedBlock, ...]
    # A hidden or chrome-named element with article-sized prose went: if nothing else is
    # left, the article may have been inside it.
    lost_prose: bool


def strip_chrome(root: etree._Element, keep: frozenset[etree._Element], strict: bool = True) -> Chrome:
    """Remove navigation, share bars, ads, comments... and say what went.

    ``keep`` holds elements (body containers found by selector) that must survive along with
    their ancestors; so does chrome that holds the article (see :class:`_Guard`).  Not
    ``strict``: hidden elements stay and only tags and ARIA roles mark chrome, not names.
    """
    body = root.find("body")
    start = body if body is not None else root
    guard = _Guard(start)
    protected: set[etree._Element] = set()
    for el in keep:
        protected.update(el.iterancestors())
        protected.add(el)
    doomed: list[tuple[etree._Element, StripCategory]] = []
    soft: list[etree._Element] = []  # removed on a judgement a lenient pass would not make
    stack = [start]
    while stack:
        el = stack.pop()
        named = strict and bool(el.keys())  # a third of elements have no attributes: no hidden or name check
        if named and is_hidden(el):
            doomed.append((el, "other"))
            soft.append(el)
            continue
        category = None
        if el not in protected and el is not start:
            category = _structural_category(el)
            if category is not None:
                # An unclosed <header> or <aside> swallows the article after it: keep what holds it.
                if guard.holds_article(el):
                    category = None
            elif named:
                category = _named_category(el)
                if category is not None and (category == "comments" or not guard.holds_article(el)):
                    soft.append(el)
                else:
                    category = None
        if category is not None:
            doomed.append((el, category))
            continue
        stack.extend(el.iterchildren(reversed=True, tag=etree.Element))  # elements only, no comments
    stripped: list[StrippedBlock] = []
    for el, category in doomed:
        if len(stripped) < MAX_STRIPPED_BLOCKS:
            text = squash(" ".join(el.itertext()))
            if text:
                stripped.append(StrippedBlock(category, text[:MAX_STRIPPED_TEXT]))
    lost = any(_TEXT(el) >= SALVAGE_CHARS and _prose_mass(el) >= SALVAGE_CHARS for el in soft)
    remove_all(root, [el for el, _ in doomed])
    return Chrome(tuple(stripped), lost)
