"""Hostile user patterns: Python's re (what newsdesk used) against RE2 (what it uses now), same inputs, one run.

    .venv/bin/python -m bench.hostile_patterns

Each pattern meets the input that makes a backtracking engine explode.  Python's re runs in a child process
killed after ``--limit`` seconds (a catastrophic pattern never returns in time); RE2 runs here, on the short
input and on one 50x longer.  No data files: the inputs are generated.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import time

from config.patterns import compile_pattern

CASES = [
    (r"(a?a?)+$", "a" * 24 + "!"),
    (r"(a{1,16}){1,16}$", "a" * 64 + "!"),
    (r"(\w\w?)+$", "a" * 36 + "!"),
    (r"\d*\d*\d*\d*\d*\d*x", "1" * 400),
    (r"(.{0,16}){0,16}z", "a" * 400),
    (r"(a+)+$", "a" * 28 + "!"),
    (r"(x|xy)*z", "xy" * 30000),
]


def _python_re(pattern: str, text: str) -> None:
    re.search(pattern, text)


def time_python_re(pattern: str, text: str, limit: float) -> float | None:
    child = multiprocessing.get_context("spawn").Process(target=_python_re, args=(pattern, text))
    started = time.perf_counter()
    child.start()
    child.join(limit)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return time.perf_counter() - started


def time_re2(pattern: str, text: str) -> float:
    compiled = compile_pattern(pattern)
    started = time.perf_counter()
    compiled.search(text)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=float, default=10.0, help="seconds before Python's re is given up on")
    args = parser.parse_args()
    print(f"{'pattern':24} {'input':>8} {'Python re (child)':>18} {'RE2':>10} {'RE2, 50x input':>16}")
    for pattern, text in CASES:
        slow = time_python_re(pattern, text, args.limit)
        shown = f"> {args.limit:.0f} s (killed)" if slow is None else f"{slow:.3f} s"
        short, long = time_re2(pattern, text), time_re2(pattern, text * 50)
        print(f"{pattern:24} {len(text):>8} {shown:>18} {short:>8.4f} s {long:>14.4f} s")


if __name__ == "__main__":
    main()
