"""The README's main job: ``newsdesk demo --json`` on embedded defaults (embedded Redis, SQLite)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def test_demo_runs_the_whole_path_on_embedded_defaults(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    completed = subprocess.run(
        [sys.executable, "-m", "newsdesk", "--data-dir", str(tmp_path), "demo", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    result = json.loads(completed.stdout)
    assert result["articles_stored"] >= 8
    assert result["duplicates"] >= 1
    assert result["flagged"] >= 1
    assert result["boilerplate_stripped"] >= 1
    assert result["pending_review"] == result["flagged"]
    assert result["dead_letters"] == 0
    # The embedded Redis was stopped again: no daemon left behind.
    assert not (tmp_path / "demo" / "redis" / "redis.sock").exists()
