"""The delivery guarantees are configuration: this suite fails if any of them is ever switched off.

At-least-once needs late acknowledgement and a requeue when a worker dies;
safety needs JSON-only messages; and a running task must never be handed to a
second worker, so soft time limit < hard time limit < visibility timeout.
"""

from __future__ import annotations

from typing import Any

import pytest
from celery import Celery, Task
from hypothesis import given
from hypothesis import strategies as st
from kombu.connection import Connection
from kombu.exceptions import OperationalError

from config.errors import ConfigError
from config.settings import WorkerSettings, parse_settings
from workers.app import celery_config, create_celery_app
from workers.consumer import CONSUMER_PATH, bound_reconnect_interval
from workers.context import WorkerContext
from workers.queues import PROCESS_PAGE_TASK
from workers.tasks import register_tasks

BROKER = "redis://127.0.0.1:1/0"  # never contacted: building the app and registering tasks does not connect


def config_for(environ: dict[str, str]) -> dict[str, Any]:
    return celery_config(parse_settings(None, environ), BROKER)


@pytest.fixture(scope="module")
def app() -> Celery:
    """The app with newsdesk's tasks, registered once (Celery warns about a task name registered twice)."""
    settings = parse_settings(None, {})
    celery = create_celery_app(settings, BROKER)
    register_tasks(celery, WorkerContext(settings, BROKER))
    return celery


def test_late_acknowledgement_and_requeue_on_worker_loss_are_on() -> None:
    config = config_for({})
    assert config["task_acks_late"] is True
    assert config["task_reject_on_worker_lost"] is True
    assert config["worker_prefetch_multiplier"] >= 1


def test_only_json_is_produced_or_accepted() -> None:
    config = config_for({})
    assert config["accept_content"] == ["json"]
    assert config["task_serializer"] == "json"
    assert config["result_serializer"] == "json"
    assert config["event_serializer"] == "json"
    assert "result_accept_content" not in config or config["result_accept_content"] == ["json"]


def test_timeouts_are_ordered_soft_hard_visibility() -> None:
    config = config_for({})
    visibility = config["broker_transport_options"]["visibility_timeout"]
    assert config["task_soft_time_limit"] < config["task_time_limit"] < visibility


def test_a_dead_workers_messages_are_swept_back_well_within_the_visibility_timeout() -> None:
    options = config_for({})["broker_transport_options"]
    sweep = options.get("unacked_restore_interval", 10) * max(options.get("unacked_restore_throttle", 10), 1)
    assert sweep <= options["visibility_timeout"] / 2


def test_the_processing_task_keeps_the_app_guarantees(app: Celery) -> None:
    """A task decorator could override the app defaults; the page task must not."""
    task = app.tasks[PROCESS_PAGE_TASK]
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert task.serializer == "json"
    soft = task.soft_time_limit or app.conf.task_soft_time_limit
    hard = task.time_limit or app.conf.task_time_limit
    assert soft < hard < app.conf.broker_transport_options["visibility_timeout"]


def test_a_page_celery_gives_up_on_is_kept_as_a_dead_letter(app: Celery) -> None:
    """Time limits and exhausted retries end in Task.on_failure; the page task must keep the page, not drop it."""
    task = app.tasks[PROCESS_PAGE_TASK]
    assert type(task).on_failure is not Task.on_failure


def test_the_app_refuses_pickle_at_runtime() -> None:
    app = create_celery_app(parse_settings(None, {}), BROKER)
    assert list(app.conf.accept_content) == ["json"]
    assert "pickle" not in app.conf.accept_content and "application/x-python-serialize" not in app.conf.accept_content


@pytest.mark.parametrize(
    "name", ["acks_late", "task_acks_late", "reject_on_worker_lost", "accept_content", "serializer"]
)
def test_no_setting_can_turn_a_guarantee_off(name: str) -> None:
    assert name not in {f for f in WorkerSettings.__dataclass_fields__}
    with pytest.raises(ConfigError, match="unknown setting"):
        parse_settings({"worker": {name: False}}, {})
    # An environment variable of that name is not a setting and changes nothing.
    config = config_for({f"NEWSDESK_WORKER_{name.upper()}": "false"})
    assert config["task_acks_late"] is True and config["task_reject_on_worker_lost"] is True
    assert config["accept_content"] == ["json"]


@pytest.mark.parametrize(
    ("soft", "hard", "visibility"),
    [(60, 90, 90), (90, 90, 300), (100, 90, 300), (10, 400, 300), (10, 20, 15)],
)
def test_settings_refuse_disordered_timeouts(soft: int, hard: int, visibility: int) -> None:
    environ = {
        "NEWSDESK_WORKER_SOFT_TIME_LIMIT": str(soft),
        "NEWSDESK_WORKER_TIME_LIMIT": str(hard),
        "NEWSDESK_WORKER_VISIBILITY_TIMEOUT": str(visibility),
    }
    with pytest.raises(ConfigError, match="soft_time_limit < time_limit < visibility_timeout"):
        parse_settings(None, environ)


@given(st.integers(1, 5000), st.integers(1, 5000), st.integers(1, 5000))
def test_any_accepted_timeouts_reach_celery_in_order(soft: int, hard: int, visibility: int) -> None:
    file_data = {"worker": {"soft_time_limit": soft, "time_limit": hard, "visibility_timeout": visibility}}
    try:
        settings = parse_settings(file_data, {})
    except ConfigError:
        assert not soft < hard < visibility
        return
    config = celery_config(settings, BROKER)
    assert config["task_soft_time_limit"] < config["task_time_limit"]
    assert config["task_time_limit"] < config["broker_transport_options"]["visibility_timeout"]
    assert config["task_acks_late"] is True and config["accept_content"] == ["json"]


def test_the_worker_reconnects_to_the_broker_on_a_short_bounded_interval() -> None:
    assert config_for({})["worker_consumer"] == CONSUMER_PATH
    intervals: list[float] = []
    conn = bound_reconnect_interval(Connection(BROKER, connect_timeout=0.2))  # type: ignore[no-untyped-call]
    with pytest.raises(OperationalError):
        conn.ensure_connection(lambda _exc, interval: intervals.append(interval), max_retries=4)  # type: ignore[no-untyped-call]
    conn.release()  # type: ignore[no-untyped-call]
    # kombu's own defaults would have been 2, 4, 6, 8 seconds.
    assert intervals == [0.5, 1.0, 1.5, 2.0]
