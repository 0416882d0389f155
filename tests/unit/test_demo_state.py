"""The demo keeps its data directory unless told ``--fresh``."""

from __future__ import annotations

from pathlib import Path

from config.settings import parse_settings
from newsdesk.demo import demo_settings


def test_a_rerun_keeps_the_demo_data_and_fresh_starts_over(tmp_path: Path) -> None:
    settings = parse_settings(None, {}, data_dir=tmp_path)
    demo = demo_settings(settings, fresh=False)
    assert demo.data_dir == tmp_path / "demo"
    assert demo.sources_file == str(tmp_path / "demo" / "sources.yaml")
    kept = demo.data_dir / "newsdesk.db"
    kept.write_text("users and decisions")
    assert demo_settings(settings, fresh=False).data_dir == demo.data_dir
    assert kept.read_text() == "users and decisions"
    demo_settings(settings, fresh=True)
    assert not kept.exists() and demo.data_dir.is_dir()
