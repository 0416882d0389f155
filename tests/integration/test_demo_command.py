"""The README's main job: ``newsdesk demo --json`` on embedded defaults (embedded Redis, SQLite)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pipelines.storage.engine import make_engine
from review.users import authenticate, get_user


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
    # The auto-blog's hand-spun copy of the planet's story: a rewritten copy, the planet's article its original
    # because the copy's "Source link" names it.
    spun = next(c for c in result["copies"] if c["title"].startswith("Prime minister says soldiers"))
    assert (spun["kind"], spun["source"], spun["original_source"]) == ("rewritten", "autoblog", "planet")
    assert spun["original_title"] == "Prime minister says troops will leave Iraq as ISIL loses ground"
    assert spun["original_because"] == ["source link"]
    # The embedded Redis was stopped again: no daemon left behind.
    assert not (tmp_path / "demo" / "redis" / "redis.sock").exists()


def test_from_the_demo_to_the_desk_and_a_rerun_keeps_what_was_added(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}

    def newsdesk(*args: str, data_dir: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "newsdesk", "--data-dir", str(data_dir), *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=240)

    first = newsdesk("demo")
    assert first.returncode == 0, first.stderr[-4000:]
    demo_dir = tmp_path / "demo"
    token_file = demo_dir / "reviewer.token"
    serve = f"newsdesk --data-dir {demo_dir} review serve"
    review_next = f"newsdesk --data-dir {demo_dir} review next --token-file {token_file}"
    assert serve in first.stdout and review_next in first.stdout
    assert "rewritten copy (0." in first.stdout and "original planet: 'Prime minister says troops" in first.stdout
    reviewer = json.loads((demo_dir / "reviewer.json").read_text())
    assert f"password {reviewer['password']}" in first.stdout
    assert token_file.stat().st_mode & 0o077 == 0

    # The desk's own data: the demo's sources, and a reviewer who can sign in with the printed password.
    sources = newsdesk("sources", "--json", data_dir=demo_dir)
    assert {row["id"] for row in json.loads(sources.stdout)} == {"planet", "autoblog", "metro"}
    engine = make_engine(f"sqlite:///{demo_dir / 'newsdesk.db'}")
    with engine.connect() as connection:
        assert authenticate(connection, reviewer["name"], reviewer["password"]) is not None
    added = newsdesk("users", "add", "alice", "--role", "reviewer", data_dir=demo_dir)
    assert added.returncode == 0, added.stderr

    second = newsdesk("demo", "--json")
    assert second.returncode == 0, second.stderr[-4000:]
    assert json.loads(second.stdout)["reviewer"]["password"] == reviewer["password"]
    with engine.connect() as connection:
        assert get_user(connection, "alice") is not None
    engine.dispose()
