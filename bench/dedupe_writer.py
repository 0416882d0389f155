"""Synthetic news stories for the dedupe benchmark, sentence by sentence from bench/dedupe_templates.py."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from bench.dedupe_templates import (
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
from bench.dedupe_words import DAYS, FIRST_NAMES, LAST_NAMES, MONTHS, ORG_HEADS, ORG_TAILS, PLACES, SYNONYMS, TOPICS

SYN: dict[str, list[str]] = {}
for _group in SYNONYMS:
    for _w in _group:
        SYN.setdefault(_w.lower(), [x for x in _group if x != _w])
_SLOT = re.compile(r"\{(~?\w+)\}")
_PARTS = {
    "SUBJ": SUBJECTS,
    "SUBJ2": SUBJECTS2,
    "REPORT": REPORTS,
    "PRED": PREDICATES,
    "PRED2": PREDICATES,
    "ADJ": ADJUNCTS,
    "ADJ_CAP": [a for a in ADJUNCTS if a],
    "LINK": LINKS,
}


@dataclass
class Story:
    """One wire story: its entities and the paragraphs every copy derives from."""

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

    def _fill(self, template: str, s: Story) -> str:
        r = self.rng
        verbs, adjs = TOPICS[s.topic][1], TOPICS[s.topic][2]

        def slot(m: re.Match[str]) -> str:
            name = m.group(1)
            if name.startswith("~"):
                word = name[1:]
                return r.choice([word, *SYN.get(word, [])])
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

    def _paragraphs(self, s: Story) -> list[str]:
        r = self.rng
        count = r.randint(2, 4) if self.short else r.randint(4, 10)
        return [" ".join(self._fill(r.choice(FORMS), s) for _ in range(r.randint(2, 4))) for _ in range(count)]

    def story(self, like: Story | None = None) -> Story:
        """A new story; with ``like``, a distinct one on the same topic about the same people and places."""
        self.next_id += 1
        if like is None:
            topic = self.rng.choice(list(TOPICS))
            persons, places, org, nouns = self._entities(topic)
        else:
            topic, persons, places, org = like.topic, like.persons, like.places, like.org
            nouns = self.rng.sample(TOPICS[topic][0], 8)
        s = Story(self.next_id, topic, persons, places, org, nouns, [])
        s.paragraphs = self._paragraphs(s)
        return s
