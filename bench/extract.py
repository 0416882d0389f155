"""Extraction and metadata benchmark: newsdesk against trafilatura, htmldate, newspaper4k and others.

One run prints, per set (Zyte, WCXB dev articles, trafilatura-eval, htmldate-dev) and for
the tuning and held-out parts of each (split by host digest, see bench/extract_sets.py):
text score (4-word-shingle F1 against the full gold text, or on trafilatura-eval the
snippet score: share of "with" snippets present and "without" snippets absent), title,
author and date accuracy, median and maximum CPU milliseconds per page (with metadata;
the thread's CPU time, which the load of a shared machine barely moves), median wall
milliseconds, and exceptions; then trafilatura-eval per language, the issue's floors, and a worst-case
line (10 MiB of unclosed tags).

    .venv/bin/python -m bench.extract [--sets zyte,wcxb] [--limit N] [--fresh] [--only newsdesk,...]

Data: ``../shared/data`` next to the repository root, or ``$NEWSDESK_BENCH_DATA``.
Peers' outputs are cached in bench/out/cache/ (gitignored) by page digest; ``--fresh`` reruns them.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from bench.extract_metric import (
    author_right,
    date_right,
    score_page,
    snippet_hits,
    summarise,
    title_right,
)
from bench.extract_peers import SYSTEMS, Cache, Output, System, timed
from bench.extract_sets import SETS, TEXT_LANGUAGES, BenchPage, data_root
from pipelines.extract import extract_article

Results = dict[str, list[tuple[BenchPage, Output]]]  # system name -> (page, output) in page order


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _bars() -> Progress:
    """Progress on stderr, so the tables on stdout stay clean when piped or logged."""
    return Progress(
        TextColumn("{task.description:<26}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("ran {task.fields[ran]}, cached {task.fields[cached]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )


def run(pages: list[BenchPage], systems: list[System], fresh: bool) -> Results:
    caches = {s.name: Cache(s) for s in systems if s.dist}
    results: Results = {s.name: [] for s in systems}
    for s in systems:  # warm-up: imports, caches, lazily built regexes
        if fresh or not s.dist:
            timed(s, pages[0].text(), pages[0].url)
    with _bars() as bars:
        tasks = {
            s.name: bars.add_task(
                s.name, total=sum(s.sets is None or p.set_name in s.sets for p in pages), ran=0, cached=0
            )
            for s in systems
        }
        ran = dict.fromkeys(tasks, 0)
        cached = dict.fromkeys(tasks, 0)
        for i, page in enumerate(pages):
            decoded = page.text()
            for s in systems:
                if s.sets is not None and page.set_name not in s.sets:
                    continue
                cache = caches.get(s.name)
                out = None if cache is None or fresh else cache.get(page.set_name, page.digest, page.url)
                if out is None:
                    # newsdesk reads the raw bytes (its own charset detection is part of it); peers get the decoded
                    # page.
                    out = timed(s, page.raw if cache is None else decoded, page.url)
                    ran[s.name] += 1
                    if cache is not None:
                        cache.put(page.set_name, page.digest, out)
                else:
                    cached[s.name] += 1
                results[s.name].append((page, out))
                bars.update(tasks[s.name], advance=1, ran=ran[s.name], cached=cached[s.name])
            if i % 25 == 24:
                for cache in caches.values():
                    cache.save()
    for cache in caches.values():
        cache.save()
    return results


@dataclass
class Row:
    text: float | None
    title: float | None
    author: float | None
    date: float | None
    med_ms: float  # CPU
    max_ms: float  # CPU
    med_wall: float
    errors: int
    n: int


def _cpu(out: Output) -> float:
    return out.cpu_ms if out.cpu_ms is not None else out.ms


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def score(system: System, pairs: list[tuple[BenchPage, Output]]) -> Row:
    text: float | None = None
    if "text" in system.measures and pairs:
        if pairs[0][0].gold.body is not None:
            text = summarise([score_page(p.gold.body or "", o.text) for p, o in pairs]).f1
        else:
            hits = [snippet_hits(o.text, p.gold.with_, p.gold.without) for p, o in pairs]
            total = sum(t for _, t in hits)
            text = sum(r for r, _ in hits) / total if total else None

    def field(name: str, gold: Callable[[BenchPage], object], right: Callable[[object, Output], bool]) -> float | None:
        if name not in system.measures:
            return None
        return _share([right(gold(p), o) for p, o in pairs if gold(p) != "MISSING"])

    ms = [_cpu(o) for _, o in pairs] or [0.0]
    wall = [o.ms for _, o in pairs] or [0.0]
    return Row(
        text,
        field("title", lambda p: p.gold.title, lambda g, o: title_right(g, o.title)),
        field("author", lambda p: p.gold.author, lambda g, o: author_right(g, o.authors)),
        field("date", lambda p: p.gold.date, lambda g, o: date_right(g, o.date)),
        statistics.median(ms),
        max(ms),
        statistics.median(wall),
        sum(o.error is not None for _, o in pairs),
        len(pairs),
    )


def _cell(value: float | None) -> str:
    return f"{value:6.3f}" if value is not None else f"{'-':>6}"


HEADER = (
    f"{'system':<26} {'version':<8} {'text':>6} {'title':>6} {'author':>6} {'date':>6} "
    f"{'cpu ms':>7} {'max cpu':>7} {'wall ms':>7} {'errors':>6}"
)


def table(title: str, systems: list[System], results: Results, keep: Callable[[BenchPage], bool]) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for s in systems:
        pairs = [(p, o) for p, o in results[s.name] if keep(p)]
        if pairs:
            rows[s.name] = score(s, pairs)
    if not rows:
        return rows
    n = next(iter(rows.values())).n
    print(f"\n{title} ({n} pages)")
    print(HEADER)
    print("-" * len(HEADER))
    for s in systems:
        r = rows.get(s.name)
        if r is not None:
            print(
                f"{s.name:<26} {s.version[:8]:<8} {_cell(r.text)} {_cell(r.title)} {_cell(r.author)} {_cell(r.date)} "
                f"{r.med_ms:7.2f} {r.max_ms:7.1f} {r.med_wall:7.2f} {r.errors:6d}"
            )
    return rows


def floors(rows: dict[str, dict[str, Row]], results: Results) -> None:
    """The issue's floors, each with its margin, from the tables above (all pages of each set)."""
    print("\nfloors (issue 14), all pages of each set:")

    def check(label: str, ours: float | None, theirs: float | None, margin: float) -> None:
        if ours is None or theirs is None:
            print(f"  {label:<58} n/a")
            return
        verdict = "PASS" if ours >= theirs + margin - 1e-9 else "FAIL"
        print(f"  {label:<58} {ours:.3f} vs {theirs:.3f}{margin:+.2f}  {verdict}")

    nd, tr, hd = "newsdesk", "trafilatura (metadata)", "htmldate (extensive)"

    def get(set_name: str, system: str, attr: str) -> float | None:
        row = rows.get(set_name, {}).get(system)
        return getattr(row, attr) if row is not None else None

    for set_name in ("htmldate-dev", "wcxb"):
        check(f"date {set_name} >= htmldate + 0.03", get(set_name, nd, "date"), get(set_name, hd, "date"), 0.03)
    for set_name in ("wcxb", "trafilatura-eval"):
        check(
            f"author {set_name} >= trafilatura + 0.05", get(set_name, nd, "author"), get(set_name, tr, "author"), 0.05
        )
        check(f"title {set_name} >= trafilatura", get(set_name, nd, "title"), get(set_name, tr, "title"), 0.0)
    check("snippets trafilatura-eval >= trafilatura", get("trafilatura-eval", nd, "text"),
          get("trafilatura-eval", tr, "text"), 0.0)  # fmt: skip
    for lang in TEXT_LANGUAGES:
        key = f"trafilatura-eval [{lang}]"
        check(f"snippets trafilatura-eval {lang} >= trafilatura", get(key, nd, "text"), get(key, tr, "text"), 0.0)
    check("text F1 wcxb >= trafilatura + 0.02", get("wcxb", nd, "text"), get("wcxb", tr, "text"), 0.02)
    zyte = get("zyte", nd, "text")
    if zyte is not None:
        print(f"  {'Zyte F1 >= 0.975':<58} {zyte:.3f}  {'PASS' if zyte >= 0.975 else 'FAIL'}")
    if nd in results and tr in results:
        ours = statistics.median(_cpu(o) for _, o in results[nd])
        theirs = statistics.median(_cpu(o) for _, o in results[tr])
        page, out = max(results[nd], key=lambda po: _cpu(po[1]))
        verdict = "PASS" if ours <= theirs / 3 else "FAIL"
        print(f"  {'median CPU ms, every page, <= trafilatura / 3':<58} {ours:.2f} vs {theirs:.2f}/3  {verdict}")
        print(f"  {'slowest newsdesk page <= 200 ms CPU':<58} {_cpu(out):.1f} ms ({page.set_name} {page.key}, "
              f"wall {out.ms:.1f} ms)  {'PASS' if _cpu(out) <= 200 else 'FAIL'}")  # fmt: skip
        errors = sum(o.error is not None for _, o in results[nd])
        print(f"  {'no exception on any page':<58} {errors} exceptions  {'PASS' if errors == 0 else 'FAIL'}")


def worst_case() -> None:
    """The hostile page of issue 15 (hole 3): 10 MiB of unclosed <svg>, <script> and <!--."""
    paragraph = "<p>The orchestra announced its new season on Thursday, with six premieres and a summer tour.</p>"
    unit = "<svg><p>x</p><script>var a = 1;<!-- open "
    html = f"<html><body><article>{paragraph * 5}</article>" + unit * (10 * 1024 * 1024 // len(unit))
    start = time.perf_counter()
    article = extract_article(html, "https://hostile.test/a")
    seconds = time.perf_counter() - start
    tags = html.count("<svg>") * 3
    print(f"\nworst case: {len(html) / 2**20:.1f} MiB, {tags:,} unclosed <svg>/<script>/<!-- : "
          f"{seconds * 1000:.0f} ms (newsdesk, {len(article.text)} chars of text)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of {list(SETS)}")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages of each set")
    parser.add_argument("--only", default="", help="comma-separated system names (default: all installed)")
    parser.add_argument("--fresh", action="store_true", help="rerun peers instead of reading their cached outputs")
    parser.add_argument("--tuning", action="store_true", help="score the tuning part only (while tuning)")
    args = parser.parse_args()
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    systems = [s for s in SYSTEMS if s.available and (not names or s.name in names)]
    set_names = [n.strip() for n in args.sets.split(",") if n.strip()]
    unknown = [n for n in set_names if n not in SETS]
    if unknown:
        parser.error(f"unknown sets {unknown}; known: {list(SETS)}")
    print(f"machine: {cpu_model()}, {platform.python_implementation()} {platform.python_version()}")
    print("systems: " + ", ".join(f"{s.name} {s.version}" for s in systems))
    missing = [s.name for s in SYSTEMS if not s.available]
    if missing:
        print("not installed (left out of this run): " + ", ".join(f"{s.name} (pip install {s.dist})"
                                                                   for s in SYSTEMS if not s.available))  # fmt: skip
    if not data_root().is_dir():
        parser.error(f"no benchmark data at {data_root()}; set NEWSDESK_BENCH_DATA to the folder of the sets")
    pages = [p for n in set_names for p in SETS[n]()[: args.limit]]
    results = run(pages, systems, args.fresh)
    rows: dict[str, dict[str, Row]] = {}
    parts: Iterable[tuple[str, Callable[[BenchPage], bool]]] = (
        (("tuning", lambda p: not p.held_out),)
        if args.tuning
        else (("all", lambda p: True), ("tuning", lambda p: not p.held_out), ("held-out", lambda p: p.held_out))
    )
    for set_name in set_names:
        for part, keep in parts:
            got = table(f"{set_name}, {part}", systems, results, lambda p, k=keep, n=set_name: p.set_name == n and k(p))  # type: ignore[misc]
            if part == "all" or args.tuning:
                rows[set_name] = got
    if "trafilatura-eval" in set_names:
        for lang in (*TEXT_LANGUAGES, "pl", "pt", "other"):
            for part, keep in parts:
                got = table(f"trafilatura-eval [{lang}], {part}", systems, results,
                            lambda p, k=keep, lg=lang: p.set_name == "trafilatura-eval" and p.language == lg and k(p))  # type: ignore[misc]  # fmt: skip
                if part == "all" or args.tuning:
                    rows[f"trafilatura-eval [{lang}]"] = got
    floors(rows, results)
    worst_case()


if __name__ == "__main__":
    main()
