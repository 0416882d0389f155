"""The rewritten-copy stream: real article bodies, each followed later by reworded copies and follow-ups.

Originals are the ground-truth bodies of the Zyte benchmark and the WCXB dev articles under
``../shared/data`` from the repository root (``NEWSDESK_BENCH_DATA`` overrides; read, never copied).  Copies
come from bench/dedupe_reword.py.  Sources are split by domain: a third of the domains (by hash,
``held_out``) were never looked at while tuning; their figures are printed apart.

Hard negatives (``followup``): a later story from the same domain about the same people, places and figures,
the way a site follows up its own report.  It is another real article's text with that article's names and
numbers replaced by the original's (mapped at random, so they come in the new story's order), opened by one
or two background sentences of the original.  It is a story of its own: naming the original scores a false
positive, as does naming anything for an original.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.dedupe_reword import PROFILES, Rewriter, sentences
from bench.dedupe_stream import Doc

_SETS = ("article-extraction-benchmark", "wcxb-dev-articles")
_CONTENT = re.compile(r"^[a-z]{4,}$")
# names and figures as a follow-up reuses them: capitalised runs and tokens with digits, not sentence-initial
_ANCHOR = re.compile(r"(?<=[a-z,;] )(?:[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*|[\w.,$%-]*\d[\w.,$%-]*)")
_RECAP = ("Earlier, ", "As previously reported, ", "Background: ", "")


def data_dir() -> Path:
    """``NEWSDESK_BENCH_DATA``, else ``../shared/data`` next to the repository root."""
    override = os.environ.get("NEWSDESK_BENCH_DATA")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


@dataclass(frozen=True)
class Original:
    source: str
    title: str
    paragraphs: list[str]
    from_zyte: bool = False

    @property
    def held_out(self) -> bool:
        return held_out(self.source)


@dataclass(frozen=True)
class StreamDoc:
    """A document of the stream with its split: ``part`` is "tuning" or "held-out" (its domain's)."""

    doc: Doc
    part: str


def held_out(source: str) -> bool:
    """A third of the domains, fixed by hash: reported, never tuned on."""
    return hashlib.blake2b(source.encode(), digest_size=2).digest()[0] % 3 == 0


def _grams(paragraphs: list[str]) -> set[int]:
    words = " ".join(paragraphs).lower().split()
    return {hash(tuple(words[i : i + 4])) for i in range(len(words) - 3)}


def load(data: Path | None = None, min_words: int = 80) -> list[Original]:
    """Real bodies of 80+ words; one sharing half its word 4-grams with an earlier body is that article, dropped."""
    root = data or data_dir()
    if not (root / _SETS[0] / "ground-truth.json").exists():
        raise SystemExit(f"bench data not found under {root}; set NEWSDESK_BENCH_DATA to the shared data folder")
    out: list[Original] = []
    seen: set[int] = set()
    for name in _SETS:
        gold = json.loads((root / name / "ground-truth.json").read_text(encoding="utf-8"))
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
            out.append(Original(host or name, title, paras, from_zyte=name == _SETS[0]))
    return out


def followup(original: Original, donor: Original, rng: random.Random) -> list[str]:
    """A different story on the original's people and figures (see the module docstring)."""
    names = sorted({m.group() for p in original.paragraphs for m in _ANCHOR.finditer(p)})
    if not names:
        return list(donor.paragraphs)
    mapping: dict[str, str] = {}

    def swap(m: re.Match[str]) -> str:
        key = m.group()
        if key not in mapping:
            mapping[key] = rng.choice(names)
        return mapping[key]

    body = [_ANCHOR.sub(swap, p) for p in donor.paragraphs]
    lead = sentences(original.paragraphs[0])
    recap = " ".join(lead[: rng.randint(1, 2)])
    opener = rng.choice(_RECAP)
    return [body[0], opener + (recap[:1].lower() + recap[1:] if opener else recap), *body[1:]]


def _doc_id(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()[:32]


def _part(original: Original) -> str:
    return "held-out" if original.held_out else "tuning"


def generate(
    originals: list[Original],
    seed: int = 7,
    copies_per: tuple[int, int] = (0, 2),
    followup_rate: float = 0.3,
) -> Iterator[StreamDoc]:
    """Documents in arrival order: each original, then 0-2 reworded copies and maybe a follow-up within ~40 arrivals.

    Stories: an original and its copies share the original's position; follow-ups get numbers above them.
    """
    rng = random.Random(seed)
    docs = list(originals)
    rng.shuffle(docs)
    # follow-ups borrow the text of articles that never enter the stream themselves (else they would copy them)
    # and each lends its text once (two follow-ups of one text would be copies of each other)
    donors, docs = docs[: len(docs) // 4], docs[len(docs) // 4 :]
    vocab = sorted({w for o in docs for p in o.paragraphs for w in p.lower().split() if _CONTENT.match(w)})
    rewriter = Rewriter(rng, vocab, headlines=[o.title for o in docs])
    pending: list[tuple[float, int, StreamDoc]] = []
    tie = 0

    def push(at: float, doc: Doc, part: str) -> None:
        nonlocal tie
        tie += 1
        heapq.heappush(pending, (at, tie, StreamDoc(doc, part)))

    for clock, orig in enumerate(docs):
        part = _part(orig)
        push(float(clock), Doc(_doc_id(f"o{clock}"), clock, "original", "\n".join(orig.paragraphs)), part)
        for k in range(rng.randint(*copies_per)):
            profile = PROFILES[rng.randrange(len(PROFILES))]
            text = "\n".join(rewriter.reword(orig.title, orig.paragraphs, profile))
            push(clock + rng.uniform(0.5, 40.0), Doc(_doc_id(f"r{clock}-{k}"), clock, profile, text), part)
        if donors and rng.random() < followup_rate:
            donor = donors.pop()
            text = "\n".join(followup(orig, donor, rng))
            story = len(docs) + clock
            push(clock + rng.uniform(0.5, 40.0), Doc(_doc_id(f"f{clock}"), story, "followup", text), part)
        while pending and pending[0][0] <= clock:
            yield heapq.heappop(pending)[2]
    while pending:
        yield heapq.heappop(pending)[2]
