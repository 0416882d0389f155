"""The per-file WARC task keeps the delivery guarantees and its slices fit inside the time limits."""

from __future__ import annotations

from celery import Celery

from config.settings import parse_settings
from workers.app import create_celery_app
from workers.context import WorkerContext
from workers.queues import CRAWL_QUEUE, WARC_FILE_TASK
from workers.warc_tasks import lease_seconds, register_warc_tasks, slice_seconds

BROKER = "redis://127.0.0.1:1/0"  # never contacted


def app_with_task(environ: dict[str, str]) -> tuple[Celery, WorkerContext]:
    settings = parse_settings(None, environ)
    app = create_celery_app(settings, BROKER)
    context = WorkerContext(settings, BROKER)
    register_warc_tasks(app, context)
    return app, context


def test_the_warc_task_is_late_acked_json_and_routed_to_the_crawl_queue() -> None:
    app, _ = app_with_task({})
    task = app.tasks[WARC_FILE_TASK]
    assert task.acks_late is True and task.reject_on_worker_lost is True and task.serializer == "json"
    assert app.amqp.router.route({}, WARC_FILE_TASK)["queue"].name == CRAWL_QUEUE


def test_a_slice_ends_before_the_soft_limit_and_a_dead_readers_lease_lapses_before_redelivery() -> None:
    chaos = {"NEWSDESK_WORKER_SOFT_TIME_LIMIT": "10", "NEWSDESK_WORKER_TIME_LIMIT": "15"}
    for environ in ({}, {**chaos, "NEWSDESK_WORKER_VISIBILITY_TIMEOUT": "20"}):
        settings = parse_settings(None, environ)
        assert slice_seconds(settings) < settings.worker.soft_time_limit
        assert slice_seconds(settings) < lease_seconds(settings) < settings.worker.visibility_timeout
