"""Text-level boilerplate residue: what survives HTML extraction as plain lines.

Works on the newline-separated paragraphs of an :class:`ExtractedArticle`:
ad shortcodes, share-bar lines, auto-blog footers, related-links tails, a title
repeated as the first line, cookie and newsletter prompts.  Each removal is
recorded in ``stripped``.  Patterns live in :mod:`pipelines.residue_patterns`.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache

from pipelines.models import ExtractedArticle, StripCategory, StrippedBlock
from pipelines.residue_patterns import (
    AD_SHORTCODE,
    LINE_PATTERNS,
    MIN_NETWORKS_ON_LINE,
    RELATED_HEADING,
    RELATED_INLINE,
    SENTENCE_END,
    SHARE_FILLER,
    SHARE_LINE_MAX_CHARS,
    SHARE_TOKEN,
    SHORTCODE_LINE,
    SHORTCODE_TAG,
    SOCIAL_NETWORKS,
    TAIL_MAX_SENTENCE_SHARE,
    TAIL_MAX_SHARE,
    TEASER_MAX_CHARS,
    TITLE_SEPARATORS,
)

_SPACES = re.compile(r"[ \t\u00a0]+")
_NON_WORD = re.compile(r"\W+")

Removal = tuple[StripCategory, str]
_INLINE_CODES: tuple[tuple[re.Pattern[str], StripCategory], ...] = (
    (AD_SHORTCODE, "ad_slot"),
    (SHORTCODE_TAG, "text_residue"),
)


def _shortcodes(lines: list[str], removed: list[Removal]) -> list[str]:
    out = []
    for line in lines:
        if "[" not in line:
            out.append(line)
            continue
        if SHORTCODE_LINE.match(line):
            removed.append(("text_residue", line))
            continue
        for pattern, category in _INLINE_CODES:
            found = pattern.findall(line)
            if found:
                removed.extend((category, code) for code in found)
                line = _SPACES.sub(" ", pattern.sub(" ", line)).strip()
        if line:
            out.append(line)
    return out


@lru_cache(maxsize=4096)
def _social_counts(line: str) -> tuple[int, bool]:
    """(network words on the line, whether every word is share vocabulary)."""
    if len(line) > SHARE_LINE_MAX_CHARS:
        return 0, False
    tokens = [t.strip(".-").lower() for t in SHARE_TOKEN.findall(line)]
    tokens = [t for t in tokens if t and not t.isdigit()]
    if not tokens:
        return 0, False
    networks = sum(1 for t in tokens if t in SOCIAL_NETWORKS)
    return networks, all(t in SOCIAL_NETWORKS or t in SHARE_FILLER for t in tokens)


def _share_bars(lines: list[str], removed: list[Removal]) -> list[str]:
    info = [_social_counts(line) for line in lines]
    social = [
        pure and (networks > 0 or line.lower().startswith("share"))
        for line, (networks, pure) in zip(lines, info, strict=True)
    ]
    out = []
    for i, line in enumerate(lines):
        networks = info[i][0]
        neighbour = (i > 0 and social[i - 1]) or (i + 1 < len(lines) and social[i + 1])
        if social[i] and (networks >= MIN_NETWORKS_ON_LINE or neighbour or line.lower().startswith("share")):
            removed.append(("share_bar", line))
        else:
            out.append(line)
    return out


# Tables repeat the same cells hundreds of times: each distinct line is classified once.
@lru_cache(maxsize=4096)
def _line_category(line: str) -> StripCategory | None:
    lower = line.lower()
    return next(
        (
            cat
            for cat, limit, gate, pattern in LINE_PATTERNS
            if len(line) <= limit and (not gate or any(w in lower for w in gate)) and pattern.search(line)
        ),
        None,
    )


def _line_patterns(lines: list[str], removed: list[Removal]) -> list[str]:
    out = []
    for line in lines:
        hit = _line_category(line)
        if hit is None:
            out.append(line)
        else:
            removed.append((hit, line))
    return out


def _related_tail(lines: list[str], removed: list[Removal]) -> list[str]:
    total = sum(len(line) for line in lines)
    seen = 0
    for i, line in enumerate(lines):
        if seen >= TAIL_MAX_SHARE * total and RELATED_HEADING.match(line):
            tail = lines[i:]
            sentences = sum(1 for t in tail[1:] if SENTENCE_END.search(t))
            if all(len(t) <= TEASER_MAX_CHARS for t in tail[1:]) and sentences <= TAIL_MAX_SENTENCE_SHARE * len(tail):
                removed.append(("related_links", "\n".join(tail)))
                return lines[:i]
        seen += len(line)
    out = []
    for line in lines:
        if RELATED_HEADING.match(line) or RELATED_INLINE.match(line):
            removed.append(("related_links", line))
        else:
            out.append(line)
    return out


def _key(text: str) -> str:
    return _NON_WORD.sub(" ", text.casefold()).strip()


def _title_keys(title: str) -> set[str]:
    """The title and its part before a site-name separator ("Headline | Site")."""
    keys = {_key(title)}
    for separator in TITLE_SEPARATORS:
        if separator in title:
            keys.add(_key(title.split(separator)[0]))
    return {key for key in keys if key}


def _repeated_title(title: str, lines: list[str], removed: list[Removal]) -> list[str]:
    if lines and title and _key(lines[0]) in _title_keys(title):
        removed.append(("text_residue", lines[0]))
        return lines[1:]
    return lines


def strip_residue(article: ExtractedArticle) -> ExtractedArticle:
    """The article without text-level boilerplate; every removal is appended to ``stripped``."""
    if not article.text:
        return article
    removed: list[Removal] = []
    lines = [line.strip() for line in article.text.split("\n") if line.strip()]
    lines = _shortcodes(lines, removed)
    lines = _repeated_title(article.title, lines, removed)
    lines = _share_bars(lines, removed)
    lines = _line_patterns(lines, removed)
    lines = _related_tail(lines, removed)
    title = _SPACES.sub(" ", AD_SHORTCODE.sub(" ", article.title)).strip()
    if not removed and title == article.title:
        return article
    text = "\n".join(lines)
    blocks = tuple(StrippedBlock(category, snippet) for category, snippet in removed)
    return dataclasses.replace(
        article,
        title=title,
        text=text,
        stripped=article.stripped + blocks,
        empty_reason=article.empty_reason or (None if text else "only_boilerplate"),
    )
