"""The Celery app factory: one app, built from settings, configured for at-least-once delivery."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from celery import Celery

from config.settings import Settings
from workers.consumer import CONSUMER_PATH
from workers.queues import CRAWL_QUEUE, CRAWL_SOURCE_TASK, PROCESS_PAGE_TASK, PROCESS_QUEUE, WARC_FILE_TASK

# How long a publish may wait for Redis before the producer spools instead.
PUBLISH_TIMEOUT_SECONDS = 2.0
# How often a worker looks for messages a dead worker left unacknowledged.  kombu's default
# (every 10th tick of 10 s) made recovery after a kill -9 take visibility timeout + up to 100 s.
RESTORE_SWEEP_SECONDS = 5


def celery_config(
    settings: Settings, broker_url: str, broker_options: Mapping[str, object] | None = None
) -> dict[str, Any]:
    """Every Celery setting newsdesk relies on, in one place (tests guard these values).

    ``broker_options`` adds what the broker's kind needs (Sentinel's master name, see workers.connections).
    """
    worker = settings.worker
    return {
        "broker_url": broker_url,
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,
        "broker_transport_options": {
            # Must exceed the hard time limit: an unacknowledged task is redelivered after it.
            "visibility_timeout": worker.visibility_timeout,
            "unacked_restore_interval": RESTORE_SWEEP_SECONDS,
            "unacked_restore_throttle": 1,
            "socket_connect_timeout": PUBLISH_TIMEOUT_SECONDS,
            "socket_timeout": 30,
            "health_check_interval": 10,
            **(broker_options or {}),
        },
        "broker_pool_limit": 10,
        # JSON only: a pickled message is refused before it reaches any task.
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "event_serializer": "json",
        "task_ignore_result": True,
        "result_backend": None,
        # At-least-once: acknowledge after the task ran; a dead worker's task is redelivered.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_acks_on_failure_or_timeout": True,
        "worker_prefetch_multiplier": worker.prefetch_multiplier,
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "task_soft_time_limit": worker.soft_time_limit,
        "task_time_limit": worker.time_limit,
        # Events let Flower see every task, including queued ones.
        "worker_send_task_events": True,
        "task_send_sent_event": True,
        "task_create_missing_queues": True,
        "task_default_queue": PROCESS_QUEUE,
        "task_routes": {
            PROCESS_PAGE_TASK: {"queue": PROCESS_QUEUE},
            CRAWL_SOURCE_TASK: {"queue": CRAWL_QUEUE},
            WARC_FILE_TASK: {"queue": CRAWL_QUEUE},
        },
        "task_publish_retry_policy": {
            "max_retries": 2,
            "interval_start": 0.1,
            "interval_step": 0.5,
            "interval_max": 1.0,
        },
        # Reconnect to the broker every couple of seconds at most (a Sentinel failover; workers/consumer.py).
        "worker_consumer": CONSUMER_PATH,
        "worker_hijack_root_logger": False,
        "worker_redirect_stdouts": False,
        "timezone": "UTC",
        "enable_utc": True,
    }


def create_celery_app(
    settings: Settings, broker_url: str, *, broker_options: Mapping[str, object] | None = None
) -> Celery:
    """Build the newsdesk Celery app; tasks are attached by :func:`workers.tasks.register_tasks`."""
    app = Celery("newsdesk", set_as_current=False)
    app.conf.update(celery_config(settings, broker_url, broker_options))
    return app
