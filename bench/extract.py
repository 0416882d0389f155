"""Article-extraction benchmark: newsdesk against trafilatura, readability-lxml and resiliparse.

Runs every extractor on the same pages of the Zyte article-extraction benchmark,
page by page in turn (so machine noise hits all alike), and prints F1, precision,
recall (4-word shingles, pages weighted equally, empty output scores 0 recall and
drops out of precision), median/p95 milliseconds and pages/s.  A PNG chart goes to
bench/out/.

    .venv/bin/python -m bench.extract [--limit N] [--only newsdesk,readability-lxml]
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from bench.extract_metric import PageScore, score_page, summarise
from bench.extract_peers import PEERS

DATA = Path("/work/shared/data/article-extraction-benchmark")
OUT = Path(__file__).resolve().parent / "out"


@dataclass
class Run:
    name: str
    version: str
    scores: list[PageScore]
    seconds: list[float]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_pages(limit: int | None) -> list[tuple[str, str, str]]:
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:limit] if limit else sorted(truth)
    pages = []
    for key in keys:
        html = gzip.decompress((DATA / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8")
        pages.append((key, html, truth[key].get("articleBody", "")))
    return pages


def run(pages: list[tuple[str, str, str]], names: list[str]) -> list[Run]:
    runs = {name: Run(name, PEERS[name][1], [], []) for name in names}
    for name in names:  # warm-up: imports, caches, lazily built regexes
        PEERS[name][0](pages[0][1])
    for _key, html, truth in pages:
        for name in names:
            extractor = PEERS[name][0]
            start = time.perf_counter()
            text = extractor(html)
            runs[name].seconds.append(time.perf_counter() - start)
            runs[name].scores.append(score_page(truth, text))
    return list(runs.values())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(runs: list[Run], pages: int) -> None:
    print(f"machine: {cpu_model()}, {platform.python_implementation()} {platform.python_version()}")
    print(f"pages: {pages} (Zyte article-extraction-benchmark)\n")
    header = f"{'extractor':<36} {'version':<8} {'F1':>6} {'P':>6} {'R':>6} {'med ms':>7} {'p95 ms':>7} {'pages/s':>8}"
    print(header)
    print("-" * len(header))
    for r in runs:
        s = summarise(r.scores)
        med = statistics.median(r.seconds) * 1000
        print(
            f"{r.name:<36} {r.version:<8} {s.f1:6.3f} {s.precision:6.3f} {s.recall:6.3f} "
            f"{med:7.2f} {percentile(r.seconds, 0.95) * 1000:7.2f} {len(r.seconds) / sum(r.seconds):8.1f}"
        )


def chart(runs: list[Run]) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r.name for r in runs]
    f1 = [summarise(r.scores).f1 for r in runs]
    med = [statistics.median(r.seconds) * 1000 for r in runs]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    left.barh(names, f1, color="#4c72b0")
    left.set_xlim(min(f1) - 0.05, 1.0)
    left.set_title("F1 (4-word shingles)")
    right.barh(names, med, color="#dd8452")
    right.set_title("median ms per page")
    for ax in (left, right):
        ax.invert_yaxis()
    right.set_yticklabels([])
    fig.tight_layout()
    OUT.mkdir(exist_ok=True)
    path = OUT / "extract.png"
    fig.savefig(path, dpi=110)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (sorted by id)")
    parser.add_argument("--only", default="", help="comma-separated extractor names (default: all)")
    args = parser.parse_args()
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(PEERS)
    unknown = [n for n in names if n not in PEERS]
    if unknown:
        parser.error(f"unknown extractors {unknown}; known: {list(PEERS)}")
    pages = load_pages(args.limit)
    runs = run(pages, names)
    report(runs, len(pages))
    print(f"\nchart: {chart(runs)}")


if __name__ == "__main__":
    main()
