"""The queue's edge: every broker message is checked before Celery or any task code unpacks it.

Celery takes a message's body apart in the worker's main process
(``args, kwargs, embed = body``); a message of the wrong shape raised there and
ended the worker with "Unrecoverable error", went back on the queue and ended
the next worker too.  :class:`GuardedConsumer` replaces Celery's consumer
(``worker_consumer``) and refuses, before anything else runs, a message that is:

- larger than ``worker.max_message_bytes``;
- not JSON (pickle, YAML, msgpack: any other content type or encoding);
- not Celery's protocol 2 shape (headers naming a task and an id; a body of
  ``[[], {kwargs}, {embed}]`` with no callbacks, errbacks, chains or chords);
- for a task newsdesk does not have, or with kwargs its record refuses
  (:func:`workers.records.request_from_json`).

A refused message is acknowledged (it never comes back), kept as a dead
letter that holds only its digest, its size and its first few KB
(:class:`~workers.records.RefusedMessage`, one row per distinct message), and
counted in ``newsdesk_refused_messages_total{reason}``.  The worker goes on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from celery.worker.consumer import Consumer
from prometheus_client import Counter
from sqlalchemy.exc import SQLAlchemyError

from pipelines.errors import InvalidPayload
from pipelines.storage import repository
from workers.context import WorkerContext
from workers.records import RefusedMessage, TaskKey, request_from_json

log = logging.getLogger("newsdesk.edge")
JSON = "application/json"
REFUSED_TASK = "refused"
# Keys of a protocol-2 body's third element that would make a worker send further tasks.
_EMBED_LINKS = ("callbacks", "errbacks", "chain", "chord")


@dataclass(frozen=True)
class Refusal:
    """Why a message is refused: a short reason (a metric label) and the fault in words."""

    reason: str
    detail: str


def check_message(
    headers: object, content_type: object, content_encoding: object, body: object, *, max_bytes: int
) -> Refusal | None:
    """None when the message may go on to Celery, else why not.  Pure: it only reads its arguments."""
    if not isinstance(body, (bytes, str)):
        return Refusal("wrong_shape", f"a message body of type {type(body).__name__}")
    size = len(body)
    if size > max_bytes:
        return Refusal("too_large", f"a message of {size} bytes (at most {max_bytes})")
    if content_type != JSON or str(content_encoding or "utf-8").lower() not in ("utf-8", "utf8"):
        return Refusal("content_type", f"content type {content_type!r} ({content_encoding!r}); only JSON is accepted")
    if not isinstance(headers, Mapping):
        return Refusal("wrong_shape", "message headers are not a mapping")
    header_bytes = sum(len(str(value)) for value in headers.values())
    if size + header_bytes > max_bytes:
        return Refusal("too_large", f"{size} bytes of body and {header_bytes} of headers (at most {max_bytes})")
    task_name, task_id = headers.get("task"), headers.get("id")
    if not isinstance(task_name, str) or not isinstance(task_id, str):
        return Refusal("wrong_shape", "message headers name no task and id")
    retries = headers.get("retries", 0)
    if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
        return Refusal("wrong_shape", f"retries header {retries!r}"[:200])
    try:
        TaskKey(task_id, retries)
        decoded = json.loads(body)
    except InvalidPayload as exc:
        return Refusal("wrong_shape", str(exc))
    except ValueError as exc:
        return Refusal("not_json", f"body is not JSON: {exc}")
    if not (isinstance(decoded, list) and len(decoded) == 3):
        return Refusal("wrong_shape", "body is not [args, kwargs, embed]")
    args, kwargs, embed = decoded
    if args != [] or not isinstance(embed, dict) or any(embed.get(link) for link in _EMBED_LINKS):
        return Refusal(
            "wrong_shape", "positional arguments or linked tasks; newsdesk tasks take keyword arguments only"
        )
    try:
        request_from_json(task_name, kwargs)
    except InvalidPayload as exc:
        return Refusal("bad_kwargs", f"{task_name}: {exc}")
    return None


def refused_counter() -> Counter:
    return Counter(
        "newsdesk_refused_messages", "Broker messages refused at the edge, before any task ran, by fault", ["reason"],
        registry=None,
    )  # fmt: skip


class EdgeGuard:
    """Checks one kombu message; a refused one is acknowledged, dead-lettered (bounded) and counted."""

    def __init__(self, context: WorkerContext, counter: Counter) -> None:
        self.context = context
        self.counter = counter

    def admit(self, message: Any) -> bool:
        max_bytes = self.context.settings.worker.max_message_bytes
        try:
            refusal = check_message(
                message.headers, message.content_type, message.content_encoding, message.body, max_bytes=max_bytes
            )
        except Exception as exc:
            refusal = Refusal("wrong_shape", f"{type(exc).__name__}: {exc}")
        if refusal is None:
            return True
        self.refuse(message, refusal)
        return False

    def refuse(self, message: Any, refusal: Refusal) -> None:
        body = message.body if isinstance(message.body, bytes) else str(message.body).encode("utf-8", "replace")
        kept = RefusedMessage.of(body)
        error = f"refused at the edge ({refusal.reason}): {refusal.detail}"[:1000]
        try:
            repository.record_dead_letter(
                self.context.fresh().engine, f"refused-{kept.sha256[:32]}:0", REFUSED_TASK, kept.to_json(), error, 1
            )
        except SQLAlchemyError as exc:
            log.error("cannot keep a refused message as a dead letter: %s", exc)
        self.counter.labels(reason=refusal.reason).inc()
        log.error("refused a broker message of %d bytes (sha256 %s): %s", kept.size, kept.sha256[:16], error)
        try:
            message.ack()
        except Exception as exc:
            log.warning("cannot acknowledge a refused message: %s", exc)


def guarded_consumer(context: WorkerContext) -> type[Consumer]:
    """A Celery consumer class whose task handler asks :class:`EdgeGuard` first (``worker_consumer``)."""

    class GuardedConsumer(Consumer):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # Made here, in the worker's main process, after metrics went multiprocess.
            self.edge = EdgeGuard(context, refused_counter())

        def create_task_handler(self, *args: Any, **kwargs: Any) -> Callable[[Any], Any]:
            handle = super().create_task_handler(*args, **kwargs)
            edge = self.edge

            def on_task_received(message: Any) -> Any:
                if not edge.admit(message):
                    return None
                try:
                    return handle(message)
                except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
                    # What slipped past the checks: refused too, never the end of the worker.
                    edge.refuse(message, Refusal("wrong_shape", f"{type(exc).__name__}: {exc}"))
                    return None

            return on_task_received

    return GuardedConsumer
