"""Crawl sources: the validated form of ``config/sources.yaml``.

A malformed file is refused with the source id and the field at fault, e.g.
``sources[reuters].schedule: expected 'every: <seconds>' or 'cron: <5 fields>'``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from celery.schedules import crontab_parser

from config.errors import ConfigError
from config.patterns import UnsafePattern, UserPattern, compile_pattern
from config.source_roles import SOURCE_ROLES, SourceRole

SourceKind = Literal["feed", "sitemap", "site"]
SOURCE_KINDS: tuple[str, ...] = ("feed", "sitemap", "site")
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_CRON_FIELD = re.compile(r"^[\d*/,\-a-zA-Z]+$")
_STEP = re.compile(r"/(\d+)")
# (name, lowest, highest) of the five fields; day of week 0-6 with 0 = Sunday, as Celery reads it.
CRON_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12),
               ("day of week", 0, 6))  # fmt: skip
DAYS_IN_MONTH = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


@dataclass(frozen=True)
class Schedule:
    """When a source is crawled: every N seconds, or by a 5-field cron expression (UTC)."""

    every_seconds: int | None = None
    cron: str | None = None


@dataclass(frozen=True)
class Politeness:
    """Per-source overrides of the crawl politeness defaults."""

    host_min_interval: float | None = None
    concurrent_requests_per_domain: int | None = None
    max_pages: int = 500
    max_depth: int = 2


@dataclass(frozen=True)
class Source:
    """One news source and how to crawl it."""

    id: str
    name: str
    kind: SourceKind
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    schedule: Schedule
    politeness: Politeness = Politeness()
    language: str | None = None
    enabled: bool = True
    allow_private_hosts: bool = False
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    # What the source does with stories: evidence for which of a story's copies is the original (unset: none).
    role: SourceRole | None = None

    def wants(self, url: str) -> bool:
        """Whether ``url`` passes the source's allow patterns (any, if there are some) and none of its deny ones."""
        if any(compile_url_pattern(p).search(url) for p in self.deny):
            return False
        return not self.allow or any(compile_url_pattern(p).search(url) for p in self.allow)


def _field(source_id: str, name: str) -> str:
    return f"sources[{source_id}].{name}"


def _str_list(source_id: str, name: str, raw: Any, *, required: bool) -> tuple[str, ...]:
    if raw is None:
        raw = []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
        raise ConfigError(_field(source_id, name), "expected a list of non-empty strings")
    if required and not raw:
        raise ConfigError(_field(source_id, name), "expected at least one entry")
    return tuple(raw)


def cron_problem(fields: Sequence[str]) -> str | None:
    """Why five cron fields cannot schedule anything, or None; parsed by Celery's own parser, as beat does."""
    values: list[set[int]] = []
    for text, (name, low, high) in zip(fields, CRON_FIELDS, strict=True):
        for step in _STEP.findall(text):
            if not 0 < int(step) <= high - low:
                return f"{name} step /{step} is outside 1..{high - low}"
        try:
            values.append(set(crontab_parser(high + 1 if low == 0 else high, low).parse(text)))
        except (ValueError, ZeroDivisionError) as exc:  # Celery's ParseException is a ValueError
            return f"{name} {text!r}: {exc}"
    days, months = values[2], values[3]
    if not any(day <= DAYS_IN_MONTH[month] for month in months for day in days):
        return f"day {','.join(map(str, sorted(days)))} never occurs in month {','.join(map(str, sorted(months)))}"
    return None


def _schedule(source_id: str, raw: Any) -> Schedule:
    problem = "expected 'every: <seconds>' or 'cron: <minute hour day month weekday>'"
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise ConfigError(_field(source_id, "schedule"), problem)
    if "every" in raw:
        every = raw["every"]
        if not isinstance(every, int) or isinstance(every, bool) or every < 10:
            raise ConfigError(_field(source_id, "schedule.every"), "expected whole seconds >= 10")
        return Schedule(every_seconds=every)
    if "cron" in raw:
        cron = raw["cron"]
        parts = cron.split() if isinstance(cron, str) else []
        if len(parts) != 5 or not all(_CRON_FIELD.match(p) for p in parts):
            raise ConfigError(_field(source_id, "schedule.cron"), "expected 5 cron fields")
        never = cron_problem(parts)
        if never:
            raise ConfigError(_field(source_id, "schedule.cron"), f"{' '.join(parts)!r}: {never}")
        return Schedule(cron=" ".join(parts))
    raise ConfigError(_field(source_id, "schedule"), problem)


def _politeness(source_id: str, raw: Any) -> Politeness:
    if raw is None:
        return Politeness()
    if not isinstance(raw, Mapping):
        raise ConfigError(_field(source_id, "politeness"), "expected a mapping")
    known = {"host_min_interval", "concurrent_requests_per_domain", "max_pages", "max_depth"}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(_field(source_id, f"politeness.{key}"), "unknown setting")
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise ConfigError(_field(source_id, f"politeness.{key}"), "expected a number >= 0")
    return Politeness(**{k: v for k, v in raw.items()})


def in_domains(host: str, domains: Sequence[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one (as Scrapy's offsite filter reads them)."""
    host = host.lower().rstrip(".")
    return any(host == d.lower() or host.endswith("." + d.lower()) for d in domains)


def _url_list(source_id: str, raw: Any) -> tuple[str, ...]:
    urls = _str_list(source_id, "start_urls", raw, required=True)
    for url in urls:
        if urlsplit(url).scheme not in ("http", "https"):
            raise ConfigError(_field(source_id, "start_urls"), f"only http and https URLs, got {url!r}")
    return urls


def _patterns(source_id: str, name: str, raw: Any) -> tuple[str, ...]:
    patterns = _str_list(source_id, name, raw, required=False)
    for pattern in patterns:
        try:
            compile_url_pattern(pattern)
        except UnsafePattern as exc:
            raise ConfigError(_field(source_id, name), f"bad regular expression {pattern!r}: {exc}") from None
    return patterns


@cache
def compile_url_pattern(pattern: str) -> UserPattern:
    """An allow or deny pattern, compiled once per process with the linear-time engine (they run on URLs
    from attacker-controlled sitemaps and pages)."""
    return compile_pattern(pattern)


_KNOWN = {
    "id",
    "name",
    "kind",
    "start_urls",
    "allowed_domains",
    "schedule",
    "politeness",
    "language",
    "enabled",
    "allow_private_hosts",
    "allow",
    "deny",
    "role",
}


def parse_source(raw: Any, index: int) -> Source:
    """Validate one entry of the ``sources`` list."""
    if not isinstance(raw, Mapping):
        raise ConfigError(f"sources[{index}]", "expected a mapping")
    source_id = raw.get("id")
    if not isinstance(source_id, str) or not _ID_PATTERN.match(source_id):
        raise ConfigError(f"sources[{index}].id", "expected lower-case letters, digits, '_', '.', '-'")
    for key in raw:
        if key not in _KNOWN:
            raise ConfigError(_field(source_id, str(key)), "unknown field")
    kind = raw.get("kind")
    if kind not in SOURCE_KINDS:
        raise ConfigError(_field(source_id, "kind"), f"expected one of {', '.join(SOURCE_KINDS)}")
    language = raw.get("language")
    if language is not None and (not isinstance(language, str) or not 2 <= len(language) <= 3):
        raise ConfigError(_field(source_id, "language"), "expected an ISO 639-1 code such as 'en'")
    role = raw.get("role")
    if role is not None and role not in SOURCE_ROLES:
        raise ConfigError(_field(source_id, "role"), f"expected one of {', '.join(SOURCE_ROLES)} (or leave it unset)")
    for flag in ("enabled", "allow_private_hosts"):
        if not isinstance(raw.get(flag, False), bool):
            raise ConfigError(_field(source_id, flag), "expected true or false")
    start_urls = _url_list(source_id, raw.get("start_urls"))
    domains = _str_list(source_id, "allowed_domains", raw.get("allowed_domains"), required=False)
    for url in start_urls:
        if domains and not in_domains(urlsplit(url).hostname or "", domains):
            raise ConfigError(
                _field(source_id, "start_urls"),
                f"{url} is outside allowed_domains ({', '.join(domains)}); the crawl would fetch nothing",
            )
    return Source(
        id=source_id,
        name=str(raw.get("name") or source_id),
        kind=kind,
        start_urls=start_urls,
        allowed_domains=domains or tuple(sorted({urlsplit(u).hostname or "" for u in start_urls})),
        schedule=_schedule(source_id, raw.get("schedule", {"every": 3600})),
        politeness=_politeness(source_id, raw.get("politeness")),
        language=language,
        enabled=bool(raw.get("enabled", True)),
        allow_private_hosts=bool(raw.get("allow_private_hosts", False)),
        allow=_patterns(source_id, "allow", raw.get("allow")),
        deny=_patterns(source_id, "deny", raw.get("deny")),
        role=role,
    )


def parse_sources(data: Any) -> tuple[Source, ...]:
    """Validate a parsed sources document: ``{"sources": [...]}``."""
    if not isinstance(data, Mapping) or not isinstance(data.get("sources"), list):
        raise ConfigError("sources", "expected a top-level 'sources:' list")
    entries: Sequence[Any] = data["sources"]
    sources = tuple(parse_source(raw, i) for i, raw in enumerate(entries))
    seen: set[str] = set()
    for source in sources:
        if source.id in seen:
            raise ConfigError(_field(source.id, "id"), "duplicate source id")
        seen.add(source.id)
    return sources


def default_sources_path() -> Path:
    return Path(str(resources.files("config") / "sources.yaml"))


def load_sources(path: Path | None = None) -> tuple[Source, ...]:
    """Read and validate a sources file (the bundled one when ``path`` is None)."""
    path = path or default_sources_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError("sources", f"cannot read {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError("sources", f"{path} is not valid YAML: {exc}") from exc
    return parse_sources(data)


def find_source(sources: Sequence[Source], source_id: str) -> Source:
    for source in sources:
        if source.id == source_id:
            return source
    raise ConfigError("sources", f"no source with id {source_id!r}")
