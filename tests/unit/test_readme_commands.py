"""The README's command lines name commands and options that exist: docs that drift fail CI."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import pytest

from newsdesk.cli import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"
GLOBAL_WITH_VALUE = {"--data-dir", "--config"}


def readme_command_lines(text: str) -> list[str]:
    """``newsdesk ...`` lines in code blocks (``$ `` prompts included) and in backticks in running text/tables."""
    found: list[str] = []
    block: str | None = None  # the language of the code block we are in
    for line in text.splitlines():
        if line.startswith("```"):
            block = None if block is not None else line[3:].strip() or "plain"
            continue
        if block is not None:
            # In shell blocks every command line counts; in output ("text") blocks only the "$ " prompts.
            if block == "text" and not line.startswith("$ "):
                continue
            for segment in re.split(r"\||&&", line):
                command = segment.strip().removeprefix("$ ").split("  #")[0].strip()
                if re.match(r"(\.venv/bin/)?newsdesk (-|[a-z])", command):
                    found.append(command.removeprefix(".venv/bin/"))
        else:
            found += [m for m in re.findall(r"`(newsdesk [^`]+)`", line)]
    return found


def subparsers_of(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def options_of(parser: argparse.ArgumentParser) -> set[str]:
    return {option for action in parser._actions for option in action.option_strings}


def check(line: str, root: argparse.ArgumentParser) -> list[str]:
    """What in ``line`` does not exist: unknown commands or options (empty when all is well)."""
    cleaned = line.replace("\\|", " | ").replace("[", " ").replace("]", " ")
    try:
        tokens = shlex.split(cleaned)
    except ValueError:
        tokens = cleaned.split()
    tokens = tokens[1:]  # "newsdesk"
    global_options = options_of(root)
    problems: list[str] = []
    level, chosen = root, [root]
    alternatives: dict[str, argparse.ArgumentParser] = {}
    skip = False
    for token in tokens:
        if skip:
            skip = False
            continue
        if token.startswith("-"):
            option = token.split("=", 1)[0].rstrip(",")
            if option in GLOBAL_WITH_VALUE and "=" not in token:
                skip = True
            if option not in global_options and not any(option in options_of(p) for p in chosen):
                problems.append(f"{line}: no option {option}")
            continue
        subcommands = subparsers_of(level)
        if token in subcommands:
            alternatives = subcommands
            level = subcommands[token]
            chosen = [*chosen, level]
        elif token in alternatives and token not in ("|",):
            chosen = [*chosen, alternatives[token]]  # "serve | next | decide"
        elif subcommands and level is root:
            problems.append(f"{line}: no command {token}")
    return problems


LINES = readme_command_lines(README.read_text(encoding="utf-8"))


def test_the_readme_names_many_commands() -> None:
    named = {line.split()[1] for line in LINES if not line.split()[1].startswith("-")}
    assert {"demo", "preview", "flower", "doctor", "metrics", "redis", "stats", "crawl", "ingest"} <= named


@pytest.mark.parametrize("line", LINES)
def test_each_readme_command_line_exists(line: str) -> None:
    assert check(line, build_parser()) == []


def test_the_checker_catches_drift() -> None:
    root = build_parser()
    assert check("newsdesk stats --jsn", root) == ["newsdesk stats --jsn: no option --jsn"]
    assert check("newsdesk stat", root) == ["newsdesk stat: no command stat"]
    assert check("newsdesk --data-dir x crawl --all --quiet", root) == []


def test_every_command_is_in_the_readme_table() -> None:
    table = [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| `newsdesk ")]
    in_table = {line.split("`")[1].split()[1] for line in table}
    assert in_table == set(subparsers_of(build_parser()))
