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
import re
from collections.abc import Iterator
from dataclasses import dataclass

from dedupe_templates import (
    ADJUNCTS,
    FORMS,
    GENERIC_NOUNS,
    LINKS,
    PREDICATES,
    REPORTS,
    ROLES,
    SUBJECTS,
    SUBJECTS2,
)
from dedupe_words import (
    ARTICLES,
    BOILERPLATE,
    DAYS,
    FIRST_NAMES,
    LAST_NAMES,
    MONTHS,
    ORG_HEADS,
    ORG_TAILS,
    PLACES,
    PREPOSITIONS,
    SITE_NAMES,
    SYNONYMS,
    TOPICS,
)

VARIANTS = ("exact", "boilerplate", "truncated", "paragraphs", "mt_noise", "spun", "extra", "combo")
_VARIANT_WEIGHTS = (10, 14, 16, 14, 16, 18, 12, 10)
_SYN: dict[str, list[str]] = {}
for _group in SYNONYMS:
    for _w in _group:
        _SYN.setdefault(_w.lower(), [x for x in _group if x != _w])
_SLOT = re.compile(r"\{(~?\w+)\}")
_PARTS = {"SUBJ": SUBJECTS, "SUBJ2": SUBJECTS2, "REPORT": REPORTS, "PRED": PREDICATES, "PRED2": PREDICATES,
          "ADJ": ADJUNCTS, "ADJ_CAP": [a for a in ADJUNCTS if a], "LINK": LINKS}


def _doc_id(label: str) -> str:
    """Ids shaped like production ones (pipelines.urls.article_id: 32 hex digits), so memory figures match."""
    return hashlib.sha256(label.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Doc:
    doc_id: str
    story: int
    variant: str  # "original", a VARIANTS name, "wire", "mix" or "sibling"
    text: str


@dataclass
class _Story:
    sid: int
    topic: str
    persons: list[str]
    places: list[str]
    org: str
    nouns: list[str]
    paragraphs: list[str]


class StoryWriter:
    """Composes stories sentence by sentence from templates and the story's own entities."""

    def __init__(self, rng: random.Random, short: bool = False) -> None:
        self.rng = rng
        self.short = short
        self.next_id = 0

    def _entities(self, topic: str) -> tuple[list[str], list[str], str, list[str]]:
        r = self.rng
        persons = [f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}" for _ in range(3)]
        places = r.sample(PLACES, 2)
        org = f"{r.choice(ORG_HEADS)} {r.choice(ORG_TAILS)}"
        nouns = r.sample(TOPICS[topic][0], 8)
        return persons, places, org, nouns

    def _fill(self, template: str, s: _Story) -> str:
        r = self.rng
        verbs, adjs = TOPICS[s.topic][1], TOPICS[s.topic][2]

        def slot(m: re.Match[str]) -> str:
            name = m.group(1)
            if name.startswith("~"):
                word = name[1:]
                return r.choice([word, *_SYN.get(word, [])])
            if name in _PARTS:
                return _SLOT.sub(slot, r.choice(_PARTS[name]))
            table = {
                "P": lambda: r.choice(s.persons),
                "P2": lambda: r.choice(s.persons),
                "R": lambda: r.choice(ROLES),
                "PL": lambda: s.places[0] if r.random() < 0.7 else r.choice(s.places),
                "PL2": lambda: r.choice(PLACES),
                "O": lambda: s.org,
                "N": lambda: r.choice(s.nouns),
                "N2": lambda: r.choice(s.nouns),
                "V": lambda: r.choice(verbs),
                "A": lambda: r.choice(adjs),
                "NUM": lambda: str(r.randint(2, 9000)),
                "NUM2": lambda: str(r.randint(2, 9000)),
                "G": lambda: r.choice(GENERIC_NOUNS),
                "YEAR": lambda: str(r.randint(1990, 2024)),
                "PCT": lambda: f"{r.randint(1, 40)}.{r.randint(0, 9)}",
                "DAY": lambda: r.choice(DAYS),
                "MONTH": lambda: r.choice(MONTHS),
            }
            return table[name]()

        sentence = re.sub(r" +([,.])", r"\1", re.sub(r"  +", " ", _SLOT.sub(slot, template)))
        return sentence[0].upper() + sentence[1:]

    def _paragraphs(self, s: _Story) -> list[str]:
        r = self.rng
        count = r.randint(2, 4) if self.short else r.randint(4, 10)
        return [
            " ".join(self._fill(r.choice(FORMS), s) for _ in range(r.randint(2, 4))) for _ in range(count)
        ]

    def story(self, like: _Story | None = None) -> _Story:
        """A new story; with ``like``, a distinct one on the same topic about the same people and places."""
        self.next_id += 1
        if like is None:
            topic = self.rng.choice(list(TOPICS))
            persons, places, org, nouns = self._entities(topic)
        else:
            topic, persons, places, org = like.topic, like.persons, like.places, like.org
            nouns = self.rng.sample(TOPICS[topic][0], 8)
        s = _Story(self.next_id, topic, persons, places, org, nouns, [])
        s.paragraphs = self._paragraphs(s)
        return s


def _words_of(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


class Copier:
    """The republication transforms."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def boilerplate(self, paras: list[str], topic: str) -> list[str]:
        r = self.rng
        site = r.choice(SITE_NAMES)
        lines = [
            r.choice(BOILERPLATE).format(site=site, topic=topic, year=r.randint(2015, 2026))
            for _ in range(r.randint(1, 3))
        ]
        head = [lines.pop()] if lines and r.random() < 0.4 else []
        return head + paras + lines

    def exact(self, paras: list[str]) -> list[str]:
        r = self.rng
        out = [p.replace(",", "") if r.random() < 0.5 else p for p in paras]
        out = [re.sub(r"\. ", ".  ", p) if r.random() < 0.3 else p for p in out]
        return [p.upper() if r.random() < 0.05 else p for p in out]

    def truncated(self, paras: list[str], shortest: float = 0.40) -> list[str]:
        words = "\n".join(paras).split(" ")
        keep = int(len(words) * self.rng.uniform(shortest, 0.95))
        return " ".join(words[:keep]).split("\n")

    def paragraphs(self, paras: list[str]) -> list[str]:
        r = self.rng
        out = list(paras)
        if r.random() < 0.7 and len(out) > 2:
            drop = max(1, round(len(out) * r.uniform(0.1, 0.3)))
            for i in sorted(r.sample(range(len(out)), drop), reverse=True):
                del out[i]
        if r.random() < 0.6:
            r.shuffle(out)
        return out

    def _swap(self, word: str) -> str | None:
        core = word.strip(".,;:'\"").lower()
        options = _SYN.get(core)
        if not options:
            return None
        new = self.rng.choice(options)
        if word[:1].isupper():
            new = new[0].upper() + new[1:]
        return word.replace(word.strip(".,;:'\"")[: len(core)], new, 1)

    def spun(self, paras: list[str], rate: float | None = None) -> list[str]:
        r = self.rng
        rate = r.uniform(0.05, 0.20) if rate is None else rate
        out = []
        for p in paras:
            words = p.split(" ")
            spinnable = [i for i, w in enumerate(words) if w.strip(".,;:'\"").lower() in _SYN]
            want = round(len(words) * rate)
            for i in r.sample(spinnable, min(want, len(spinnable))):
                words[i] = self._swap(words[i]) or words[i]
            out.append(" ".join(words))
        return out

    def mt_noise(self, paras: list[str]) -> list[str]:
        r = self.rng
        out = []
        for p in paras:
            words: list[str] = []
            for w in p.split(" "):
                low = w.lower()
                if low in ARTICLES and r.random() < 0.3:
                    continue
                if low in PREPOSITIONS and r.random() < 0.2:
                    w = r.choice(PREPOSITIONS)
                elif r.random() < 0.07:
                    w = self._swap(w) or w
                words.append(w)
            for i in range(len(words) - 1):
                if r.random() < 0.04:
                    words[i], words[i + 1] = words[i + 1], words[i]
            out.append(" ".join(words))
        return out

    def extra(self, paras: list[str], other: list[str]) -> list[str]:
        r = self.rng
        out = list(paras)
        budget = _words_of(paras) * 0.17
        for p in r.sample(other, min(2, len(other))):
            if len(p.split()) <= budget:
                out.insert(r.randint(0, len(out)), p)
                budget -= len(p.split())
        return out

    def mix(self, a: list[str], b: list[str]) -> list[str] | None:
        """35-72% of the words from ``a``, the rest from ``b``, covering under 70% of each; None when impossible."""
        r = self.rng
        total_a = _words_of(a)
        start = r.randrange(len(a))
        take = a[start : start + max(1, round(len(a) * r.uniform(0.3, 0.6)))]
        if _words_of(take) > 0.7 * total_a:
            return None
        share = r.uniform(0.35, 0.72)
        need_b = _words_of(take) * (1 - share) / share
        from_b: list[str] = []
        for p in b[r.randrange(len(b)) :]:
            if _words_of(from_b) >= need_b:
                break
            from_b.append(p)
        if _words_of(from_b) > 0.7 * _words_of(b):
            return None
        out = take + from_b
        a_share = _words_of(take) / max(1, _words_of(out))
        if not 0.30 <= a_share <= 0.75:
            return None
        r.shuffle(out)
        return out


def generate(n_docs: int = 20_000, seed: int = 7, short: bool = False) -> Iterator[Doc]:
    """Yield about ``n_docs`` labelled documents in publication order."""
    rng = random.Random(seed)
    writer, copier = StoryWriter(rng, short), Copier(rng)
    pending: list[tuple[float, int, Doc]] = []  # (time, tiebreak, doc) not yet due
    recent: list[_Story] = []
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
    copier: Copier, story: _Story, variant: str, recent: list[_Story], rng: random.Random, label: str
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
