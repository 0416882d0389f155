"""Parts of a page whose dates and names belong to something else: comments, footers, related stories."""

from __future__ import annotations

import re

from lxml import etree

MAX_DEPTH = 40  # ancestors looked at (libxml2 itself caps nesting at 256)
_ZONE_TAGS = frozenset({"footer", "aside", "nav"})
_ZONE_NAMES = re.compile(
    r"comment|footer|related|sidebar|widget|teaser|recommend|respond|reply|discussion|more-stories|"
    r"popular|trending|newsletter|copyright|breadcrumb|kommentar|commentaire|comentario",
    re.IGNORECASE,
)


def in_chrome_zone(el: etree._Element) -> bool:
    """Whether ``el`` sits in a footer, aside, comment thread or related-story list."""
    node: etree._Element | None = el
    for _ in range(MAX_DEPTH):
        if node is None:
            return False
        if node.tag in _ZONE_TAGS:
            return True
        names = f"{node.get('class') or ''} {node.get('id') or ''}"
        if names.strip() and _ZONE_NAMES.search(names):
            return True
        node = node.getparent()
    return False
