"""A first day with the command line: fast start-up, help for everything, one-line errors with the right status."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk import registry
from newsdesk.cli import build_parser, main, selected_command
from newsdesk.ops_args import DEFAULT_METRICS_PORT
from workers.metrics_server import DEFAULT_PORT

HEAVY = ("scrapy", "twisted", "fastapi", "uvicorn", "sqlalchemy", "alembic", "celery", "redis", "flower", "lxml")


def imported_after(argv: list[str], tmp_path: Path) -> set[str]:
    """The top-level packages a fresh interpreter has imported once ``newsdesk argv`` is done."""
    script = (
        "import sys, json\n"
        "from newsdesk.cli import main\n"
        "try:\n    code = main(sys.argv[1:])\nexcept SystemExit as exc:\n    code = exc.code\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "NEWSDESK_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, env=env, timeout=60)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("argv", [["--help"], ["stats", "--help"], ["stats"], ["crawl", "--help"]], ids=" ".join)
def test_start_up_loads_no_heavy_module_it_does_not_need(argv: list[str], tmp_path: Path) -> None:
    loaded = imported_after(argv, tmp_path)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("newsdesk 0.")


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["stats"], "stats"),
        (["--data-dir", "stats", "sources"], "sources"),
        (["-v", "--config=x.yaml", "crawl", "--all"], "crawl"),
        (["--help"], None),
        (["stast"], None),
    ],
)
def test_the_command_is_found_without_importing_any(argv: list[str], command: str | None) -> None:
    assert selected_command(argv) == command


def walk(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], argparse.Action]]:
    found = []
    for action in parser._actions:
        found.append((path, action))
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.extend(walk(sub, (*path, name)))
    return found


# The review desk's commands are defined in newsdesk/review_commands.py, which another branch rewrites; its
# `users token NAME` and `users revoke NAME` positionals have no help there yet. Drop this once they do.
DEFINED_ELSEWHERE = ("users",)


def test_every_command_and_option_has_help() -> None:
    missing = []
    for path, action in walk(build_parser()):
        if path[:1] in {(name,) for name in DEFINED_ELSEWHERE}:
            continue
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            missing += [(*path, name) for name in action.choices if not helps.get(name)]
        elif not isinstance(action, argparse._HelpAction) and not action.help:
            missing.append((*path, action.dest))
    assert missing == []


def test_the_registry_and_the_parsers_agree_on_every_command() -> None:
    parser = build_parser()
    (subparsers,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    helps = {choice.dest: choice.help for choice in subparsers._choices_actions}
    assert set(helps) == registry.COMMAND_NAMES
    for spec in registry.COMMANDS:
        assert helps[spec.name], spec.name
    assert DEFAULT_METRICS_PORT == DEFAULT_PORT


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err


def test_a_data_dir_that_is_a_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["--data-dir", str(target), "worker"]) == 2
    assert "is a file" in one_line_error(capsys)


def test_a_data_dir_that_cannot_be_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["--data-dir", str(blocker / "below"), "ingest", str(tmp_path)]) == 2
    assert "cannot create the data directory" in one_line_error(capsys)


def test_a_mistyped_data_dir_is_refused_and_not_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    typo = tmp_path / ".newsdsek"
    for argv in (["stats"], ["dead-letters"]):
        assert main(["--data-dir", str(typo), *argv]) == 2
        assert "no data directory" in one_line_error(capsys)
    for argv in (["sources"], ["redis", "status"], ["config", "show"]):
        assert main(["--data-dir", str(typo), *argv]) == 0
    assert not typo.exists()


def test_stats_on_an_empty_data_dir_creates_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path), "stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["articles"] == 0 and data["queued"] is None and data["spooled"] == 0
    assert list(tmp_path.iterdir()) == []


def test_extract_of_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(tmp_path / "missing.html")]) == 2
    assert "missing.html: no such file" in one_line_error(capsys)


def test_review_next_with_a_missing_token_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path), "review", "next", "--token-file", str(tmp_path / "nope")]) == 1
    assert "nope" in one_line_error(capsys)


@pytest.mark.parametrize("name", ["NEWSDESK_REVIEW_PORT", "NEWSDESK_FLOWER_PORT", "NEWSDESK_METRICS_PORT"])
def test_a_port_out_of_range_is_a_configuration_error(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(name, "99999")
    assert main(["config", "show"]) == 2
    assert "expected a port number" in one_line_error(capsys)


def test_crawl_without_a_target_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path), "crawl"]) == 2
    assert "name a SOURCE_ID" in one_line_error(capsys)


def test_config_show_prints_what_is_in_effect_with_passwords_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSDESK_DATABASE_URL", "postgresql+psycopg://app:hunter2@db/newsdesk")
    monkeypatch.delenv("NEWSDESK_REDIS_URL", raising=False)
    assert main(["--data-dir", str(tmp_path), "config", "show"]) == 0
    shown = capsys.readouterr().out
    data = json.loads(shown)
    assert "hunter2" not in shown
    assert data["database_url"] == "postgresql+psycopg://app:***@db/newsdesk"
    assert data["redis_url"].startswith("redis+socket://") and data["redis_url"].endswith("(embedded)")
    assert data["sources_file"].endswith("sources.yaml (bundled)")
    monkeypatch.setenv("NEWSDESK_REDIS_URL", "redis://:s3cret@redis:6379/0")
    assert main(["--data-dir", str(tmp_path), "config", "show"]) == 0
    shown = capsys.readouterr().out
    assert "s3cret" not in shown and json.loads(shown)["redis_url"] == "redis://:***@redis:6379/0"


def test_a_data_directory_carries_its_own_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sources.yaml").write_text(
        "sources:\n  - id: own-site\n    kind: site\n    start_urls: [https://own.test/]\n", encoding="utf-8"
    )
    assert main(["--data-dir", str(tmp_path), "sources", "--json"]) == 0
    assert [row["id"] for row in json.loads(capsys.readouterr().out)] == ["own-site"]
