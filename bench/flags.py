"""Flagging benchmark: false holds on real news, hate/profanity quality, auto-blog/boilerplate
precision and recall, and time per article.

    .venv/bin/python -m bench.flags                 # everything (Davidson pass takes a few minutes)
    .venv/bin/python -m bench.flags --quick         # Davidson on a seeded 5,000-tweet sample

Data (read from ../shared/data, never copied into the repo):
* article-extraction-benchmark/ground-truth.json: 181 clean article bodies ("articleBody"),
  titles taken from the <title> of the matching html.gz;
* davidson-hate-offensive/labeled_data.csv: 24,783 tweets (0 hate, 1 offensive, 2 neither).
  alt-profanity-check was trained partly on it, so the classifier's figures there are optimistic;
* stormfront-hate-sentences/: the balanced 478-sentence test split (hate / noHate);
* our own generated auto-blog set (bench/flags_autoblog.py).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import html
import json
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.flags_autoblog import generate
from pipelines.flagging import RuleSet, evaluate, load_rules
from pipelines.flagging.detectors.language import identifier
from pipelines.flagging.detectors.profanity import predict
from pipelines.models import FlagInput, FlagOutcome

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
NEWS = DATA / "article-extraction-benchmark"
DAVIDSON = DATA / "davidson-hate-offensive" / "labeled_data.csv"
STORMFRONT = DATA / "stormfront-hate-sentences"
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.S | re.I)


@dataclass
class PRF:
    name: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, gold: bool, predicted: bool) -> None:
        if gold and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif gold:
            self.fn += 1
        else:
            self.tn += 1

    def row(self) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return (
            f"  {self.name:58s} P={p:.3f} R={r:.3f} F1={f:.3f}  (tp={self.tp} fp={self.fp} fn={self.fn} tn={self.tn})"
        )


def codes(outcome: FlagOutcome) -> set[str]:
    return {f.code for f in outcome.flags if not f.shadow}


def news_items() -> list[FlagInput]:
    """Ground-truth bodies, with the page title and a correct declared language (detected on the full body)."""
    truth = json.loads((NEWS / "ground-truth.json").read_text(encoding="utf-8"))
    items = []
    for key, value in truth.items():
        title = ""
        page = NEWS / "html" / f"{key}.html.gz"
        if page.exists():
            match = _TITLE.search(gzip.decompress(page.read_bytes()))
            title = html.unescape(match.group(1).decode("utf-8", "replace")).strip() if match else ""
        body = value["articleBody"]
        declared = identifier().classify(body)[0]
        items.append(FlagInput(key, title, body, url=value.get("url"), source_language=declared))
    return items


def bench_news(rules: RuleSet, items: list[FlagInput]) -> None:
    print(f"\n== Real news: {len(items)} ground-truth article bodies (article-extraction-benchmark)")
    actions: Counter[str] = Counter()
    fired: Counter[str] = Counter()
    shadow: Counter[str] = Counter()
    for item in items:
        outcome = evaluate(rules, item)
        actions[outcome.action] += 1
        fired.update(codes(outcome))
        shadow.update(f.rule_id for f in outcome.flags if f.shadow)
    held = actions["hold"] + actions["drop"]
    print(f"  hold/drop rate: {held}/{len(items)} = {held / len(items):.1%}   (target <= 2%)")
    print(f"  actions: {dict(actions)}")
    print(f"  codes fired (non-shadow): {dict(fired.most_common())}")
    print(f"  shadow rules fired: {dict(shadow)}")
    english = [i for i in items if i.source_language == "en"]
    others = [i for i in items if i.source_language != "en"]
    caught = sum("language_mismatch" in codes(evaluate(rules, _declare(i, "en"))) for i in others)
    wrong = sum("language_mismatch" in codes(evaluate(rules, _declare(i, "en"))) for i in english)
    print(
        f"  language_mismatch with every source declared 'en': {caught}/{len(others)} non-English bodies "
        f"caught, {wrong}/{len(english)} English bodies wrongly flagged"
    )


def _declare(item: FlagInput, language: str) -> FlagInput:
    return FlagInput(item.article_id, item.title, item.text, source_language=language)


def bench_speed(rules: RuleSet, items: list[FlagInput], repeats: int = 3) -> None:
    print(f"\n== Time per article, whole rule set ({len(items)} news articles x {repeats}, warm)")
    for item in items[:5]:
        evaluate(rules, item)  # load the language and profanity models first
    evaluate(rules, FlagInput("warm", "t", "fucking warm-up sentence"))  # and the profanity model
    wall: list[float] = []
    cpu: list[float] = []
    best: dict[str, float] = {}
    for _ in range(repeats):
        for item in items:
            start, start_cpu = time.perf_counter(), time.process_time()
            evaluate(rules, item)
            cpu.append((time.process_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
            best[item.article_id] = min(best.get(item.article_id, 1e9), wall[-1])
    lengths = sorted(len(i.text) for i in items)
    print(
        f"  (body median {lengths[len(lengths) // 2]} chars, p95 {lengths[int(0.95 * len(lengths))]} chars; "
        "the machine is shared, so wall time carries other people's load: CPU time and best-of-3 shown too)"
    )
    series = (("wall", wall), ("CPU (process_time)", cpu), (f"wall, best of {repeats} per article", [*best.values()]))
    for name, samples in series:
        samples.sort()
        p95 = samples[int(0.95 * len(samples))]
        print(f"  {name:28s} median {statistics.median(samples):.3f} ms   p95 {p95:.3f} ms   max {samples[-1]:.1f} ms")
    model_calls = sum("profanity" in codes(evaluate(rules, i)) for i in items)
    print(
        "  the profanity model only runs on sentences that hit the profanity word-list pre-filter; "
        f"it flagged {model_calls} of {len(items)} news articles"
    )


def _davidson(quick: bool) -> list[tuple[str, int]]:
    with DAVIDSON.open(encoding="utf-8") as fh:
        rows = [(html.unescape(r["tweet"]), int(r["class"])) for r in csv.DictReader(fh)]
    if quick:
        rows = random.Random(5).sample(rows, 5000)
    return rows


def _stormfront() -> list[tuple[str, bool]]:
    with (STORMFRONT / "annotations_metadata.csv").open(encoding="utf-8") as fh:
        labels = {r["file_id"]: r["label"] for r in csv.DictReader(fh)}
    out = []
    for path in sorted((STORMFRONT / "sampled_test").glob("*.txt")):
        label = labels.get(path.stem)
        if label in ("hate", "noHate"):
            out.append((path.read_text(encoding="utf-8", errors="replace").strip(), label == "hate"))
    return out


def _score(rows: Iterable[tuple[bool, bool]], name: str) -> PRF:
    prf = PRF(name)
    for gold, predicted in rows:
        prf.add(gold, predicted)
    return prf


def bench_hate_profanity(rules: RuleSet, quick: bool) -> None:
    tweets = _davidson(quick)
    print(
        f"\n== Davidson et al. tweets: {len(tweets)}{' (seeded sample)' if quick else ''}; "
        "classes hate / offensive / neither"
    )
    start = time.perf_counter()
    outcomes = [evaluate(rules, FlagInput(str(i), "", text)) for i, (text, _) in enumerate(tweets)]
    elapsed = time.perf_counter() - start
    probs = predict([text for text, _ in tweets])
    gold_hate = [cls == 0 for _, cls in tweets]
    gold_off = [cls == 1 for _, cls in tweets]
    gold_abusive = [cls in (0, 1) for _, cls in tweets]
    rule_hate = ["hate" in codes(o) for o in outcomes]
    rule_prof = ["profanity" in codes(o) for o in outcomes]
    slur_only = [any(f.rule_id == "hate-slurs" for f in o.flags) for o in outcomes]
    model_05 = [p >= 0.5 for p in probs]
    pairs: list[tuple[str, list[bool], list[bool]]] = [
        ("hate: rules (code hate)", gold_hate, rule_hate),
        ("hate: slur list alone (rule hate-slurs)", gold_hate, slur_only),
        ("hate: profanity classifier alone, p>=0.5", gold_hate, model_05),
        ("offensive: rules (code profanity)", gold_off, rule_prof),
        ("offensive: profanity classifier alone, p>=0.5", gold_off, model_05),
        (
            "hate+offensive: rules (profanity or hate)",
            gold_abusive,
            [a or b for a, b in zip(rule_prof, rule_hate, strict=True)],
        ),
        ("hate+offensive: rules (code profanity)", gold_abusive, rule_prof),
        ("hate+offensive: profanity classifier alone, p>=0.5", gold_abusive, model_05),
    ]
    for name, gold, predicted in pairs:
        print(_score(zip(gold, predicted, strict=True), name).row())
    print(
        f"  rule engine: {elapsed / len(tweets) * 1000:.2f} ms/tweet "
        "(each profanity pre-filter hit costs one model call, ~4 ms)"
    )
    print("  note: alt-profanity-check was trained partly on this data set (optimistic for the classifier)")

    sentences = _stormfront()
    print(f"\n== Stormfront sentences (balanced test split): {len(sentences)}, hate vs noHate")
    outcomes = [evaluate(rules, FlagInput(str(i), "", text)) for i, (text, _) in enumerate(sentences)]
    probs = predict([text for text, _ in sentences])
    gold = [g for _, g in sentences]
    rule_hate = ["hate" in codes(o) for o in outcomes]
    print(_score(zip(gold, rule_hate, strict=True), "hate: rules (code hate)").row())
    print(
        _score(
            zip(gold, ["hate-targeting" in {f.rule_id for f in o.flags} for o in outcomes], strict=True),
            "hate: targeting patterns alone",
        ).row()
    )
    print(_score(zip(gold, [p >= 0.5 for p in probs], strict=True), "hate: profanity classifier alone, p>=0.5").row())
    print(
        _score(
            zip(gold, ["profanity" in codes(o) for o in outcomes], strict=True),
            "hate: rules code profanity (as a hate detector)",
        ).row()
    )
    any_flag = [bool(codes(o) & {"hate", "profanity"}) for o in outcomes]
    print(_score(zip(gold, any_flag, strict=True), "hate: rules hate or profanity").row())


def bench_autoblog(rules: RuleSet, news: list[FlagInput]) -> None:
    docs = generate()
    print(
        f"\n== Generated auto-blog / boilerplate set (bench/flags_autoblog.py, seed 20261128): {len(docs)} docs, "
        f"{sum(d.autoblog for d in docs)} auto-blog, {sum(d.boilerplate for d in docs)} with boilerplate"
    )
    auto, boiler = PRF("autoblog_signature"), PRF("leftover_boilerplate")
    misses: Counter[str] = Counter()
    for doc in docs:
        got = codes(evaluate(rules, FlagInput(doc.doc_id, doc.title, doc.text, stripped=doc.stripped)))
        auto.add(doc.autoblog, "autoblog_signature" in got)
        boiler.add(doc.boilerplate, "leftover_boilerplate" in got)
        if doc.autoblog and "autoblog_signature" not in got:
            misses["autoblog miss"] += 1
        if not doc.boilerplate and "leftover_boilerplate" in got:
            misses[f"boilerplate false positive on {doc.kind}"] += 1
    print(auto.row())
    print(boiler.row())
    print(f"  errors: {dict(misses)}")
    real: Callable[[str], int] = lambda code: sum(code in codes(evaluate(rules, i)) for i in news)  # noqa: E731
    print(
        f"  on the {len(news)} real clean news bodies: autoblog_signature fired {real('autoblog_signature')}, "
        f"leftover_boilerplate fired {real('leftover_boilerplate')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Davidson on a 5,000-tweet sample")
    args = parser.parse_args()
    rules = load_rules()
    print(f"rules version {rules.version}: {len(rules.rules)} rules, threshold {rules.threshold}")
    news = news_items()
    bench_news(rules, news)
    bench_speed(rules, news)
    bench_autoblog(rules, news)
    bench_hate_profanity(rules, args.quick)


if __name__ == "__main__":
    main()
