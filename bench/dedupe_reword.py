"""How an auto-blog rewords a real article: the transforms of the rewritten-copy stream.

Every copy is a sentence-by-sentence rewording of its original (same order, same facts), made of:

    spinning     30-50% of the words replaced: by a synonym from bench/dedupe_words.SYNONYMS when one is
                 known, otherwise by a random content word of the corpus (harsher than a real spinner,
                 whose synonyms sometimes share a stem; names and numbers are left, as spinners leave them)
    clauses      a sentence's clauses swapped at a comma ("A, B." -> "B, A.")
    attribution  "X said Y" -> "According to X, Y" / "Y, X said"
    translation  articles dropped, "It is reported that ..." / "... , it was said"
    split/merge  a long sentence cut at a comma; two neighbours joined with ", and"
    drop         10-25% of the sentences left out; neighbours occasionally swapped
    boilerplate  the title twice, a share bar, [ad_1] / [ad_2] shortcodes, "Source link"

``reword`` picks one profile per copy (``PROFILES``), so recall can be read per profile.
"""

from __future__ import annotations

import random
import re

from bench.dedupe_words import ARTICLES
from bench.dedupe_writer import SYN

PROFILES = ("spun_heavy", "restructured", "paraphrased", "autoblog")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"'“A-Z0-9])")
_SAID = re.compile(r"^(?P<body>.{20,}?),? (?P<who>(?:[A-Z][\w.'-]* ){0,3}[A-Z][\w.'-]*|he|she|they) said\.?$")
_WORD = re.compile(r"^[a-z]{3,}$")
_SHARE = (
    "Share this: Facebook Twitter WhatsApp Email",
    "Share on Facebook | Tweet | Pin it | Email",
    "SHARE Facebook Twitter LinkedIn",
)
_KEEP = frozenset("the and that this with from for was were has have are not but".split())


def sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE.split(paragraph.strip()) if s]


class Rewriter:
    """Seeded rewording of real article paragraphs; ``vocabulary`` supplies spins with no known synonym."""

    def __init__(self, rng: random.Random, vocabulary: list[str]) -> None:
        self.rng = rng
        self.vocabulary = vocabulary

    def _spin_word(self, word: str) -> str:
        options = SYN.get(word)
        return self.rng.choice(options) if options else self.rng.choice(self.vocabulary)

    def spin(self, sentence: str, rate: float) -> str:
        words = sentence.split(" ")
        spinnable = [i for i, w in enumerate(words) if _WORD.match(w.strip(".,;:!?\"'()")) and w not in _KEEP]
        want = min(len(spinnable), round(len(words) * rate))
        for i in self.rng.sample(spinnable, want):
            core = words[i].strip(".,;:!?\"'()")
            words[i] = words[i].replace(core, self._spin_word(core), 1)
        return " ".join(words)

    def clauses(self, sentence: str) -> str:
        parts = sentence.rstrip(".!?").split(", ")
        if len(parts) < 2 or len(sentence) < 60:
            return sentence
        cut = self.rng.randrange(1, len(parts))
        first, second = ", ".join(parts[cut:]), ", ".join(parts[:cut])
        return f"{first[:1].upper()}{first[1:]}, {second[:1].lower()}{second[1:]}."

    def attribution(self, sentence: str) -> str:
        m = _SAID.match(sentence)
        if not m:
            return sentence
        body, who = m["body"].rstrip(","), m["who"]
        if self.rng.random() < 0.5:
            return f"According to {who}, {body[:1].lower()}{body[1:]}."
        return f"{body}, {who} stated."

    def translation(self, sentence: str) -> str:
        r = self.rng
        words = [w for w in sentence.split(" ") if not (w.lower() in ARTICLES and r.random() < 0.4)]
        out = " ".join(words)
        roll = r.random()
        if roll < 0.15:
            out = f"It is reported that {out[:1].lower()}{out[1:]}"
        elif roll < 0.25:
            out = f"{out.rstrip('.!?')}, it was said."
        return out

    def restructure(self, sents: list[str]) -> list[str]:
        r = self.rng
        out: list[str] = []
        for s in sents:
            if len(sents) > 3 and r.random() < r.uniform(0.10, 0.25):
                continue  # dropped
            if ", " in s and len(s) > 120 and r.random() < 0.3:
                head, tail = s.split(", ", 1)
                out += [head + ".", tail[:1].upper() + tail[1:]]
            elif out and r.random() < 0.15:
                out[-1] = f"{out[-1].rstrip('.!?')}, and {s[:1].lower()}{s[1:]}"
            else:
                out.append(s)
        for i in range(len(out) - 1):
            if r.random() < 0.08:
                out[i], out[i + 1] = out[i + 1], out[i]
        return out

    def boilerplate(self, title: str, paras: list[str]) -> list[str]:
        r = self.rng
        out = [title, title] if r.random() < 0.7 else [title]
        out.append(r.choice(_SHARE))
        body = list(paras)
        if len(body) > 2:
            body.insert(r.randint(1, len(body) - 1), "[ad_1]")
        return [*out, "[ad_1]", *body, "[ad_2]", "Source link", r.choice(_SHARE)]

    def reword(self, title: str, paragraphs: list[str], profile: str) -> list[str]:
        """A reworded copy of ``paragraphs`` under ``profile`` (one of PROFILES)."""
        r = self.rng
        spin = {"spun_heavy": (0.30, 0.50), "restructured": (0.10, 0.20), "paraphrased": (0.20, 0.30)}
        low, high = spin.get(profile, (0.30, 0.50))
        rate = r.uniform(low, high)
        out: list[str] = []
        for para in paragraphs:
            sents = sentences(para)
            if profile in ("restructured", "autoblog"):
                sents = self.restructure(sents)
            rewritten = []
            for s in sents:
                if profile in ("restructured", "autoblog", "paraphrased") and r.random() < 0.5:
                    s = self.clauses(s)
                if profile in ("paraphrased", "autoblog"):
                    s = self.translation(self.attribution(s))
                rewritten.append(self.spin(s, rate))
            if rewritten:
                out.append(" ".join(rewritten))
        if profile == "autoblog" or r.random() < 0.3:
            out = self.boilerplate(title, out)
        return out
