"""Flagging benchmark: false holds on real news, hate and extremist-promotion quality (current rules vs the
learned/structured detectors vs alt-profanity-check), auto-blog/boilerplate precision and recall, and time per
article; ends with the summary table the README shows.

    .venv/bin/python -m bench.flags                 # everything (a few minutes)

Data (read from ../shared/data, never copied into the repo):
* article-extraction-benchmark/ground-truth.json: 181 clean article bodies ("articleBody"),
  titles taken from the <title> of the matching html.gz;
* davidson-hate-offensive/labeled_data.csv: 24,783 tweets (0 hate, 1 offensive, 2 neither); only the held-out
  fifth (bench/hate_data.py) is scored. alt-profanity-check was trained partly on it (optimistic figures);
* stormfront-hate-sentences/: the balanced 478-sentence test split (hate / noHate), never trained on;
* bench/promotion_set.jsonl: our own labelled promotion / hard-negative sentences (held-out third reported);
* our own generated auto-blog set (bench/flags_autoblog.py).
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import html
import json
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.flags_autoblog import generate
from bench.hate_data import data_dir, davidson, stormfront
from pipelines.flagging import RuleSet, evaluate, load_rules
from pipelines.flagging.detectors.language import identifier
from pipelines.flagging.detectors.profanity import predict
from pipelines.flagging.matchers import DetectorMatcher
from pipelines.models import FlagInput, FlagOutcome

NEWS = data_dir() / "article-extraction-benchmark"
PROMOTION = Path(__file__).with_name("promotion_set.jsonl")
LEARNED = "hate-model"
STRUCTURED = "extremism-promotion-structure"
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

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def cells(self) -> str:
        p, r, f = self.prf()
        return f"{p:.3f} | {r:.3f} | {f:.3f}"

    def row(self) -> str:
        p, r, f = self.prf()
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


def bench_news(rules: RuleSet, items: list[FlagInput], table: list[str] | None = None) -> None:
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
    if table is not None:
        flagged = actions["flag"]
        table.append(
            f"| Zyte news bodies ({len(items)}) | rules now | held/dropped {held} ({held / len(items):.1%}), "
            f"flagged {flagged} ({flagged / len(items):.1%}) | | |"
        )
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


def bench_speed(rules: RuleSet, items: list[FlagInput], table: list[str], name: str, repeats: int = 3) -> None:
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
    for label, samples in series:
        samples.sort()
        p95 = samples[int(0.95 * len(samples))]
        print(f"  {label:28s} median {statistics.median(samples):.3f} ms   p95 {p95:.3f} ms   max {samples[-1]:.1f} ms")
    p95_cpu = sorted(cpu)[int(0.95 * len(cpu))]
    table.append(
        f"| CPU per news article | {name} | median {statistics.median(cpu):.3f} ms, p95 {p95_cpu:.3f} ms | | |"
    )
    model_calls = sum("profanity" in codes(evaluate(rules, i)) for i in items)
    print(
        "  the profanity model only runs on sentences that hit the profanity word-list pre-filter; "
        f"it flagged {model_calls} of {len(items)} news articles"
    )


def _without(rules: RuleSet, rule_ids: set[str]) -> RuleSet:
    """The rule set as it was before this change: the learned and structured rules taken out."""
    return dataclasses.replace(rules, rules=tuple(r for r in rules.rules if r.id not in rule_ids))


def _detector(rules: RuleSet, rule_id: str) -> Any:
    matcher = next(r.matcher for r in rules.rules if r.id == rule_id)
    assert isinstance(matcher, DetectorMatcher)
    return matcher.detector


def _prf(gold: list[bool], predicted: list[bool], name: str) -> PRF:
    prf = PRF(name)
    for g, p in zip(gold, predicted, strict=True):
        prf.add(g, p)
    return prf


def _hate_systems(rules: RuleSet, before: RuleSet, texts: list[str]) -> dict[str, list[bool]]:
    """Per system, which texts it calls hate: rules before, learned alone, rules now, alt-profanity-check."""
    learned = _detector(rules, LEARNED)
    items = [FlagInput(str(i), "", text) for i, text in enumerate(texts)]
    probs = predict(texts)
    return {
        "current rules (code hate)": ["hate" in codes(evaluate(before, i)) for i in items],
        "learned model alone (hate-model)": [bool(learned.detect(i)) for i in items],
        "rules + learned (code hate)": ["hate" in codes(evaluate(rules, i)) for i in items],
        "alt-profanity-check p>=0.5": [p >= 0.5 for p in probs],
    }


def bench_hate(rules: RuleSet, before: RuleSet, table: list[str]) -> None:
    held = davidson("held_out")
    print(
        f"\n== Davidson et al. tweets, held-out fifth (fixed hash of the text; never trained on): {len(held)} tweets, "
        f"{sum(c == 0 for _, c in held)} hate, {sum(c == 1 for _, c in held)} offensive"
    )
    systems = _hate_systems(rules, before, [t for t, _ in held])
    profane = {i for i, o in enumerate(systems["alt-profanity-check p>=0.5"]) if o}
    rule_items = [FlagInput(str(i), "", t) for i, (t, _) in enumerate(held)]
    abusive_rules = [bool(codes(evaluate(rules, i)) & {"hate", "profanity"}) for i in rule_items]
    gold_hate = [c == 0 for _, c in held]
    gold_abusive = [c in (0, 1) for _, c in held]
    for name, predicted in systems.items():
        row = _prf(gold_hate, predicted, f"hate: {name}")
        print(row.row())
        table.append(f"| Davidson held-out, hate | {name} | {row.cells()} |")
    for name, predicted in systems.items():
        row = _prf(gold_abusive, predicted, f"hate+offensive: {name}")
        print(row.row())
        table.append(f"| Davidson held-out, hate+offensive | {name} | {row.cells()} |")
    row = _prf(gold_abusive, abusive_rules, "hate+offensive: rules + learned (code hate or profanity)")
    print(row.row())
    table.append(f"| Davidson held-out, hate+offensive | rules + learned (code hate or profanity) | {row.cells()} |")
    print(f"  ({len(profane)} tweets alt-profanity-check calls profane; it was trained partly on Davidson: optimistic)")

    test = stormfront("test")
    print(f"\n== Stormfront sentences, sampled_test (never trained on): {len(test)}, {sum(g for _, g in test)} hate")
    systems = _hate_systems(rules, before, [t for t, _ in test])
    gold = [g for _, g in test]
    for name, predicted in systems.items():
        row = _prf(gold, predicted, f"hate: {name}")
        print(row.row())
        table.append(f"| Stormfront test, hate | {name} | {row.cells()} |")


def bench_promotion(rules: RuleSet, table: list[str]) -> None:
    rows = [json.loads(line) for line in PROMOTION.read_text(encoding="utf-8").splitlines() if line.strip()]
    structured = _detector(rules, STRUCTURED)
    regex_only = dataclasses.replace(rules, rules=tuple(r for r in rules.rules if r.id == "extremism-promotion"))
    print(
        f"\n== Extremist promotion set (bench/promotion_set.jsonl): {len(rows)} sentences, "
        f"{sum(r['label'] == 'promotion' for r in rows)} promotion; split by a fixed hash, a third held out"
    )
    for split in ("tuning", "held_out"):
        part = [r for r in rows if r["split"] == split]
        gold = [r["label"] == "promotion" for r in part]
        items = [FlagInput(str(i), "", r["text"]) for i, r in enumerate(part)]
        old = ["violent_extremism_promotion" in codes(evaluate(regex_only, i)) for i in items]
        new = [bool(structured.judge(r["text"]).kind) for r in part]
        both = [a or b for a, b in zip(old, new, strict=True)]
        for name, predicted in (
            ("current rule (extremism-promotion regex)", old),
            ("structured detector alone", new),
            ("rules now (either)", both),
        ):
            row = _prf(gold, predicted, f"{split}: {name}")
            print(row.row())
            if split == "held_out":
                table.append(f"| promotion held-out third, promotion | {name} | {row.cells()} |")
    isil = FlagInput("isil", "", "Iraqi forces retook the town from ISIL fighters on Tuesday, the army said.")
    outcome = evaluate(rules, isil)
    print(f"  a news mention of ISIL: action {outcome.action}, codes {sorted(codes(outcome))}")


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
    parser.parse_args()
    rules = load_rules()
    before = _without(rules, {LEARNED, STRUCTURED})
    learned = _detector(rules, LEARNED)
    print(f"rules version {rules.version}: {len(rules.rules)} rules, threshold {rules.threshold}")
    gate = learned.gate
    print(
        f"learned hate model {learned.model.version}, thresholds general {gate.general_threshold}, social "
        f"{gate.social_threshold}, register {gate.register_threshold} (config/rules.yaml)"
    )
    table: list[str] = []
    news = news_items()
    print("\n-- rules before the learned/structured detectors:")
    bench_news(before, news)
    print("\n-- rules now:")
    bench_news(rules, news, table)
    bench_speed(before, news, table, "current rules")
    bench_speed(rules, news, table, "rules now (with learned + structured)")
    bench_autoblog(rules, news)
    bench_promotion(rules, table)
    bench_hate(rules, before, table)
    print("\n== Summary (README table)\n")
    print("| set, class | system | P | R | F1 |")
    print("| --- | --- | --- | --- | --- |")
    for line in sorted(table, key=_table_order):
        print(line)


def _table_order(line: str) -> int:
    order = (
        "| Stormfront",
        "| Davidson held-out, hate |",
        "| Davidson held-out, hate+",
        "| promotion",
        "| Zyte",
        "| CPU",
    )
    return next((i for i, prefix in enumerate(order) if line.startswith(prefix)), len(order))


if __name__ == "__main__":
    main()
