"""How an auto-blog rewords a real article: the transforms of the rewritten-copy stream.

Each copy gets one profile, so recall can be read per profile.  Every profile but ``spun`` also spins
10-25% of the words (rewriters always do); the rates are of *all* words of the copy, carried over from
sentence to sentence when one has too few spinnable words, and bench/dedupe.py prints the share of the
original's words that really changed (word-level diff) per profile.

    spun          30-50% of the words replaced: by a synonym from bench/dedupe_words.SYNONYMS when one is known,
                  otherwise by a random content word of the corpus (harsher than a real spinner, whose synonyms
                  sometimes share a stem; names and numbers are left, as spinners leave them)
    reordered     every sentence with two clauses has them swapped ("A, B." -> "B, A."; "A and B" -> "B and A"),
                  and each paragraph's sentences are shuffled
    split_merge   long sentences cut at a comma or "and"; neighbours joined with ", and" / "; "
    dropped       15-35% of the sentences left out
    paraphrased   templates: "X said Y" -> "According to X, Y" / "Y, X stated"; "It is reported that ...";
                  "..., sources said"; articles dropped as machine translation does
    boilerplate   new boilerplate: the title once or twice, share bars, ad shortcodes, "Related:" lines with
                  other articles' headlines, a "Source link" footer
    autoblog      all of the above at once, with 30-50% spinning
"""

from __future__ import annotations

import random
import re

from bench.dedupe_words import ARTICLES
from bench.dedupe_writer import SYN

PROFILES = ("spun", "reordered", "split_merge", "dropped", "paraphrased", "boilerplate", "autoblog")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"'“A-Z0-9])")
_SAID = re.compile(r"^(?P<body>.{20,}?),? (?P<who>(?:[A-Z][\w.'-]* ){0,3}[A-Z][\w.'-]*|he|she|they) said\.?$")
_WORD = re.compile(r"^[a-z]{3,}$")
_PUNCT = ".,;:!?\"'()“”‘’"
_SHARE = (
    "Share this: Facebook Twitter WhatsApp Email",
    "Share on Facebook | Tweet | Pin it | Email",
    "SHARE Facebook Twitter LinkedIn",
)
_KEEP = frozenset("the and that this with from for was were has have are not but".split())
_CONJUNCTIONS = (" and ", " but ", " while ", " because ", " after ", " as ")


def sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE.split(paragraph.strip()) if s]


def _lower_first(s: str) -> str:
    """Lower-cases the first letter unless the first word looks like a name (capitalised inside too)."""
    first = s.split(" ", 1)[0]
    if len(first) > 1 and (first[1:].islower() or not first[1:].isalpha()) and first not in ("I",):
        return s[:1].lower() + s[1:]
    return s


def _upper_first(s: str) -> str:
    return s[:1].upper() + s[1:]


class Rewriter:
    """Seeded rewording of real article paragraphs; ``vocabulary`` supplies spins with no known synonym."""

    def __init__(self, rng: random.Random, vocabulary: list[str], headlines: list[str] | None = None) -> None:
        self.rng = rng
        self.vocabulary = vocabulary
        self.headlines = headlines or []
        self._debt = 0.0  # words the previous sentences could not spin, owed to the next ones

    def _spin_word(self, word: str) -> str:
        options = SYN.get(word)
        for _ in range(4):
            new = self.rng.choice(options) if options else self.rng.choice(self.vocabulary)
            if new != word:
                return new
        return word + "s"

    def spin(self, sentence: str, rate: float) -> str:
        words = sentence.split(" ")
        spinnable = [i for i, w in enumerate(words) if _WORD.match(w.strip(_PUNCT)) and w.strip(_PUNCT) not in _KEEP]
        owed = len(words) * rate + self._debt
        want = min(len(spinnable), int(owed + self.rng.random()))
        self._debt = max(0.0, owed - want)
        for i in self.rng.sample(spinnable, want):
            core = words[i].strip(_PUNCT)
            words[i] = words[i].replace(core, self._spin_word(core), 1)
        return " ".join(words)

    def clauses(self, sentence: str) -> str:
        """Swap the sentence's two halves at a comma, else at a conjunction; unchanged when it has neither."""
        end = sentence[-1] if sentence[-1:] in ".!?" else "."
        body = sentence.rstrip(".!?")
        parts = body.split(", ")
        if len(parts) >= 2:
            cut = self.rng.randrange(1, len(parts))
            first, second = ", ".join(parts[cut:]), ", ".join(parts[:cut])
            return f"{_upper_first(first)}, {_lower_first(second)}{end}"
        for conj in _CONJUNCTIONS:
            head, sep, tail = body.partition(conj)
            if sep and len(head) > 15 and len(tail) > 15:
                return f"{_upper_first(tail)}{conj}{_lower_first(head)}{end}"
        return sentence

    def attribution(self, sentence: str) -> str:
        m = _SAID.match(sentence)
        if not m:
            return sentence
        body, who = m["body"].rstrip(","), m["who"]
        if self.rng.random() < 0.5:
            return f"According to {who}, {_lower_first(body)}."
        return f"{body}, {who} stated."

    def paraphrase(self, sentence: str) -> str:
        r = self.rng
        out = self.attribution(sentence)
        if out == sentence:
            roll = r.random()
            if roll < 0.3:
                out = f"It is reported that {_lower_first(sentence)}"
            elif roll < 0.5:
                out = f"{sentence.rstrip('.!?')}, sources said."
            elif roll < 0.6:
                out = f"Reports indicate that {_lower_first(sentence)}"
        words = [w for w in out.split(" ") if not (w.lower() in ARTICLES and r.random() < 0.4)]
        return _upper_first(" ".join(words))

    def split_merge(self, sents: list[str]) -> list[str]:
        r = self.rng
        out: list[str] = []
        for s in sents:
            cut = s.find(", ", 40) if len(s) > 90 else -1
            if cut < 0 and len(s) > 90:
                cut = s.find(" and ", 40)
            if cut > 0 and r.random() < 0.6:
                head, tail = s[:cut], s[cut:].lstrip(", ").removeprefix("and ")
                out += [head.rstrip(",") + ".", _upper_first(tail)]
            elif out and r.random() < 0.35:
                glue = ", and " if r.random() < 0.7 else "; "
                out[-1] = f"{out[-1].rstrip('.!?')}{glue}{_lower_first(s)}"
            else:
                out.append(s)
        return out

    def drop(self, sents: list[str], share: float) -> list[str]:
        if len(sents) < 2:
            return sents
        return [s for s in sents if self.rng.random() >= share]

    def boilerplate(self, title: str, paras: list[str]) -> list[str]:
        r = self.rng
        out = [title, title] if r.random() < 0.5 else [title]
        out.append(r.choice(_SHARE))
        body = list(paras)
        if len(body) > 2:
            body.insert(r.randint(1, len(body) - 1), "[ad_1]")
        if self.headlines and len(body) > 3 and r.random() < 0.6:
            related = "Related: " + r.choice(self.headlines)
            body.insert(r.randint(2, len(body) - 1), related)
        footer = ["[ad_2]", "Source link", r.choice(_SHARE)]
        if self.headlines and r.random() < 0.6:
            footer += ["Read more:", *r.sample(self.headlines, min(3, len(self.headlines)))]
        return [*out, "[ad_1]", *body, *footer]

    def reword(self, title: str, paragraphs: list[str], profile: str) -> list[str]:
        """A reworded copy of ``paragraphs`` under ``profile`` (one of PROFILES)."""
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}")
        r = self.rng
        heavy = profile in ("spun", "autoblog")
        rate = r.uniform(0.30, 0.50) if heavy else r.uniform(0.10, 0.25)
        drop_share = r.uniform(0.15, 0.35)
        self._debt = 0.0
        out: list[str] = []
        everything = profile == "autoblog"
        for para in paragraphs:
            sents = sentences(para)
            if profile == "dropped" or (everything and r.random() < 0.7):
                sents = self.drop(sents, drop_share)
            if profile == "split_merge" or everything:
                sents = self.split_merge(sents)
            if profile == "reordered" or everything:
                sents = [self.clauses(s) if r.random() < (1.0 if profile == "reordered" else 0.5) else s for s in sents]
                r.shuffle(sents)
            if profile == "paraphrased" or everything:
                sents = [self.paraphrase(s) for s in sents]
            spun = [self.spin(s, rate) for s in sents]
            if spun:
                out.append(" ".join(spun))
        if profile in ("boilerplate", "autoblog"):
            out = self.boilerplate(title, out)
        return out
