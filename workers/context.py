"""Per-process resources of a worker: clients are built once per process, after the fork."""

from __future__ import annotations

import gc
import os
from functools import cached_property
from pathlib import Path

import redis
from redis import Redis
from sqlalchemy import Engine

from config.settings import Settings
from config.sources import Source, load_sources
from pipelines.copy_flags import CopyFlags
from pipelines.dedupe import DedupeIndex
from pipelines.flagging import RuleSet, load_rules, warm_up
from pipelines.process import ProcessingDeps
from pipelines.storage import repository
from pipelines.storage.engine import make_engine
from workers import embedded_redis
from workers.connections import RedisRoles, Timeouts, resolve_roles, role_client

DAY = 86400
WORKER_TIMEOUTS = Timeouts(connect=5, read=30, health_check_interval=10)


class WorkerContext:
    """Holds the Redis client, SQL engine, duplicate index and rules of one worker process.

    Rules are loaded eagerly by :meth:`check` at start-up so that a worker with a
    broken rules file refuses to start instead of failing every task.
    """

    def __init__(self, settings: Settings, broker_url: str, config_file: Path | None = None) -> None:
        self.settings = settings
        self.broker_url = broker_url
        self.config_file = config_file  # the file the worker was started with; its crawls read it too
        self._pid = os.getpid()

    def check(self) -> None:
        """Fail fast on bad rules or sources (raises ConfigError), and load the classifiers before the pool forks."""
        _ = self.rules, self.source_domains
        warm_up()
        # What is loaded now (code, rules, models) is shared with the pool processes forked next.  Frozen, the
        # collector neither scans it in full collections nor writes to it, so the pages stay shared (Python's
        # gc.freeze documentation recommends this before a fork).
        gc.freeze()

    def _after_fork(self) -> None:
        # Connections must not be shared across a fork; drop the parent's.
        if os.getpid() != self._pid:
            for name in ("roles", "redis", "bodies", "engine", "dedupe_index", "deps"):
                self.__dict__.pop(name, None)
            self._pid = os.getpid()

    @cached_property
    def rules(self) -> RuleSet:
        path = self.settings.rules_file
        return load_rules(Path(path) if path else None)

    @cached_property
    def copy_flags(self) -> CopyFlags:
        """The copy rules, re-run on a cluster's members when its original changes."""
        return CopyFlags(self.rules)

    @cached_property
    def roles(self) -> RedisRoles:
        # Roles left unset share the main Redis, as in workers.runtime: redis_url, else the server the worker was
        # started on; when the broker is a role of its own, the main Redis is the data directory's embedded one.
        main = self.settings.redis_url or (
            embedded_redis.url_for(self.settings.data_dir) if self.settings.redis.broker_url else self.broker_url
        )
        return resolve_roles(self.settings, main)

    @cached_property
    def redis(self) -> redis.Redis:
        """The state role: dedupe index, outbox, delivery counters, locks."""
        return role_client(self.roles.state, WORKER_TIMEOUTS)

    @cached_property
    def bodies(self) -> Redis:
        """The bodies role (the state's client when both live on one server)."""
        return self.redis if self.roles.bodies_with_state else role_client(self.roles.bodies, WORKER_TIMEOUTS)

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.sqlalchemy_url)

    @cached_property
    def dedupe_index(self) -> DedupeIndex:
        return DedupeIndex(
            self.redis,
            namespace=self.settings.dedupe.namespace,
            retention_seconds=self.settings.dedupe.retention_days * DAY,
            posting_shards=self.settings.dedupe.posting_shards,
        )

    @cached_property
    def deps(self) -> ProcessingDeps:
        engine = self.engine
        domains = self.source_domains
        roles = {source.id: source.role for source in self.sources}
        return ProcessingDeps(
            duplicates=self.dedupe_index,
            rules=self.rules,
            source_of=lambda doc_id: repository.source_of(engine, doc_id),
            domains_of=lambda source_id: domains.get(source_id, ()),
            role_of=lambda source_id: roles.get(source_id),
        )

    @cached_property
    def sources(self) -> tuple[Source, ...]:
        path = self.settings.sources_file
        return load_sources(Path(path) if path else None)

    @cached_property
    def source_domains(self) -> dict[str, tuple[str, ...]]:
        """Each configured source's allowed domains (where its pages' canonical URLs may point)."""
        return {source.id: source.allowed_domains for source in self.sources}

    def fresh(self) -> WorkerContext:
        self._after_fork()
        return self
