"""Plain-text rendering of an item for terminal reviewers.

Scraped text may carry terminal escape sequences; every control character
except newline and tab is shown as a visible escape instead of being emitted.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Mapping
from typing import Any

from review.highlight import segments, spans_for

MARK_OPEN, MARK_CLOSE = "»", "«"
WIDTH = 100
# Bidi overrides can make a terminal line read differently from what it holds.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def inert(text: str) -> str:
    """Neutralise control and bidi-override characters so the terminal only prints."""
    out = []
    for char in text:
        if char in "\n\t":
            out.append(char)
        elif unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


def highlighted(text: str, flag_rows: list[Mapping[str, Any]], field: str) -> str:
    parts = []
    for segment in segments(text, spans_for(text, flag_rows, field)):
        chunk = inert(segment.text)
        parts.append(f"{MARK_OPEN}{chunk}{MARK_CLOSE}" if segment.marked else chunk)
    return "".join(parts)


def format_item(detail: Mapping[str, Any]) -> str:
    item, article = detail["item"], detail["article"]
    flag_rows: list[Mapping[str, Any]] = list(detail.get("flags") or [])
    lines = [
        f"Item {item['id']}  [{' '.join(item['codes'])}]  priority {item['priority']}",
        f"Title:  {highlighted(article['title'], flag_rows, 'title')}",
        f"Source: {inert(article['source_id'])}   Language: {inert(article.get('language') or 'unknown')}",
        f"URL:    {inert(article['url'])}",
        f"Lease:  until {item.get('lease_expires_at')}",
        "",
        "Flags:",
    ]
    for flag in flag_rows:
        lines.append(f"  - {inert(flag['code'])} ({flag['severity']}, {flag['action']}, {flag['score']:.2f})")
        for evidence in flag.get("evidence") or []:
            lines.append(f"      {MARK_OPEN}{inert(str(evidence.get('excerpt', '')))}{MARK_CLOSE}")
    lines += ["", "Text:"]
    for paragraph in highlighted(article["text"], flag_rows, "text").split("\n"):
        lines += textwrap.wrap(paragraph, WIDTH, initial_indent="  ", subsequent_indent="  ") or [""]
    if article.get("stripped"):
        lines += ["", f"Removed by extraction ({len(article['stripped'])}):"]
        lines += [f"  [{block['category']}] {inert(block['text'])[:200]}" for block in article["stripped"]]
    if detail.get("copies"):
        lines += ["", f"Other copies ({len(detail['copies'])}):"]
        lines += [f"  item {c.get('item_id')}  {inert(c['source_id'])}  {inert(c['url'])}" for c in detail["copies"]]
    return "\n".join(lines)
