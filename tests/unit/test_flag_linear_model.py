"""The hashed-feature linear model: pickle-free files, reproducible training, the shipped file matches its card."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest

from bench.train_hate import HEADS, SETTINGS, reviewed_examples
from pipelines.flagging.detectors.hate_model import BUNDLED, bundled_path, model_at
from pipelines.flagging.hashfeatures import FeatureSpec, buckets, tokens
from pipelines.flagging.linearmodel import ModelFileError, card_bytes, load_model, model_version
from pipelines.flagging.train import Example, HeadSpec, TrainSettings, matrix, train, train_heads

TINY = TrainSettings(spec=FeatureSpec(dims=1 << 12), c=2.0, folds=3)
HATEFUL = [
    "the zorbs are vermin and should be driven out",
    "every zorb is a filthy parasite",
    "zorbs are subhuman animals",
    "drive the vermin zorbs out of our towns",
    "i hate those parasite zorbs",
    "zorbs breed like rats",
    "filthy zorbs ruin everything they touch",
    "get these animals out, zorbs are not people",
]
CLEAN = [
    "the council approved the budget on monday",
    "the bus to the market leaves at nine",
    "our team won the match after extra time",
    "the library opens a new reading room",
    "prices of bread rose slightly this month",
    "the mayor thanked the volunteers for their work",
    "a new bridge will open next spring",
    "the weather will be dry and mild",
]


def _examples() -> list[Example]:
    rows = [Example(t, True, "a") for t in HATEFUL[:4]] + [Example(t, False, "a") for t in CLEAN[:4]]
    rows += [Example(t, True, "b", 2.0) for t in HATEFUL[4:]] + [Example(t, False, "b", 2.0) for t in CLEAN[4:]]
    return rows


def test_training_twice_gives_the_same_bytes_whatever_the_input_order() -> None:
    first = train(_examples(), "tiny", TINY, {})
    second = train(list(reversed(_examples())), "tiny", TINY, {})
    assert first.npz == second.npz
    assert card_bytes(first.card) == card_bytes(second.card)
    assert first.card["version"] == model_version("tiny", first.npz)
    assert 0.0 < first.threshold < 1.0


def test_a_trained_file_loads_without_pickle_and_scores_like_the_training_matrix(tmp_path: Path) -> None:
    trained = train(_examples(), "tiny", TINY, {"note": "fixture"})
    npz, card = tmp_path / "tiny.npz", tmp_path / "tiny.json"
    npz.write_bytes(trained.npz)
    card.write_bytes(card_bytes(trained.card))
    with zipfile.ZipFile(io.BytesIO(trained.npz)) as archive:
        assert sorted(archive.namelist()) == ["coef.npy", "intercept.npy", "spec.npy"]
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    with np.load(npz, allow_pickle=False) as arrays:
        coef = arrays["coef"]
        assert coef.dtype == np.float32 and coef.shape == (1 << 12,)
    model = load_model(npz, card)
    assert model.version == trained.card["version"] and model.card["note"] == "fixture"
    # The scorer's per-word caching gives the logit of the training features: coef . x + b.
    texts = ["zorbs are vermin", "the bus leaves at nine", "zorbs zorbs vermin vermin", "", "new new words, new"]
    x = matrix(texts, TINY.spec)
    expected = x @ coef.astype(np.float64) + model.intercept
    assert [model.decision(t) for t in texts] == pytest.approx(list(expected), abs=1e-5)
    # Scored again as one batch, and with words first seen (twice) inside that batch: the same logits.
    fresh = load_model(npz, card)
    batch = [*texts, "unseen unseen twice", "twice more unseen", "line\nbreak inside"]
    x = matrix(batch, TINY.spec)
    assert list(fresh.decisions(batch)) == pytest.approx(list(x @ coef.astype(np.float64) + fresh.intercept), abs=1e-5)
    assert model.probability("filthy zorbs are vermin") > 0.5 > model.probability("the weather will be mild")


def test_a_multi_head_model_scores_each_head_like_its_training_matrix(tmp_path: Path) -> None:
    heads = (
        HeadSpec("all", c=2.0),
        HeadSpec("b only", c=2.0, groups=frozenset({"b"})),
        HeadSpec("is b", c=1.0, positive_groups=frozenset({"b"}), unweighted=True),
    )
    trained = train_heads(_examples(), "tiny3", heads, TINY, {})
    again = train_heads(list(reversed(_examples())), "tiny3", heads, TINY, {})
    assert trained.npz == again.npz and card_bytes(trained.card) == card_bytes(again.card)
    assert trained.out_of_fold.shape == (len(_examples()), 3)
    npz, card = tmp_path / "tiny3.npz", tmp_path / "tiny3.json"
    npz.write_bytes(trained.npz)
    card.write_bytes(card_bytes(trained.card))
    model = load_model(npz, card)
    described = model.card["heads"]
    assert isinstance(described, list) and [h["name"] for h in described] == ["all", "b only", "is b"]
    assert model.heads == 3
    with np.load(npz, allow_pickle=False) as arrays:
        coef = arrays["coef"].astype(np.float64)
        assert coef.shape == (3, 1 << 12)
    texts = ["zorbs are vermin", "the bus leaves at nine", "", "new new words, new"]
    expected = matrix(texts, TINY.spec) @ coef.T + model.intercept
    assert model.head_decisions(texts) == pytest.approx(expected, abs=1e-5)
    assert list(model.decisions(texts, head=2)) == pytest.approx(list(expected[:, 2]), abs=1e-5)


def test_a_model_that_does_not_match_its_card_is_refused(tmp_path: Path) -> None:
    trained = train(_examples(), "tiny", TINY, {})
    npz, card = tmp_path / "tiny.npz", tmp_path / "tiny.json"
    npz.write_bytes(trained.npz[:-1] + bytes([trained.npz[-1] ^ 1]))
    card.write_bytes(card_bytes(trained.card))
    with pytest.raises(ModelFileError, match="does not match"):
        load_model(npz, card)


def test_the_shipped_model_matches_its_card_and_the_training_script() -> None:
    npz = bundled_path(BUNDLED)
    card = json.loads(npz.with_suffix(".json").read_text(encoding="utf-8"))
    raw = npz.read_bytes()
    assert len(raw) <= 5 * 1024 * 1024
    assert card["sha256"] == hashlib.sha256(raw).hexdigest()
    assert card["version"] == model_version(BUNDLED, raw)
    # The card records what bench/train_hate.py trains with, so a rebuild uses the same settings.
    assert card["features"] == SETTINGS.spec.as_dict()
    described = [{k: v for k, v in h.items() if k not in ("examples", "positive")} for h in card["heads"]]
    assert described == [h.describe(SETTINGS) for h in HEADS]
    model = model_at(npz)
    assert model.version == card["version"] and model.spec == SETTINGS.spec and model.heads == len(HEADS)


def test_features_are_stable_hashes_not_python_hash() -> None:
    spec = FeatureSpec(dims=1 << 10)
    words = tokens("Zorbs ARE vermin @someone https://x.example/y")
    assert words == ["zorbs", "are", "vermin", "xmention", "xurl"]
    # CRC-32 buckets: the same in every process (Python's str hash is salted per process).
    got = buckets(["ab"], spec)
    assert got[0] == zlib.crc32(b"w:ab") % 1024
    assert got[1:] == [zlib.crc32(g.encode()) % 1024 for g in ("<ab", "ab>", "<ab>")]


def test_reviewer_decisions_become_labelled_sentences() -> None:
    flag = {"code": "hate", "evidence": [{"excerpt": "Zorbs are vermin."}]}
    other = {"code": "profanity", "evidence": [{"excerpt": "damn"}]}
    lines = [
        json.dumps({"id": 1, "decision": "reject", "flags": [flag, other]}),
        json.dumps({"id": 2, "decision": "approve", "flags": [{"code": "hate", "evidence": [{"excerpt": "Fine."}]}]}),
        json.dumps({"id": 3, "decision": "escalate", "flags": [flag]}),
        json.dumps({"id": 4, "decision": "reject", "flags": [{"code": "hate", "evidence": [{"excerpt": "Undone."}]}]}),
        json.dumps({"id": 5, "decision": "undo", "undoes": 4, "flags": []}),
    ]
    got = [(e.text, e.label, e.group) for e in reviewed_examples(lines)]
    assert got == [("Zorbs are vermin.", True, "reviewed"), ("Fine.", False, "reviewed")]
