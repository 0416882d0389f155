"""Composition for a process: settings -> broker URL -> Celery app, Redis client, dispatcher."""

from __future__ import annotations

from dataclasses import dataclass

import redis
from celery import Celery
from redis import Redis

from config.settings import Settings
from workers import embedded_redis
from workers.app import PUBLISH_TIMEOUT_SECONDS, create_celery_app
from workers.connections import RedisRoles, Timeouts, broker_transport_options, resolve_roles, role_client
from workers.dispatch import PageDispatcher


def resolve_main_url(settings: Settings) -> str:
    """``NEWSDESK_REDIS_URL`` when set, else the data directory's embedded Redis (started if needed)."""
    if settings.redis_url:
        return settings.redis_url
    return embedded_redis.ensure_running(settings.data_dir, binary=settings.redis_server)


def resolve_redis_roles(settings: Settings) -> RedisRoles:
    """Every role's endpoint; the embedded Redis is started only when some role falls back to it."""
    section = settings.redis
    all_set = section.broker_url and section.state_url
    main = "" if all_set and not settings.redis_url else resolve_main_url(settings)
    return resolve_roles(settings, main)


def resolve_broker_url(settings: Settings) -> str:
    """The broker's URL: ``redis.broker_url``, else the main Redis URL or the embedded Redis."""
    return resolve_redis_roles(settings).broker.url


@dataclass(frozen=True)
class Runtime:
    """What a producer process needs to talk to the queue."""

    settings: Settings
    broker_url: str
    app: Celery
    # The state role (locks, outbox, fetch state, dedupe); the broker's queues are read through ``broker``.
    redis: redis.Redis
    dispatcher: PageDispatcher
    broker: Redis

    @property
    def redis_client_url(self) -> str:
        return embedded_redis.client_url(self.broker_url)


def celery_app_for(settings: Settings) -> Celery:
    """The Celery app on this deployment's broker (with what its kind needs, e.g. Sentinel's master name)."""
    broker = resolve_redis_roles(settings).broker
    return create_celery_app(settings, broker.url, broker_options=broker_transport_options(broker))


def build_runtime(settings: Settings) -> Runtime:
    roles = resolve_redis_roles(settings)
    app = create_celery_app(settings, roles.broker.url, broker_options=broker_transport_options(roles.broker))
    timeouts = Timeouts(connect=PUBLISH_TIMEOUT_SECONDS, read=PUBLISH_TIMEOUT_SECONDS * 5)
    state = role_client(roles.state, timeouts)
    bodies = state if roles.bodies_with_state else role_client(roles.bodies, timeouts)
    broker = state if roles.broker.url == roles.state.url else role_client(roles.broker, timeouts)
    dispatcher = PageDispatcher(app, state, settings.worker.body_ttl_seconds, bodies=bodies)
    return Runtime(settings, roles.broker.url, app, state, dispatcher, broker)
