"""Settings: read once, validated, in one place.

Precedence: environment variables ``NEWSDESK_*`` over an optional YAML config
file over the defaults below.  A top-level field ``redis_url`` is read from
``NEWSDESK_REDIS_URL``; a field in a section, ``worker.concurrency``, from
``NEWSDESK_WORKER_CONCURRENCY``.  :func:`parse_settings` is pure;
:func:`load_settings` is the only function in newsdesk that reads ``os.environ``.
"""

from __future__ import annotations

import dataclasses
import os
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from config.errors import ConfigError

ENV_PREFIX = "NEWSDESK_"
MIB = 1024 * 1024
MASK = "(hidden)"


@dataclass(frozen=True)
class WorkerSettings:
    """Celery delivery and time limits; chosen for at-least-once processing."""

    concurrency: int = 2
    prefetch_multiplier: int = 1
    soft_time_limit: int = 60
    time_limit: int = 90
    # Must exceed time_limit, or a slow task is redelivered while still running.
    visibility_timeout: int = 300
    max_attempts: int = 5
    body_ttl_seconds: int = 7 * 86400
    retry_backoff_max: int = 300


@dataclass(frozen=True)
class CrawlSettings:
    """Politeness and safety limits for every spider."""

    user_agent: str = "newsdesk/0.1 (+https://github.com/newsdesk/newsdesk)"
    obey_robots: bool = True
    max_response_bytes: int = 10 * MIB
    download_timeout: float = 30.0
    max_redirects: int = 5
    concurrent_requests: int = 16
    concurrent_requests_per_domain: int = 4
    host_min_interval: float = 1.0
    autothrottle: bool = True
    fetch_state_ttl_days: int = 30
    allow_private_hosts: bool = False
    # Pages handed to the queue per task, and how long a page waits for batch-mates: the queue's
    # per-task cost (events, round trips, acknowledgement) is then paid once per batch.
    handoff_batch_size: int = 16
    handoff_linger_seconds: float = 0.5


@dataclass(frozen=True)
class DedupeSettings:
    """The shared near-duplicate index."""

    namespace: str = "dedupe"
    retention_days: int = 30


@dataclass(frozen=True)
class ReviewSettings:
    """The reviewers' web service."""

    host: str = "127.0.0.1"
    port: int = 8000
    lease_seconds: int = 600
    secret_key: str = ""
    login_attempts_per_minute: int = 10
    second_opinion_rate: float = 0.05  # desk: share of decisions sent for a blind second opinion (0 to 1)


@dataclass(frozen=True)
class FlowerSettings:
    """The Flower monitor, always behind authentication."""

    host: str = "127.0.0.1"
    port: int = 5555
    basic_auth: str = ""
    read_only: bool = False


@dataclass(frozen=True)
class Settings:
    """Every knob of newsdesk, validated."""

    data_dir: Path = Path(".newsdesk")
    redis_url: str = ""
    database_url: str = ""
    sources_file: str = ""
    rules_file: str = ""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    metrics_port: int = 0
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    dedupe: DedupeSettings = field(default_factory=DedupeSettings)
    review: ReviewSettings = field(default_factory=ReviewSettings)
    flower: FlowerSettings = field(default_factory=FlowerSettings)

    @property
    def uses_embedded_redis(self) -> bool:
        return not self.redis_url

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'newsdesk.db').resolve()}"

    @property
    def spool_dir(self) -> Path:
        return self.data_dir / "spool"

    @property
    def metrics_dir(self) -> Path:
        return self.data_dir / "metrics"


def _coerce(key: str, raw: Any, annotation: Any) -> Any:
    """Turn a file or environment value into ``annotation``'s type, or name the key at fault."""
    origin = typing.get_origin(annotation)
    if origin is Literal:
        allowed = typing.get_args(annotation)
        if raw not in allowed:
            raise ConfigError(key, f"expected one of {', '.join(map(str, allowed))}, got {raw!r}")
        return raw
    if annotation is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off", ""}:
            return False
        raise ConfigError(key, f"expected true or false, got {raw!r}")
    if annotation in (int, float):
        try:
            value = annotation(raw)
        except (TypeError, ValueError):
            raise ConfigError(key, f"expected a number, got {raw!r}") from None
        if value < 0:
            raise ConfigError(key, f"expected a number >= 0, got {raw!r}")
        return value
    if annotation is Path:
        return Path(str(raw))
    if annotation is str:
        if isinstance(raw, (dict, list)):
            raise ConfigError(key, f"expected text, got {type(raw).__name__}")
        return str(raw)
    raise ConfigError(key, f"unsupported setting type {annotation!r}")  # pragma: no cover


def _build(cls: type[Any], prefix: str, file_data: Mapping[str, Any], environ: Mapping[str, str]) -> Any:
    hints = typing.get_type_hints(cls)
    unknown = set(file_data) - {f.name for f in dataclasses.fields(cls)}
    if unknown:
        raise ConfigError(f"{prefix}{sorted(unknown)[0]}", "unknown setting")
    values: dict[str, Any] = {}
    for fld in dataclasses.fields(cls):
        key = f"{prefix}{fld.name}"
        annotation = hints[fld.name]
        if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
            section = file_data.get(fld.name) or {}
            if not isinstance(section, Mapping):
                raise ConfigError(key, "expected a mapping of settings")
            values[fld.name] = _build(annotation, f"{key}.", section, environ)
            continue
        env_name = ENV_PREFIX + key.replace(".", "_").upper()
        if env_name in environ:
            values[fld.name] = _coerce(env_name, environ[env_name], annotation)
        elif fld.name in file_data:
            values[fld.name] = _coerce(key, file_data[fld.name], annotation)
    return cls(**values)


def _validate(settings: Settings) -> Settings:
    worker = settings.worker
    if not worker.soft_time_limit < worker.time_limit < worker.visibility_timeout:
        raise ConfigError(
            "worker.visibility_timeout",
            "expected soft_time_limit < time_limit < visibility_timeout "
            f"(got {worker.soft_time_limit} < {worker.time_limit} < {worker.visibility_timeout})",
        )
    for name in ("concurrency", "prefetch_multiplier", "max_attempts"):
        if getattr(worker, name) < 1:
            raise ConfigError(f"worker.{name}", "expected a whole number >= 1")
    if not 1 <= settings.crawl.handoff_batch_size <= 500:
        raise ConfigError("crawl.handoff_batch_size", "expected a whole number from 1 to 500")
    if not 0 <= settings.review.second_opinion_rate <= 1:
        raise ConfigError("review.second_opinion_rate", "expected a share from 0 to 1")
    if settings.crawl.max_redirects > 20:
        raise ConfigError("crawl.max_redirects", "expected at most 20")
    auth = settings.flower.basic_auth
    if auth and (":" not in auth or not auth.split(":", 1)[1]):
        raise ConfigError("flower.basic_auth", "expected USER:PASSWORD")
    for url_key in ("redis_url",):
        url = getattr(settings, url_key)
        if url and not url.startswith(("redis://", "rediss://", "unix://", "redis+socket://")):
            raise ConfigError(url_key, f"expected a redis:// or rediss:// URL, got {url!r}")
    return settings


def parse_settings(
    file_data: Mapping[str, Any] | None,
    environ: Mapping[str, str],
    *,
    data_dir: Path | None = None,
) -> Settings:
    """Build validated settings from a parsed config file and an environment mapping (pure)."""
    settings: Settings = _build(Settings, "", file_data or {}, environ)
    if data_dir is not None:
        settings = dataclasses.replace(settings, data_dir=data_dir)
    return _validate(settings)


def read_config_file(path: Path) -> dict[str, Any]:
    """Parse a YAML config file; an unreadable or malformed file is a ConfigError."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError("config", f"cannot read {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError("config", f"{path} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError("config", f"{path} must hold a mapping of settings")
    return data


def load_settings(*, data_dir: Path | None = None, config_file: Path | None = None) -> Settings:
    """Read the environment and the config file once and return validated settings."""
    environ = {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX)}
    path = config_file or (Path(environ["NEWSDESK_CONFIG"]) if environ.get("NEWSDESK_CONFIG") else None)
    environ.pop("NEWSDESK_CONFIG", None)
    # Test-only variables share the prefix but are not settings.
    for name in [k for k in environ if k.startswith("NEWSDESK_TEST_")]:
        environ.pop(name)
    file_data = read_config_file(path) if path is not None else None
    return parse_settings(file_data, environ, data_dir=data_dir)


def settings_as_dict(settings: Settings) -> dict[str, Any]:
    """Plain data for ``newsdesk config show`` (secrets masked)."""
    data = dataclasses.asdict(settings)
    data["data_dir"] = str(settings.data_dir)
    if data["review"]["secret_key"]:
        data["review"]["secret_key"] = MASK
    if data["flower"]["basic_auth"]:
        data["flower"]["basic_auth"] = data["flower"]["basic_auth"].split(":", 1)[0] + ":" + MASK
    return data
