"""workers.supervisor: a worker that dies of an error is started again; a clean exit or a signal ends it."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from workers.supervisor import RestartPolicy, exit_status, supervise


def test_backoff_doubles_and_resets_after_a_stable_run() -> None:
    policy = RestartPolicy(first_delay=1, max_delay=8, stable_after=60)
    assert [policy.next_delay(0.5) for _ in range(5)] == [1, 2, 4, 8, 8]
    assert policy.next_delay(120) == 1


def test_exit_status_of_a_signalled_child() -> None:
    pid = os.fork()
    if pid == 0:
        os.kill(os.getpid(), signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    assert exit_status(status) == (128 + signal.SIGKILL, signal.SIGKILL)


def test_a_crashed_worker_runs_again_until_it_exits_cleanly(tmp_path: Path) -> None:
    runs = tmp_path / "runs"

    def run() -> int:
        with runs.open("a") as handle:
            handle.write("x")
        return 0 if len(runs.read_text()) >= 3 else 1  # crashes twice, then exits cleanly

    delays: list[float] = []
    assert supervise(run, policy=RestartPolicy(first_delay=0.01), sleep=delays.append) == 0
    assert runs.read_text() == "xxx"
    assert delays == [0.01, 0.02]


def test_sigterm_is_passed_on_and_ends_supervision(tmp_path: Path) -> None:
    marker = tmp_path / "got-term"

    def run() -> int:
        signal.signal(signal.SIGTERM, lambda *_: (marker.write_text("1"), os._exit(0)))
        time.sleep(30)
        return 1

    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    started = time.monotonic()
    try:
        code = supervise(run, policy=RestartPolicy(first_delay=0.01))
    finally:
        timer.cancel()
    assert code == 0
    assert marker.read_text() == "1"
    assert time.monotonic() - started < 10
