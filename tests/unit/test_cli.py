from __future__ import annotations

import argparse

import pytest

from newsdesk.cli import build_parser, main


def all_commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((*prefix, name))
                found.extend(all_commands(sub, (*prefix, name)))
    return found


def test_the_main_commands_exist() -> None:
    commands = {c[0] for c in all_commands(build_parser())}
    assert {"demo", "worker", "beat", "crawl", "ingest", "stats", "db", "extract", "flag", "review"} <= commands


@pytest.mark.parametrize("command", all_commands(build_parser()), ids=" ".join)
def test_every_command_explains_itself(command: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: newsdesk")
    assert len(out.splitlines()) >= 3


def test_bad_setting_fails_fast_naming_the_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSDESK_WORKER_TIME_LIMIT", "soon")
    assert main(["config", "show"]) == 2
    assert "NEWSDESK_WORKER_TIME_LIMIT: expected a number" in capsys.readouterr().err


def test_bad_sources_file_names_source_and_field(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sources.yaml"  # type: ignore[operator]
    path.write_text("sources:\n  - id: wire\n    kind: radio\n    start_urls: [https://w.test/]\n")
    monkeypatch.setenv("NEWSDESK_SOURCES_FILE", str(path))
    monkeypatch.setenv("NEWSDESK_DATA_DIR", str(tmp_path))
    assert main(["sources"]) == 2
    assert "sources[wire].kind" in capsys.readouterr().err
