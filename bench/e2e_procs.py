"""CPU time and peak memory of process trees, read from /proc (Linux)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces; everything after its closing parenthesis splits cleanly.
    return raw[raw.rindex(")") + 2 :].split()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` itself (0 if it is gone)."""
    fields = _stat_fields(pid)
    if fields is None:
        return 0.0
    # After the name: state(0) ppid(1) ... utime(11) stime(12).
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (every thread's list)."""
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        queue += children(current)
    return pids


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the process's peak resident set (MiB)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass(frozen=True)
class TreeSample:
    """CPU seconds per pid of a set of process trees at one moment."""

    cpu: dict[int, float]

    @property
    def total(self) -> float:
        return sum(self.cpu.values())


def sample(roots: list[int]) -> TreeSample:
    return TreeSample({pid: cpu_seconds(pid) for root in roots for pid in tree(root)})


def cpu_between(before: TreeSample, after: TreeSample) -> float:
    """CPU spent between two samples; a process born in between counts from zero."""
    return sum(cpu - before.cpu.get(pid, 0.0) for pid, cpu in after.cpu.items())


@dataclass(frozen=True)
class TreeMemory:
    main_mib: float
    child_max_mib: float
    total_mib: float
    processes: int


def memory(roots: list[int]) -> TreeMemory:
    """Peak RSS of the root processes and of their descendants (a sum over-counts shared pages)."""
    mains = [peak_rss_mib(root) for root in roots]
    kids = [peak_rss_mib(pid) for root in roots for pid in tree(root)[1:]]
    return TreeMemory(max(mains, default=0.0), max(kids, default=0.0), sum(mains) + sum(kids), len(mains) + len(kids))
