"""The rewritten-copy stream: real article bodies, each followed later by reworded copies of it.

Originals are the ground-truth bodies of the Zyte benchmark and the WCXB dev articles under
/work/shared/data (read, never copied).  Copies come from bench/dedupe_reword.py.  Sources are split by
domain: a third of the domains (by hash, ``held_out``) were never looked at while tuning; their figures are
printed apart.  Every original is a negative for every other: a system that names another article for it
scores a false positive.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.dedupe_reword import PROFILES, Rewriter
from bench.dedupe_stream import Doc

DATA = Path("/work/shared/data")
_SETS = ("article-extraction-benchmark", "wcxb-dev-articles")
_CONTENT = re.compile(r"^[a-z]{4,}$")


@dataclass(frozen=True)
class Original:
    source: str
    title: str
    paragraphs: list[str]

    @property
    def held_out(self) -> bool:
        return held_out(self.source)


def held_out(source: str) -> bool:
    """A third of the domains, fixed by hash: reported, never tuned on."""
    return hashlib.blake2b(source.encode(), digest_size=2).digest()[0] % 3 == 0


def _grams(paragraphs: list[str]) -> set[int]:
    words = " ".join(paragraphs).lower().split()
    return {hash(tuple(words[i : i + 4])) for i in range(len(words) - 3)}


def load(data: Path = DATA, min_words: int = 80) -> list[Original]:
    """Real bodies of 80+ words; one sharing half its word 4-grams with an earlier body is that article, dropped."""
    out: list[Original] = []
    seen: set[int] = set()
    for name in _SETS:
        gold = json.loads((data / name / "ground-truth.json").read_text(encoding="utf-8"))
        for row in gold.values():
            body = row.get("articleBody") or ""
            paras = [p.strip() for p in body.split("\n") if p.strip()]
            if sum(len(p.split()) for p in paras) < min_words:
                continue
            grams = _grams(paras)
            if len(grams & seen) >= 0.5 * len(grams):
                continue
            seen |= grams
            host = urlsplit(row.get("url") or "").netloc.lower().removeprefix("www.")
            title = (row.get("title") or paras[0][:90]).strip()
            out.append(Original(host or name, title, paras))
    return out


def _doc_id(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()[:32]


def generate(
    seed: int = 7, copies_per: tuple[int, int] = (0, 2), originals: list[Original] | None = None
) -> Iterator[tuple[Doc, bool]]:
    """Yield ``(doc, held_out)`` in arrival order: each original, then 0-2 reworded copies within ~40 arrivals."""
    rng = random.Random(seed)
    docs = list(originals if originals is not None else load())
    rng.shuffle(docs)
    vocab = sorted({w for o in docs for p in o.paragraphs for w in p.lower().split() if _CONTENT.match(w)})
    rewriter = Rewriter(rng, vocab)
    pending: list[tuple[float, int, Doc, bool]] = []
    tie = 0
    for clock, orig in enumerate(docs):
        tie += 1
        heapq.heappush(
            pending,
            (
                float(clock),
                tie,
                Doc(_doc_id(f"o{clock}"), clock, "original", "\n".join(orig.paragraphs)),
                orig.held_out,
            ),
        )
        for k in range(rng.randint(*copies_per)):
            profile = rng.choice(PROFILES)
            text = "\n".join(rewriter.reword(orig.title, orig.paragraphs, profile))
            tie += 1
            doc = Doc(_doc_id(f"r{clock}-{k}"), clock, profile, text)
            heapq.heappush(pending, (clock + rng.uniform(0.5, 40.0), tie, doc, orig.held_out))
        while pending and pending[0][0] <= clock:
            _, _, doc, half = heapq.heappop(pending)
            yield doc, half
    while pending:
        _, _, doc, half = heapq.heappop(pending)
        yield doc, half
