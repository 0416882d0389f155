"""Parse HTML into an lxml tree; small tree helpers.

One libxml2 parse; its 256-level depth limit bounds deep nesting, and nothing
here recurses in Python.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from lxml import etree

from pipelines.extract.selectors import JUNK_TAGS

# Labels and buttons are a few words; one with this much text swallowed what followed it.
MAX_CONTROL_CHARS = 400
_SWALLOWING_CONTROLS = etree.XPath(
    f"//*[self::button or self::label or self::menu][string-length() > {MAX_CONTROL_CHARS}]"
)
_local = threading.local()  # lxml parsers must not be shared between threads
_DOOMED = "newsdesk-doomed"  # a tag name no page uses
# Scripts, styles, SVGs, noscripts and comments, each up to its first real closer.  Linear
# when every opener has a closer somewhere after it (the loop bodies exclude each other, so
# a match that starts always succeeds); :func:`strip_non_text` makes sure of that first.
_NON_TEXT = re.compile(
    rb"<(script|style|svg|noscript)\b[^<]*(?:<(?!/\1\s*>)[^<]*)*</\1\s*>|<!--[^-]*(?:-(?!->)[^-]*)*-->", re.IGNORECASE
)


@dataclass(frozen=True)
class _Kind:
    """One never-text element (or the comment): how it opens, and how it closes (lower case)."""

    opener: bytes  # b"<svg"
    closer: bytes  # b"</svg"
    rest: re.Pattern[bytes]  # what must follow the closer: r"\s*>"
    backwards: re.Pattern[bytes]  # the whole closer spelled backwards, to find the last one in one scan

    @property
    def any_case(self) -> re.Pattern[bytes]:
        return re.compile(b"<(?=" + re.escape(self.opener[1:]) + b")", re.IGNORECASE)


_KINDS = (
    *(
        _Kind(b"<" + tag, b"</" + tag, re.compile(rb"\s*>"), re.compile(rb">\s*" + tag[::-1] + rb"/<"))
        for tag in (b"script", b"style", b"svg", b"noscript")
    ),
    _Kind(b"<!--", b"-->", re.compile(b""), re.compile(b">--")),
)
MAX_FALSE_CLOSERS = 64  # "</svg x" spellings skipped one by one before a single reversed scan takes over
# A match may start only where a run of blanks starts: from inside a run every start would rescan it
# (2 MB of spaces without a newline took minutes), which the lookbehind turns into one scan per run.
_BLANK_LINES = re.compile(r"(?<![ \t\r])[ \t\r]*\n\s*")
_MARK = "\ufdd0".encode()  # a Unicode noncharacter: marks an opener that has no closer
_REPLACEMENT = "\ufffd".encode()


# Text-heavy markup is walked at roughly 1 MB/s; article pages rarely carry more than
# a few hundred KB once scripts are gone.
MAX_MARKUP_CHARS = 400_000
# JSON-LD blocks an oversized page keeps through the clean-up: metadata, not markup to walk.
MAX_KEPT_LD = 20
MAX_KEPT_LD_CHARS = 500_000
# Bounded attribute runs: an opener with no ">" for megabytes costs a few hundred steps, not a rescan.
_LD_OPENER = re.compile(r"<script\b[^>]{0,300}?ld\+json[^>]{0,300}>", re.IGNORECASE)
_HEAD_OPENER = re.compile(r"<head\b[^>]{0,500}>", re.IGNORECASE)
HEAD_WINDOW = 20_000


def _parser() -> etree.HTMLParser:
    parser: etree.HTMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(
            remove_comments=True, remove_pis=True, no_network=True, recover=True, encoding="utf-8"
        )
        _local.parser = parser
    return parser


def _after_last_closer(low: bytes, kind: _Kind) -> int:
    """Offset just past the last real closer of ``kind`` in the lower-cased page, 0 if none."""
    end = len(low)
    for _ in range(MAX_FALSE_CLOSERS):
        at = low.rfind(kind.closer, 0, end)
        if at < 0:
            return 0
        found = kind.rest.match(low, at + len(kind.closer))
        if found:
            return found.end()
        end = at
    # Many false closers ("</svg x"): one scan of the reversed page finds the last real one.
    last = kind.backwards.search(low[:end][::-1])
    return end - last.start() if last else 0


def strip_non_text(html: str) -> str:
    """``html`` without closed scripts, styles, SVGs, noscripts and comments, in linear time.

    An element left unclosed stays in place, as the parser would then read it.  A
    backtracking pattern rescanned the rest of the page from every unclosed opener (5,000
    of them in 400 KB took 113 s); here the openers after the last closer of their kind are
    marked inert first, so every opener the pattern then meets has a closer, and each scan
    is a C-level pass over the page.  Matching is ASCII-case-insensitive, as HTML's is.
    """
    raw = html.encode("utf-8", "replace").replace(_MARK, _REPLACEMENT)
    for kind in _KINDS:
        low = raw.lower()  # ASCII only: the same length, so offsets hold in raw
        cut = _after_last_closer(low, kind)
        tail = raw[cut:]
        if low.count(kind.opener, cut) == tail.count(kind.opener):
            inert = tail.replace(kind.opener, b"<" + _MARK + kind.opener[1:])
        else:  # upper-case spellings too: the slower scan
            inert = kind.any_case.sub(b"<" + _MARK, tail)
        raw = raw[:cut] + inert
    raw = _NON_TEXT.sub(b"", raw).replace(b"<" + _MARK, b"<")
    return raw.decode("utf-8", "replace")


def bound(html: str) -> str:
    """Markup cut to a size the extractor handles well within its time budget.

    Oversized pages lose scripts, styles and comments first (C-speed scans, linear); if
    still too big they are truncated, which the parser treats like a cut-off download.
    """
    if len(html) <= MAX_MARKUP_CHARS:
        return html
    kept = _json_ld_scripts(html)
    html = strip_non_text(html)  # as the parser would drop them: "Ev<!-- -->en" is "Even"
    if len(html) > MAX_MARKUP_CHARS:
        # Template indentation can be half a page: one newline keeps the line breaks <pre> needs.
        html = _BLANK_LINES.sub("\n", html)
    html = html[:MAX_MARKUP_CHARS]
    if not kept:
        return html
    # Back into the head, where the metadata reader finds them and the text walk never goes.
    head = _HEAD_OPENER.search(html, 0, HEAD_WINDOW)
    at = head.end() if head else 0
    return html[:at] + kept + html[at:]


def _json_ld_scripts(html: str) -> str:
    """The page's JSON-LD ``<script>`` elements, in order, within :data:`MAX_KEPT_LD` and a size bound."""
    low = html.lower()
    pieces: list[str] = []
    pos = size = 0
    while len(pieces) < MAX_KEPT_LD:
        opener = _LD_OPENER.search(html, pos)
        if opener is None:
            break
        end = low.find("</script", opener.end())
        if end < 0:
            break
        size += end - opener.start()
        if size > MAX_KEPT_LD_CHARS:
            break
        pieces.append(html[opener.start() : end] + "</script>")
        pos = end
    return "".join(pieces)


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
    """Remove scripts, styles, forms controls and other never-text elements.

    A control left unclosed (``<button>`` in a menu) takes the rest of the page into it when
    parsed; one holding that much text is a wrapper, kept as a ``<div>``.
    """
    for el in _SWALLOWING_CONTROLS(root):
        el.tag = "div"
    etree.strip_elements(root, *JUNK_TAGS, with_tail=False)
