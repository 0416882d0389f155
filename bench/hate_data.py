"""The labelled hate sets, read from ../shared/data (NEWSDESK_BENCH_DATA overrides), and their fixed splits.

* Davidson et al. tweets: a fixed hash of the tweet text puts one in five in the held-out split, which training
  never sees (duplicate tweets land on the same side).
* Stormfront sentences (de Gibert et al.): ``sampled_train`` for training only, ``sampled_test`` for reporting only.
* News prose: the sentences of the WCXB dev articles' gold text, as negatives; a fixed hash of the article key
  keeps one article in five out of training, for choosing how sentence scores roll up to an article.  Tweets and
  forum posts alone taught the model that ordinary English prose is half-way to hate (a council budget story
  scored 0.55); the news the bench reports on (the Zyte bodies) is another set, never trained on.
"""

from __future__ import annotations

import csv
import html
import json
import os
from pathlib import Path

from pipelines.flagging.detectors.sentences import sentences
from pipelines.flagging.hashfeatures import text_digest

HELD_OUT_SHARE = 5  # one tweet in five


def data_dir() -> Path:
    override = os.environ.get("NEWSDESK_BENCH_DATA")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "shared" / "data"


def davidson_held_out(text: str) -> bool:
    return text_digest(text) % HELD_OUT_SHARE == 0


def davidson(split: str) -> list[tuple[str, int]]:
    """(tweet, class) with class 0 hate, 1 offensive, 2 neither; split 'train', 'held_out' or 'all'."""
    path = data_dir() / "davidson-hate-offensive" / "labeled_data.csv"
    with path.open(encoding="utf-8") as fh:
        rows = [(html.unescape(r["tweet"]), int(r["class"])) for r in csv.DictReader(fh)]
    if split == "all":
        return rows
    want = split == "held_out"
    return [(t, c) for t, c in rows if davidson_held_out(t) == want]


def stormfront(split: str) -> list[tuple[str, bool]]:
    """(sentence, is_hate) of ``sampled_train`` or ``sampled_test`` (labels hate / noHate only)."""
    root = data_dir() / "stormfront-hate-sentences"
    with (root / "annotations_metadata.csv").open(encoding="utf-8") as fh:
        labels = {r["file_id"]: r["label"] for r in csv.DictReader(fh)}
    out = []
    for path in sorted((root / f"sampled_{split}").glob("*.txt")):
        label = labels.get(path.stem)
        if label in ("hate", "noHate"):
            out.append((path.read_text(encoding="utf-8", errors="replace").strip(), label == "hate"))
    return out


MIN_NEWS_SENTENCE_CHARS = 30


def news_articles(split: str) -> list[tuple[str, str]]:
    """(title, body) of the WCXB dev articles (English news and blogs) in a fixed order; split 'train' or
    'validation' (one in five by a fixed hash of the article key, never trained on)."""
    path = data_dir() / "wcxb-dev-articles" / "ground-truth.json"
    with path.open(encoding="utf-8") as fh:
        articles = json.load(fh)
    want = split == "validation"
    return [
        (str(articles[key].get("title") or ""), str(articles[key].get("articleBody") or ""))
        for key in sorted(articles)
        if (text_digest(key) % HELD_OUT_SHARE == 0) == want
    ]


def news_sentences() -> list[str]:
    """Sentences of the training part of the WCXB dev articles."""
    found: list[str] = []
    for _, body in news_articles("train"):
        found += [s.text for s in sentences(body) if len(s.text) >= MIN_NEWS_SENTENCE_CHARS]
    return found
