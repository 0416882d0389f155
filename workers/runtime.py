"""Composition for a process: settings -> broker URL -> Celery app, Redis client, dispatcher."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from celery import Celery

from config.settings import Settings
from workers import embedded_redis
from workers.app import PUBLISH_TIMEOUT_SECONDS, create_celery_app
from workers.dispatch import PageDispatcher


def resolve_broker_url(settings: Settings) -> str:
    """``NEWSDESK_REDIS_URL`` when set, else the data directory's embedded Redis (started if needed)."""
    if settings.redis_url:
        return settings.redis_url
    return embedded_redis.ensure_running(settings.data_dir, binary=settings.redis_server)


@dataclass(frozen=True)
class Runtime:
    """What a producer process needs to talk to the queue."""

    settings: Settings
    broker_url: str
    app: Celery
    redis: redis.Redis
    dispatcher: PageDispatcher

    @property
    def redis_client_url(self) -> str:
        return embedded_redis.client_url(self.broker_url)


def build_runtime(settings: Settings) -> Runtime:
    broker_url = resolve_broker_url(settings)
    app = create_celery_app(settings, broker_url)
    client = redis.Redis.from_url(
        embedded_redis.client_url(broker_url),
        socket_connect_timeout=PUBLISH_TIMEOUT_SECONDS,
        socket_timeout=PUBLISH_TIMEOUT_SECONDS * 5,
    )
    dispatcher = PageDispatcher(app, client, settings.worker.body_ttl_seconds)
    return Runtime(settings, broker_url, app, client, dispatcher)
