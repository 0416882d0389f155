"""Start-up time of the ``newsdesk`` command: ``python -m bench.cli [--runs 5]``.

Times, as a user waits for them (wall clock of a fresh process, median of
``--runs``): ``newsdesk --help``, every subcommand's ``--help``, and ``stats``
on an empty data directory.  Peers in the same run: a bare interpreter, the
interpreter importing Scrapy, FastAPI, SQLAlchemy and Celery (what every
command used to load at start-up), and building the whole parser with every
command module imported (the old eager start-up).  Floors: ``--help`` <= 0.3 s,
``stats`` <= 0.8 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsdesk.registry import COMMANDS

FLOORS = {"newsdesk --help": 0.3, "newsdesk stats (empty data dir)": 0.8}
PEERS = {
    "peer: python -c pass": ["-c", "pass"],
    "peer: import scrapy, fastapi, sqlalchemy, celery": ["-c", "import scrapy, fastapi, sqlalchemy, celery"],
    "peer: eager parser (every command module imported)": [
        "-c",
        "from newsdesk.cli import build_parser; build_parser()",
    ],
}


def wall(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *argv], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def cases() -> dict[str, list[str]]:
    found = {"newsdesk --help": ["-m", "newsdesk", "--help"]}
    for spec in COMMANDS:
        found[f"newsdesk {spec.name} --help"] = ["-m", "newsdesk", spec.name, "--help"]
    found["newsdesk stats (empty data dir)"] = ["-m", "newsdesk", "stats"]
    return {**found, **PEERS}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per command (the median is reported)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
        env["NEWSDESK_DATA_DIR"] = data_dir
        measured = {name: [wall(argv, env) for _ in range(args.runs)] for name, argv in cases().items()}
        assert list(Path(data_dir).iterdir()) == [], "stats must not create anything in an empty data directory"
    print(f"{'command':<55} {'median s':>9} {'min s':>7} {'max s':>7}  floor")
    missed = 0
    for name, times in measured.items():
        floor = FLOORS.get(name)
        median = statistics.median(times)
        verdict = "" if floor is None else (f"<= {floor}: met" if median <= floor else f"<= {floor}: MISSED")
        missed += floor is not None and median > floor
        print(f"{name:<55} {median:>9.3f} {min(times):>7.3f} {max(times):>7.3f}  {verdict}")
    print(f"\n{args.runs} runs each, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
