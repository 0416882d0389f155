"""Sign-in timing: does the time of a failed sign-in say what kind of account was tried?

    .venv/bin/python -m bench.signin               # 7 interleaved rounds
    .venv/bin/python -m bench.signin --rounds 15

Times :func:`review.users.authenticate` (the work behind ``POST /login``) on a throw-away SQLite
database for every kind of attempt, interleaved round by round so each kind sees the same machine
load; then one hash at the old cost (2^14) and at the current one (OWASP's 2^17) as the yardstick.
No data set is read.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from sqlalchemy import update

from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import upgrade
from pipelines.storage.schema import users
from review.passwords import LEGACY_COST, OWASP_COST, hash_password
from review.users import add_user, authenticate, deactivate_user

RIGHT = "the right password"
KINDS = {
    "no such account": ("nobody", "a guess"),
    "account without a password": ("tokenonly", "a guess"),
    "deactivated account": ("gone", RIGHT),
    "wrong password": ("rita", "a guess"),
    "wrong password, old-cost hash": ("old", "a guess"),
    "right password": ("rita", RIGHT),
}


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        add_user(engine, "tokenonly", "reviewer", None, actor="bench")
        add_user(engine, "gone", "reviewer", RIGHT, actor="bench")
        add_user(engine, "rita", "reviewer", RIGHT, actor="bench")
        add_user(engine, "old", "reviewer", None, actor="bench")
        with engine.begin() as conn:
            conn.execute(
                update(users).where(users.c.name == "old").values(password_hash=hash_password(RIGHT, LEGACY_COST))
            )
        deactivate_user(engine, "gone", actor="bench")
        times: dict[str, list[float]] = {kind: [] for kind in KINDS}
        times["one hash, N=2^14 (old)"] = []
        times["one hash, N=2^17 (OWASP)"] = []
        with engine.connect() as conn:
            for _ in range(args.rounds):
                for kind, (name, password) in KINDS.items():
                    times[kind].append(_timed(partial(authenticate, conn, name, password)))
                times["one hash, N=2^14 (old)"].append(_timed(lambda: hash_password(RIGHT, LEGACY_COST)))
                times["one hash, N=2^17 (OWASP)"].append(_timed(lambda: hash_password(RIGHT, OWASP_COST)))
        engine.dispose()
    reference = statistics.median(times["wrong password"])
    print(f"{'attempt':<32} {'median s':>9} {'min s':>7} {'max s':>7} {'vs wrong password':>18}")
    for kind, samples in times.items():
        median = statistics.median(samples)
        print(f"{kind:<32} {median:>9.3f} {min(samples):>7.3f} {max(samples):>7.3f} {median / reference:>17.2f}x")
    print(f"({args.rounds} interleaved rounds)")


if __name__ == "__main__":
    main()
