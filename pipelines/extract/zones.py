"""Parts of a page whose dates and names belong to something else: comments, footers, related stories."""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from lxml import etree

MAX_DEPTH = 40  # ancestors looked at (libxml2 itself caps nesting at 256)
MAX_HEADLINES = 3  # <h1> elements whose ancestors are never a zone
_ZONE_TAGS = frozenset({"footer", "aside", "nav"})
# Containers whose classes describe the page ("single-post comments-open"), never a zone.
_CONTAINERS = frozenset({"html", "body", "main", "article"})
_FOOTER_NAMES = re.compile(r"footer|widget", re.IGNORECASE)
_NON_TEXT_TAGS = frozenset({"script", "style", "noscript", "template"})
_ZONE_NAMES = re.compile(
    r"comment|footer|related|sidebar|teaser|recommend|respond|reply|discussion|more-stories|"
    r"popular|trending|newsletter|copyright|breadcrumb|kommentar|commentaire|comentario",
    re.IGNORECASE,
)


def headlines(root: etree._Element) -> list[etree._Element]:
    """The page's first ``<h1>`` elements; on a page without one, its first ``<h2>`` outside a footer or widget.

    Blog themes put the site's name in a logo and the post's title in an ``<h2>``; the
    ``<h2>`` of a footer widget ("Recent posts") titles a list, not the page.
    """
    found = list(itertools.islice(root.iter("h1"), MAX_HEADLINES))
    if found:
        return found
    for count, h2 in enumerate(root.iter("h2")):
        if count >= MAX_HEADLINES * 10:
            break
        if not _in_footer(h2):
            return [h2]
    return []


def _in_footer(el: etree._Element) -> bool:
    for depth, node in enumerate(el.iterancestors()):
        if depth >= MAX_DEPTH:
            break
        if node.tag in _ZONE_TAGS or _FOOTER_NAMES.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
    return False


def headline_path(root: etree._Element) -> frozenset[etree._Element]:
    """The ancestors of the page's :func:`headlines`.

    A layout wrapper named for its sidebar ("layout-right-sidebar", "two-columns-sidebar")
    holds the whole story: an element that contains the headline is never a comment
    thread, footer or related list, whatever its class says.
    """
    path: set[etree._Element] = set()
    for headline in headlines(root):
        path.update(headline.iterancestors())
    return frozenset(path)


# A site repeats the same few hundred class/id strings on every page.
@lru_cache(maxsize=8192)
def _zone_named(classes: str | None, ident: str | None) -> bool:
    names = f"{classes or ''} {ident or ''}"
    return bool(names.strip() and _ZONE_NAMES.search(names))


def _starts_zone(node: etree._Element, headline: frozenset[etree._Element]) -> bool:
    tag = node.tag
    if tag in _ZONE_TAGS:
        return True
    if tag in _CONTAINERS or node in headline:
        return False
    return _zone_named(node.get("class"), node.get("id"))


def in_chrome_zone(el: etree._Element, headline: frozenset[etree._Element] = frozenset()) -> bool:
    """Whether ``el`` sits in a footer, aside, comment thread or related-story list (``headline``: see above)."""
    node: etree._Element | None = el
    for _ in range(MAX_DEPTH):
        if node is None:
            return False
        if _starts_zone(node, headline):
            return True
        node = node.getparent()
    return False


def text_runs(root: etree._Element, headline: frozenset[etree._Element] = frozenset()) -> list[tuple[str, bool, bool]]:
    """The page's visible text nodes in order: (text, in a chrome zone, inside the first headline element)."""
    runs: list[tuple[str, bool, bool]] = []
    first = next(iter(headlines(root)), None)
    zone_depth = 0  # open elements that start a zone
    h1_depth = 0
    seen_h1 = False
    starts_zone: list[bool] = []
    for event, node in etree.iterwalk(root, events=("start", "end")):
        tag = node.tag
        if not isinstance(tag, str):
            continue
        if event == "start":
            zone = _starts_zone(node, headline)
            starts_zone.append(zone)
            zone_depth += zone
            if node is first and not seen_h1:
                h1_depth, seen_h1 = 1, True
            elif h1_depth:
                h1_depth += 1
            text = node.text
            if text and tag not in _NON_TEXT_TAGS:
                text = text.strip()
                if text:
                    runs.append((text, zone_depth > 0, h1_depth > 0))
        else:
            zone_depth -= starts_zone.pop() if starts_zone else False
            if h1_depth:
                h1_depth -= 1
            text = node.tail
            if text:
                text = text.strip()
                if text:
                    runs.append((text, zone_depth > 0, h1_depth > 0))
    return runs
