"""A labelled, seeded stream of synthetic news for the dedupe benchmark.

Stories are composed from templates and word lists (bench/dedupe_words.py,
bench/dedupe_templates.py).  Each story may be republished as copies:

    exact        same text, punctuation/case/whitespace changed
    boilerplate  site header/footer lines added
    truncated    first 40-95% of the words
    paragraphs   10-30% of paragraphs dropped and/or paragraphs reordered
    mt_noise     machine-translation noise (articles dropped, prepositions and
                 synonyms changed, neighbouring words swapped)
    spun         5-20% of the words replaced by synonyms
    extra        one or two paragraphs from another story (original >= 85%)
    combo        truncated to 50-95%, then spun (5-15%) or translation noise
    wire         the full original, when a variant happened to be seen first

and any copy may also get boilerplate.  Negatives: ``mix`` documents (35-72%
from one story, the rest from another; they are stories of their own) and
``sibling`` stories on the same topic with the same people and places.
Ground truth: a document is a positive when an earlier document of the same
story exists; naming a document of another story is a false positive.
"""

from __future__ import annotations

import hashlib
import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass

from bench.dedupe_copier import Copier
from bench.dedupe_writer import Story, StoryWriter

VARIANTS = ("exact", "boilerplate", "truncated", "paragraphs", "mt_noise", "spun", "extra", "combo")
_VARIANT_WEIGHTS = (10, 14, 16, 14, 16, 18, 12, 10)


def _doc_id(label: str) -> str:
    """Ids shaped like production ones (pipelines.urls.article_id: 32 hex digits), so memory figures match."""
    return hashlib.sha256(label.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Doc:
    doc_id: str
    story: int
    variant: str  # "original", a VARIANTS name, "wire", "mix" or "sibling"
    text: str


def generate(n_docs: int = 20_000, seed: int = 7, short: bool = False) -> Iterator[Doc]:
    """Yield about ``n_docs`` labelled documents in publication order."""
    rng = random.Random(seed)
    writer, copier = StoryWriter(rng, short), Copier(rng)
    pending: list[tuple[float, int, Doc]] = []  # (time, tiebreak, doc) not yet due
    recent: list[Story] = []
    emitted, clock, tiebreak = 0, 0.0, 0

    def push(at: float, doc: Doc) -> None:
        nonlocal tiebreak
        tiebreak += 1
        heapq.heappush(pending, (at, tiebreak, doc))

    while emitted < n_docs:
        clock += 1.0
        roll = rng.random()
        if roll < 0.1 and len(recent) > 1:
            for _ in range(8):
                a, b = rng.sample(recent, 2)
                paras = copier.mix(a.paragraphs, b.paragraphs)
                if paras is not None:
                    writer.next_id += 1
                    push(clock, Doc(_doc_id(f"m{writer.next_id}"), writer.next_id, "mix", "\n".join(paras)))
                    break
        story = writer.story(like=rng.choice(recent) if roll > 0.85 and recent else None)
        kind = "sibling" if roll > 0.85 and recent else "original"
        recent.append(story)
        if len(recent) > 200:
            recent.pop(0)
        copies = 0 if rng.random() < 0.4 else min(40, int(rng.paretovariate(1.2)) + rng.randint(0, 3))
        variants = [rng.choices(VARIANTS, _VARIANT_WEIGHTS)[0] for _ in range(copies)]
        first_is_copy = copies > 0 and rng.random() < 0.15
        times = sorted(clock + rng.expovariate(1 / 60.0) for _ in range(copies))
        docs = [_make(copier, story, v, recent, rng, f"c{story.sid}-{i}") for i, v in enumerate(variants)]
        if first_is_copy:
            push(clock, docs[0][1])
            push(times[0], Doc(_doc_id(f"s{story.sid}"), story.sid, "wire", "\n".join(story.paragraphs)))
            docs = docs[1:]
            times = times[1:]
        else:
            push(clock, Doc(_doc_id(f"s{story.sid}"), story.sid, kind, "\n".join(story.paragraphs)))
        for at, (_, doc) in zip(times, docs, strict=False):
            push(at, doc)
        while pending and pending[0][0] <= clock and emitted < n_docs:
            yield heapq.heappop(pending)[2]
            emitted += 1


def _make(
    copier: Copier, story: Story, variant: str, recent: list[Story], rng: random.Random, label: str
) -> tuple[str, Doc]:
    paras = story.paragraphs
    if variant == "boilerplate":
        out = copier.boilerplate(paras, story.topic)
    elif variant == "exact":
        out = copier.exact(paras)
    elif variant == "truncated":
        out = copier.truncated(paras)
    elif variant == "paragraphs":
        out = copier.paragraphs(paras)
    elif variant == "mt_noise":
        out = copier.mt_noise(paras)
    elif variant == "spun":
        out = copier.spun(paras)
    elif variant == "combo":
        out = copier.truncated(paras, 0.5)
        out = copier.spun(out, rng.uniform(0.05, 0.15)) if rng.random() < 0.5 else copier.mt_noise(out)
    else:
        other = rng.choice(recent).paragraphs
        out = copier.extra(paras, other) if other is not paras else list(paras)
    if variant not in ("exact", "boilerplate") and rng.random() < 0.3:
        out = copier.boilerplate(out, story.topic)
    return variant, Doc(_doc_id(label), story.sid, variant, "\n".join(out))
