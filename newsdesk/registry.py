"""The command registry: which module defines each subcommand, so start-up imports only the one that runs.

``newsdesk --help`` needs only the names and one-line helps below; ``newsdesk
stats`` needs the parser of ``stats`` and, once its arguments parse, the
module that implements it.  Argument modules (``*_args.py``) import nothing
heavy; each handler is named by module and function (:class:`Handler`) and
imported when it is called.  This is the one place in newsdesk that imports
modules by name.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias

from config.settings import Settings

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
CommandFunc = Callable[[Settings, argparse.Namespace], int]


@dataclass(frozen=True)
class CommandSpec:
    """One top-level subcommand: its name, its one-line help and the module whose ``register`` adds it."""

    name: str
    help: str
    module: str


@dataclass(frozen=True)
class Handler:
    """A command's implementation, imported only when the command runs."""

    module: str
    function: str

    def __call__(self, settings: Settings, args: argparse.Namespace) -> int:
        func: CommandFunc = deferred(self.module, self.function)
        return func(settings, args)


def deferred(module: str, name: str) -> Any:
    """``module.name``, importing ``module`` only now: how a command reaches its heavy parts."""
    return getattr(importlib.import_module(module), name)


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("demo", "run the whole pipeline on bundled demo sites (offline, embedded Redis and SQLite)",
                "newsdesk.demo_args"),
    CommandSpec("worker", "run a Celery worker that crawls and processes", "newsdesk.queue_args"),
    CommandSpec("ingest", "queue local .html/.htm files, JSONL/NDJSON {url, html} lines or WARC files",
                "newsdesk.queue_args"),
    CommandSpec("stats", "counts of articles, duplicates, flags, queued and spooled work", "newsdesk.queue_args"),
    CommandSpec("dead-letters", "list tasks given up on, or requeue them with --retry", "newsdesk.queue_args"),
    CommandSpec("redis", "the embedded Redis of the data directory: status, stop", "newsdesk.queue_args"),
    CommandSpec("crawl", "crawl configured sources (or an ad-hoc URL) now, in this process", "newsdesk.crawl_args"),
    CommandSpec("sources", "list configured sources with their last crawl and health", "newsdesk.crawl_args"),
    CommandSpec("beat", "run the scheduler that queues crawls (only one is active at a time)",
                "newsdesk.crawl_args"),
    CommandSpec("preview", "fetch a few pages of a source and show what would be extracted, stripped and flagged",
                "newsdesk.crawl_args"),
    CommandSpec("extract", "extract the article from HTML files or URLs and show what was stripped",
                "newsdesk.tools_args"),
    CommandSpec("flag", "flag JSONL articles from stdin: {id, title, text, url?, source_language?}",
                "newsdesk.tools_args"),
    CommandSpec("db", "database maintenance (db upgrade)", "newsdesk.tools_args"),
    CommandSpec("retention", "drop article text, page bodies and flags older than the retention.* ages (audited)",
                "newsdesk.retention_args"),
    CommandSpec("config", "show the settings in effect (config show)", "newsdesk.tools_args"),
    CommandSpec("review", "the human review desk: serve it, or review from the terminal", "newsdesk.review_commands"),
    CommandSpec("users", "manage review desk users, passwords and API tokens", "newsdesk.review_commands"),
    CommandSpec("flower", "run the Flower monitor behind basic auth (NEWSDESK_FLOWER_BASIC_AUTH=user:password)",
                "newsdesk.ops_args"),
    CommandSpec("doctor", "check the deployment: Redis safety, database, workers, beat, spool, Flower auth",
                "newsdesk.ops_args"),
    CommandSpec("metrics", "Prometheus metrics of workers, queues and the review desk", "newsdesk.ops_args"),
    CommandSpec("report", "write the review overview (charts and figures) as one HTML file", "newsdesk.report_args"),
    CommandSpec("rules", "rules that learn from reviewers (rules report)", "newsdesk.report_args"),
)  # fmt: skip

COMMAND_NAMES = frozenset(spec.name for spec in COMMANDS)


class _OnlySome:
    """A view of the subparsers that lets a module add only the commands asked for."""

    def __init__(self, subparsers: Subparsers, wanted: set[str]) -> None:
        self._subparsers = subparsers
        self._wanted = wanted

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        if name in self._wanted:
            return self._subparsers.add_parser(name, **kwargs)
        return argparse.ArgumentParser(prog=name, add_help=False)  # a module's other command, discarded


def add_commands(subparsers: Subparsers, full: Iterable[str]) -> None:
    """Add every registered command: those in ``full`` with all their arguments, the rest as names and helps."""
    full = set(full)
    modules: dict[str, set[str]] = {}
    for spec in COMMANDS:
        if spec.name in full:
            modules.setdefault(spec.module, set()).add(spec.name)
    for spec in COMMANDS:
        if spec.name not in full:
            subparsers.add_parser(spec.name, help=spec.help, add_help=False)
            continue
        wanted = modules.pop(spec.module, None)
        if wanted is not None:
            register: Callable[[Any], None] = importlib.import_module(spec.module).register
            register(_OnlySome(subparsers, wanted))
