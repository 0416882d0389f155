"""Helpers for the chaos tests: pages in flight, an audit of stored rows, pool children, and a results file.

Every chaos test ends with :func:`record_result`, which merges one row into a
JSON file (``NEWSDESK_TEST_RELIABILITY_OUT`` or ``bench/out/reliability.json``);
``bench/reliability_report.py`` turns that file into the table in RELIABILITY.md.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import redis
from sqlalchemy import Engine, func, select

from config.settings import Settings, parse_settings
from pipelines import keys
from pipelines.models import Page
from pipelines.storage.engine import make_engine
from pipelines.storage.migrate import upgrade
from pipelines.storage.schema import articles, dead_letters, review_items
from pipelines.urls import article_id, canonicalize
from tests.support.pages import article_html, story
from tests.support.processes import WorkerProcess, newsdesk_env, wait_until
from workers.app import celery_config
from workers.queue_depth import UNACKED_HASH
from workers.queues import PROCESS_QUEUE
from workers.runtime import Runtime, build_runtime

REPO_ROOT = Path(__file__).resolve().parents[2]
RESULTS_ENV = "NEWSDESK_TEST_RELIABILITY_OUT"
DEFAULT_RESULTS = REPO_ROOT / "bench" / "out" / "reliability.json"

# Short limits keep a redelivery after a crash inside a test's time budget (soft < hard < visibility).
VISIBILITY_TIMEOUT = 20
CHAOS_LIMITS = {
    "NEWSDESK_WORKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    "NEWSDESK_WORKER_TIME_LIMIT": "15",
    "NEWSDESK_WORKER_SOFT_TIME_LIMIT": "10",
}
PROCESSED_LINE = re.compile(r"newsdesk\.worker: processed (\S+) article=")


def chaos_env(data_dir: Path, redis_url: str, **extra: str) -> dict[str, str]:
    """A worker environment with the short chaos limits."""
    # PYTHONPATH lets a worker started from any directory import the tests' wrapper modules.
    return newsdesk_env(data_dir, redis_url, PYTHONPATH=str(REPO_ROOT), **{**CHAOS_LIMITS, **extra})


def chaos_pages(count: int, host: str = "chaos.test", start: int = 0) -> list[Page]:
    """``count`` small, distinct article pages (no two are near duplicates)."""
    fetched = datetime(2026, 11, 1, tzinfo=UTC)
    pages = []
    for n in range(start, start + count):
        title, paragraphs = story(n)
        url = f"http://{host}/a/{n}"
        pages.append(Page(url, url, 200, article_html(title, paragraphs).encode(), "chaos", fetched, "text/html"))
    return pages


def poison_page(mark: str, n: int) -> Page:
    """An article page whose URL carries ``mark``: the fault wrapper (tests/chaos/poison_worker.py) acts on it."""
    title, paragraphs = story(n)
    url = f"http://chaos.test{mark}{n}"
    fetched = datetime(2026, 11, 1, tzinfo=UTC)
    return Page(url, url, 200, article_html(title, paragraphs).encode(), "chaos", fetched, "text/html")


def expected_ids(pages: list[Page]) -> set[str]:
    return {article_id(canonicalize(page.final_url)) for page in pages}


@dataclass(frozen=True)
class Audit:
    """What the database holds compared with what was sent."""

    stored: int
    lost: int
    duplicated: int
    dead_letters: int


class RowAudit:
    """Counts rows in the articles, review and dead-letter tables of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def stored(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(articles)).scalar() or 0)

    def audit(self, expected: set[str]) -> Audit:
        with self.engine.connect() as connection:
            ids = [row[0] for row in connection.execute(select(articles.c.id))]
            # A re-run must not find the article's own earlier copy in the duplicate index.
            marked = int(
                connection.execute(
                    select(func.count()).select_from(articles).where(articles.c.duplicate_of == articles.c.id)
                ).scalar()
                or 0
            )
            items = [row[0] for row in connection.execute(select(review_items.c.article_id))]
            letters = int(connection.execute(select(func.count()).select_from(dead_letters)).scalar() or 0)
        extra_rows = len(ids) - len(set(ids)) + len(items) - len(set(items))
        return Audit(
            stored=len(set(ids) & expected),
            lost=len(expected - set(ids)),
            duplicated=extra_rows + marked,
            dead_letters=letters,
        )


def nothing_pending(client: redis.Redis) -> bool:
    """No message waiting or unacknowledged, and no task left in the outbox."""
    return in_flight(client) == 0 and client.zcard(keys.outbox_index()) == 0


def in_flight(client: redis.Redis) -> int:
    """Messages waiting on the processing queue plus those delivered and not yet acknowledged."""
    return int(client.llen(PROCESS_QUEUE)) + int(client.hlen(UNACKED_HASH))


def reruns(log_text: str) -> int:
    """Pages whose processing completed more than once (the price of at-least-once delivery)."""
    counts = Counter(PROCESSED_LINE.findall(log_text))
    return sum(n - 1 for n in counts.values() if n > 1)


def pool_children(pid: int) -> list[int]:
    """Pids of the direct children of ``pid`` (a prefork worker's pool processes), from /proc."""
    children: list[int] = []
    for task_dir in Path(f"/proc/{pid}/task").glob("*"):
        text = (task_dir / "children").read_text() if (task_dir / "children").exists() else ""
        children.extend(int(part) for part in text.split())
    return sorted(set(children))


@dataclass(frozen=True)
class FaultResult:
    """One row of the reliability table."""

    fault: str
    items: int
    lost: int
    duplicated: int
    reruns: int
    recover_seconds: float
    limit_seconds: float
    drain_seconds: float
    note: str = ""


def results_path() -> Path:
    return Path(os.environ.get(RESULTS_ENV) or DEFAULT_RESULTS)


def record_result(test_id: str, result: FaultResult) -> Path:
    """Merge ``result`` into the results file under ``test_id`` (written atomically)."""
    path = results_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data.setdefault("results", {})[test_id] = {
        **dataclasses.asdict(result),
        "test": os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0],
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_1min": round(os.getloadavg()[0], 2),
    }
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)
    return path


class Stopwatch:
    """Seconds since it was started or last reset."""

    def __init__(self) -> None:
        self.start = time.monotonic()

    def reset(self) -> None:
        self.start = time.monotonic()

    def elapsed(self) -> float:
        return round(time.monotonic() - self.start, 2)


# kombu's Redis transport defaults: a sweep every interval * throttle seconds restores unacked messages.
KOMBU_RESTORE_INTERVAL = 10
KOMBU_RESTORE_THROTTLE = 10


def restore_sweep_seconds(transport_options: dict[str, object]) -> float:
    """How often a running worker looks for unacknowledged messages whose visibility timeout passed."""
    interval = transport_options.get("unacked_restore_interval", KOMBU_RESTORE_INTERVAL)
    throttle = transport_options.get("unacked_restore_throttle", KOMBU_RESTORE_THROTTLE)
    assert isinstance(interval, int | float) and isinstance(throttle, int | float)
    return float(interval * max(throttle, 1))


def unacked_tags(client: redis.Redis) -> set[bytes]:
    return {tag if isinstance(tag, bytes) else str(tag).encode() for tag in client.hkeys(UNACKED_HASH)}


def orphans_returned(client: redis.Redis, orphans: set[bytes]) -> Callable[[], bool]:
    """True once none of ``orphans`` (unacked delivery tags of a dead consumer) is unacknowledged any more."""
    return lambda: not (orphans & unacked_tags(client))


class ChaosRig:
    """One test's newsdesk: settings from the chaos environment, a migrated SQLite, a producer and workers."""

    def __init__(self, tmp_path: Path, redis_url: str, **extra_env: str) -> None:
        self.tmp_path = tmp_path
        self.data_dir = tmp_path / "data"
        self.env = chaos_env(self.data_dir, redis_url, **extra_env)
        environ = {k: v for k, v in self.env.items() if k.startswith("NEWSDESK_") and k != "NEWSDESK_DATA_DIR"}
        self.settings: Settings = parse_settings(None, environ, data_dir=self.data_dir)
        upgrade(self.settings.sqlalchemy_url)
        self.runtime: Runtime = build_runtime(self.settings)
        self.engine = make_engine(self.settings.sqlalchemy_url)
        self.rows = RowAudit(self.engine)
        self.log_path = tmp_path / "worker.log"
        self.workers: list[WorkerProcess] = []

    @property
    def redis(self) -> redis.Redis:
        return self.runtime.redis

    def enqueue(self, pages: list[Page]) -> None:
        for page in pages:
            self.runtime.dispatcher.enqueue_page(page)

    def start_worker(self, module: str = "newsdesk", concurrency: int = 2, *, supervise: bool = False) -> WorkerProcess:
        extra = ["--supervise"] if supervise else None
        worker = WorkerProcess(self.env, self.log_path, concurrency=concurrency, extra_args=extra)
        worker.args[2] = module  # ``python -m <module> worker ...``: a wrapper module may stand in
        self.workers.append(worker.start())
        return worker

    def sweep_seconds(self) -> float:
        options = celery_config(self.settings, self.runtime.broker_url)["broker_transport_options"]
        return restore_sweep_seconds(options)

    def settle(self, pages: list[Page], timeout: float, message: str) -> Audit:
        """Wait until every page is stored and nothing is queued or unacknowledged; the audit then."""
        wanted = expected_ids(pages)
        wait_until(
            lambda: self.rows.audit(wanted).lost == 0 and in_flight(self.redis) == 0,
            timeout,
            interval=0.5,
            message=message,
        )
        return self.rows.audit(wanted)

    def wait(self, predicate: Callable[[], bool], timeout: float, message: str, interval: float = 0.2) -> float:
        """``wait_until``, whose failure carries the end of the worker's log (what CI shows of a flaky fault)."""
        try:
            return wait_until(predicate, timeout, interval=interval, message=message)
        except AssertionError as timed_out:
            tail = "\n".join(line for line in self.log().splitlines() if "processed" not in line)[-4000:]
            raise AssertionError(f"{timed_out}\n--- worker log, without the processed lines ---\n{tail}") from None

    def stored_at_least(self, count: float) -> Callable[[], bool]:
        return lambda: self.rows.stored() >= count

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.engine.dispose()
        self.runtime.redis.close()
