"""The republication transforms of the dedupe benchmark: how sites copy a wire story."""

from __future__ import annotations

import random
import re

from bench.dedupe_words import ARTICLES, BOILERPLATE, PREPOSITIONS, SITE_NAMES
from bench.dedupe_writer import SYN


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
        options = SYN.get(core)
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
            spinnable = [i for i, w in enumerate(words) if w.strip(".,;:'\"").lower() in SYN]
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
