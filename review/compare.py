"""Side by side: an item and the copy it was judged against, with word-level differences.

The story's members come from :func:`review.copies.copy_article_ids` (the one place that knows how copies
are grouped: today by ``duplicate_of``; a cluster id, when stored, slots in there).  The original is the
member the others' ``duplicate_of`` names (the cluster's original, chosen by evidence; the reasons come from
:func:`review.clusters.cluster_view`); the counterpart of an original is the copy the reviewer picks, else the
first copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any, Literal

from sqlalchemy import Connection, select

from pipelines.storage.schema import articles, flags
from review.clock import as_utc, iso
from review.clusters import ReasonOut, cluster_view
from review.copies import copy_article_ids
from review.errors import NotFound

Kind = Literal["exact", "near", "rewritten"]
Op = Literal["same", "added", "removed"]
REWRITTEN_BELOW = 0.75  # word-level ratio under which a near copy reads as rewritten (paraphrase, not edits)
MAX_DIFF_WORDS = 20_000  # beyond this many words a side is shown unmarked (difflib is quadratic at worst)
_TOKENS = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class Token:
    text: str
    op: Op = "same"


@dataclass(frozen=True)
class Side:
    article_id: str
    title: str
    url: str
    source_id: str
    fetched_at: datetime
    tokens: tuple[Token, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "title": self.title,
            "url": self.url,
            "source_id": self.source_id,
            "fetched_at": iso(self.fetched_at),
            "changed_words": sum(1 for t in self.tokens if t.op != "same"),
        }


@dataclass(frozen=True)
class Comparison:
    original: Side
    copy: Side
    item_is_original: bool
    kind: Kind
    similarity: float | None  # what dedupe measured (MinHash estimate of shingle overlap)
    word_ratio: float  # difflib's ratio over the two word sequences
    evidence: tuple[str, ...]  # why the original is the original

    def to_json(self) -> dict[str, Any]:
        return {
            "original": self.original.to_json(),
            "copy": self.copy.to_json(),
            "item_is_original": self.item_is_original,
            "kind": self.kind,
            "similarity": self.similarity,
            "word_ratio": round(self.word_ratio, 4),
            "evidence": list(self.evidence),
            "removed": [t.text for t in self.original.tokens if t.op == "removed"],
            "added": [t.text for t in self.copy.tokens if t.op == "added"],
        }


def word_diff(old: str, new: str) -> tuple[list[Token], list[Token], float]:
    """Both texts as tokens (whitespace kept) with words only in ``old`` removed, only in ``new`` added."""
    old_tokens = _TOKENS.findall(old)
    new_tokens = _TOKENS.findall(new)
    old_words = [i for i, t in enumerate(old_tokens) if not t.isspace()]
    new_words = [i for i, t in enumerate(new_tokens) if not t.isspace()]
    if len(old_words) > MAX_DIFF_WORDS or len(new_words) > MAX_DIFF_WORDS:
        same = old == new
        return [Token(t) for t in old_tokens], [Token(t) for t in new_tokens], 1.0 if same else 0.0
    matcher = SequenceMatcher(None, [old_tokens[i] for i in old_words], [new_tokens[i] for i in new_words], False)
    old_ops: dict[int, Op] = {}
    new_ops: dict[int, Op] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for i in range(i1, i2):
            old_ops[old_words[i]] = "removed"
        for j in range(j1, j2):
            new_ops[new_words[j]] = "added"
    left = [Token(t, old_ops.get(i, "same")) for i, t in enumerate(old_tokens)]
    right = [Token(t, new_ops.get(i, "same")) for i, t in enumerate(new_tokens)]
    return left, right, matcher.ratio() if old_words or new_words else 1.0


def kind_of(stored_kind: str | None, word_ratio: float, identical: bool) -> Kind:
    if identical or stored_kind == "exact":
        return "exact"
    return "near" if word_ratio >= REWRITTEN_BELOW else "rewritten"


def _row(conn: Connection, article_id: str) -> Any:
    row = conn.execute(select(articles).where(articles.c.id == article_id)).first()
    if row is None:
        raise NotFound(f"no article {article_id}")
    return row


def _evidence(conn: Connection, original: Any, copy: Any) -> list[str]:
    found = []
    if copy.duplicate_of == original.id:
        found.append(f"dedupe recorded {copy.id} as a {copy.duplicate_kind or 'near'} duplicate of {original.id}")
    why = _cluster_reasons(conn, original)
    found += [f"the original by evidence: {reason.detail}" for reason in why]
    first, second = as_utc(original.fetched_at), as_utc(copy.fetched_at)
    if not why and first <= second:  # no settled cluster (older rows): arrival is all there is to say
        found.append(f"the original was fetched first ({_when(first)}; the copy {_when(second)})")
    if copy.canonical_url == original.canonical_url:
        found.append("the copy declares the original's canonical URL")
    details = conn.execute(
        select(flags.c.detail).where(flags.c.article_id == copy.id, flags.c.code == "near_duplicate_of_other_source")
    ).scalars()
    found += [f"flag near_duplicate_of_other_source: {detail}" for detail in details if detail]
    return found


def _cluster_reasons(conn: Connection, original: Any) -> tuple[ReasonOut, ...]:
    """Why the cluster chose ``original``, when its cluster is settled and names it."""
    if not original.cluster_id:
        return ()
    try:
        view = cluster_view(conn, original.cluster_id)
    except NotFound:
        return ()
    return view.why if view.original_id == original.id and view.reason != "first" else ()


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def compare(conn: Connection, article_id: str, with_id: str | None = None) -> Comparison | None:
    """The comparison for ``article_id`` (None when it has no copies); ``with_id`` picks the counterpart."""
    members = copy_article_ids(conn, article_id)
    if not members:
        return None
    if with_id is not None and with_id not in members:
        raise NotFound(f"article {with_id} is not a copy of this story")
    item = _row(conn, article_id)
    if with_id is not None:
        other = _row(conn, with_id)
    elif item.duplicate_of and item.duplicate_of in members:
        other = _row(conn, item.duplicate_of)
    else:
        other = _row(conn, members[0])
    if other.duplicate_of == item.id:
        item_is_original = True
    elif item.duplicate_of == other.id:
        item_is_original = False
    else:  # two copies of a third article: the earlier one stands as the original
        item_is_original = as_utc(item.fetched_at) <= as_utc(other.fetched_at)
    original, copy = (item, other) if item_is_original else (other, item)
    left, right, ratio = word_diff(original.text, copy.text)
    similarity = copy.similarity if copy.duplicate_of == original.id else None
    return Comparison(
        original=_side(original, left),
        copy=_side(copy, right),
        item_is_original=item_is_original,
        kind=kind_of(copy.duplicate_kind, ratio, original.text == copy.text),
        similarity=similarity,
        word_ratio=ratio,
        evidence=tuple(_evidence(conn, original, copy)),
    )


def _side(row: Any, tokens: list[Token]) -> Side:
    return Side(row.id, row.title, row.url, row.source_id, as_utc(row.fetched_at), tuple(tokens))
