"""Gathers fetched pages for the hand-off and sends them together: when a batch is full, or after a short linger.

A page's Deferred fires only once its whole batch is queued or spooled, so
Scrapy still counts the item as in progress until it is safe, and the crawl's
own back-pressure (items in flight) holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from scrapy.utils.asyncio import CallLaterResult, call_later
from twisted.internet import threads
from twisted.internet.defer import Deferred, succeed
from twisted.python.failure import Failure

from pipelines.models import Page


class PageBatcher:
    """Calls ``send(pages)`` in a thread for every ``size`` pages, or ``linger_seconds`` after the first waiting one.

    ``send`` returns an outcome for the batch (e.g. "sent" or "spooled"), which each page's Deferred fires with.
    Used from the reactor thread only.
    """

    def __init__(self, send: Callable[[list[Page]], str], *, size: int, linger_seconds: float) -> None:
        if size < 1:
            raise ValueError("a batch holds at least one page")
        self._send = send
        self.size = size
        self.linger_seconds = linger_seconds
        self._waiting: list[tuple[Page, Deferred[str]]] = []
        self._timer: CallLaterResult | None = None
        # Batches by outcome, e.g. {"sent": 94, "spooled": 2}.
        self.batches: Counter[str] = Counter()

    def add(self, page: Page) -> Deferred[str]:
        done: Deferred[str] = Deferred()
        self._waiting.append((page, done))
        if len(self._waiting) >= self.size or self.linger_seconds <= 0:
            self.flush()
        elif self._timer is None:
            self._timer = call_later(self.linger_seconds, self._on_timer)
        return done

    def _on_timer(self) -> None:
        self._timer = None
        self.flush()

    def flush(self) -> Deferred[None]:
        """Send what is waiting now; the Deferred fires once it is sent (at once if nothing waits)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._waiting = self._waiting, []
        if not batch:
            return succeed(None)
        sending: Deferred[str] = threads.deferToThread(self._send, [page for page, _ in batch])

        def deliver(outcome: str) -> None:
            self.batches[outcome] += 1
            for _, done in batch:
                done.callback(outcome)

        def fail(failure: Failure) -> None:
            for _, done in batch:
                done.errback(failure)

        return sending.addCallbacks(deliver, fail)
