"""Parse HTML into an lxml tree; small tree helpers.

One libxml2 parse; its 256-level depth limit bounds deep nesting, and nothing
here recurses in Python.
"""

from __future__ import annotations

import re
import threading

from lxml import etree

from pipelines.extract.selectors import JUNK_TAGS

_local = threading.local()  # lxml parsers must not be shared between threads
_DOOMED = "newsdesk-doomed"  # a tag name no page uses
# Unrolled loops rather than lazy ".*?": linear, and about ten times faster on big inline scripts.
_NON_TEXT = re.compile(
    r"<(script|style|svg|noscript)\b[^<]*(?:<(?!/\1)[^<]*)*</\1\s*>|<!--[^-]*(?:-(?!->)[^-]*)*-->", re.IGNORECASE
)
# Text-heavy markup is walked at roughly 1 MB/s; article pages rarely carry more than
# a few hundred KB once scripts are gone.
MAX_MARKUP_CHARS = 400_000


def _parser() -> etree.HTMLParser:
    parser: etree.HTMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(
            remove_comments=True, remove_pis=True, no_network=True, recover=True, encoding="utf-8"
        )
        _local.parser = parser
    return parser


def bound(html: str) -> str:
    """Markup cut to a size the extractor handles well within its time budget.

    Oversized pages lose scripts, styles and comments first (regex, C speed); if
    still too big they are truncated, which the parser treats like a cut-off download.
    """
    if len(html) <= MAX_MARKUP_CHARS:
        return html
    html = _NON_TEXT.sub("", html)  # as the parser would drop them: "Ev<!-- -->en" is "Even"
    return html[:MAX_MARKUP_CHARS]


def parse(html: str) -> etree._Element | None:
    """The document root, or None when nothing parseable is there (call :func:`bound` first)."""
    data = html.encode("utf-8", "replace")
    if not data.strip():
        return None
    try:
        root = etree.fromstring(data, _parser())
    except (etree.LxmlError, ValueError):  # recover=True makes these rare: empty or unreadable input
        return None
    return root


def squash(text: str) -> str:
    """Collapse whitespace runs to single spaces."""
    return " ".join(text.split())


def remove_all(root: etree._Element, doomed: list[etree._Element]) -> None:
    """Remove ``doomed`` (tails stay in place) in one C-level pass.

    Removing one by one costs O(siblings) each, which is quadratic on pages with
    tens of thousands of sibling teasers; relabelling and stripping once is linear.
    """
    for el in doomed:
        if el is not root and el.getparent() is not None:
            el.tag = _DOOMED
    etree.strip_elements(root, _DOOMED, with_tail=False)


def drop_junk(root: etree._Element) -> None:
    """Remove scripts, styles, forms controls and other never-text elements."""
    etree.strip_elements(root, *JUNK_TAGS, with_tail=False)
