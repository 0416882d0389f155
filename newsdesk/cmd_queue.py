"""Commands around the queue: worker and dead-letters (arguments in :mod:`newsdesk.queue_args`)."""

from __future__ import annotations

import argparse
import socket
import uuid
from pathlib import Path

from celery import signals

from config.settings import Settings
from crawler.spool import Spool
from newsdesk.datadir_db import open_existing_database
from newsdesk.spool_drainer import SpoolDrainer
from pipelines.errors import InvalidPayload
from pipelines.storage import repository
from pipelines.storage.engine import make_engine
from workers.context import WorkerContext
from workers.metrics import install_worker_metrics
from workers.pool_exit import bound_child_exit_wait
from workers.queues import ALL_QUEUES, PROCESS_PAGE_TASK
from workers.records import PagePayload, PageRef
from workers.runtime import build_runtime, resolve_broker_url
from workers.supervisor import supervise
from workers.tasks import register_tasks
from workers.warc_tasks import register_warc_tasks


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    if args.supervise:
        WorkerContext(settings, resolve_broker_url(settings)).check()  # a broken rules file fails once, here
        return supervise(lambda: run_worker(settings, args))
    return run_worker(settings, args)


def run_worker(settings: Settings, args: argparse.Namespace) -> int:
    broker_url = resolve_broker_url(settings)
    # The worker's own config file, for the crawls it runs (NEWSDESK_CONFIG reaches them through the environment).
    context = WorkerContext(settings, broker_url, Path(args.config_path) if args.config_path else None)
    context.check()  # refuse to start without valid rules
    runtime = build_runtime(settings)
    register_tasks(runtime.app, context)
    register_warc_tasks(runtime.app, context)  # WARC files, a slice per task (newsdesk/cmd_warc.py)
    queues = args.queues or ",".join(ALL_QUEUES)
    argv = [
        "worker",
        f"--queues={queues}",
        f"--concurrency={args.concurrency or settings.worker.concurrency}",
        f"--pool={args.pool}",
        f"--loglevel={settings.log_level}",
        f"--hostname={args.name or 'newsdesk'}@{socket.gethostname()}",
        "--without-gossip",
        "--without-mingle",
    ]
    if args.max_tasks_per_child:
        argv.append(f"--max-tasks-per-child={args.max_tasks_per_child}")
    install_worker_metrics(settings)
    bound_child_exit_wait()  # before the pool forks: a warm shutdown must not wait 30 s per child
    drainer = SpoolDrainer(Spool.of(settings), runtime.dispatcher.enqueue_page)
    # Started once the pool has forked, so no pool process inherits the thread.
    signals.worker_ready.connect(lambda **_: drainer.start(), weak=False)
    try:
        runtime.app.worker_main(argv)
    finally:
        drainer.stop()
    return 0


def cmd_dead_letters(settings: Settings, args: argparse.Namespace) -> int:
    if not open_existing_database(settings):
        print("no dead letters")
        return 0
    engine = make_engine(settings.sqlalchemy_url)
    letters = repository.list_dead_letters(engine)
    if args.retry:
        runtime = build_runtime(settings)
        for letter in letters:
            if letter["task_name"] == PROCESS_PAGE_TASK:
                try:
                    payload = PagePayload(PageRef.from_json(letter["payload"]))
                except InvalidPayload as exc:
                    print(f"cannot requeue {letter['task_key']}: {exc}")
                    continue
                # A fresh task id: the old one's delivery counter would dead-letter it again at once.
                runtime.dispatcher.send(payload, task_id=f"{payload.task_id}-retry-{uuid.uuid4().hex[:8]}")
                repository.mark_dead_letter_retried(engine, int(letter["id"]))
                print(f"requeued {letter['task_key']}")
        return 0
    for letter in letters:
        url = letter["payload"].get("url", "?") if isinstance(letter["payload"], dict) else "?"
        print(f"{letter['id']:>5}  {letter['attempts']} tries  {url}  {letter['error'][:100]}")
    if not letters:
        print("no dead letters")
    return 0
