"""Sign-in limits over a sliding one-minute window, kept so that nobody can lock a user out.

Budgets, each per minute:

- **per client address**, every attempt: a guesser at one address is slowed whatever names it tries
  (and so is its guessing at any one account);
- **per account**, failures, but only for strangers.  A browser that signed in to that account before
  (it holds the account's signed device cookie), or an address the account signed in from in the
  last 30 days, is counted under its own device id or address instead, with the per-address budget.

So a distributed attack on one account is bounded by the account budget, and the account's owner,
signing in from a browser or a place she used before, is not refused because of it; an attacker on one
address (whose budget is below the account's) cannot lock her out anywhere else.  An attempt
refused by any budget is not checked and counts against none of the others; a successful sign-in
is not a failure and is handed back.
The counters are in memory, per server process.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WINDOW_SECONDS = 60.0
MAX_KEYS = 100_000
KNOWN_ADDRESS_SECONDS = 30 * 86400.0


class SlidingWindowLimiter:
    """Counts hits per key over a sliding window; a limit of 0 switches a key's limit off."""

    def __init__(self, window: float = WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self._window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] >= self._window:
            hits.popleft()
        return hits

    def reserve(self, budgets: Sequence[tuple[str, int]]) -> bool:
        """Count one hit on every ``(key, limit)`` at once, or, if any key is at its limit, on none."""
        now = self._clock()
        with self._lock:
            live = [(self._live(key, now), limit) for key, limit in budgets if limit > 0]
            if any(len(hits) >= limit for hits, limit in live):
                return False
            for hits, _limit in live:
                hits.append(now)
            self._prune(now)
            return True

    def refund(self, keys: Sequence[str]) -> None:
        """Hand back the latest hit of each key (an attempt that turned out not to count)."""
        with self._lock:
            for key in keys:
                hits = self._hits.get(key)
                if hits:
                    hits.pop()

    def hit(self, key: str, limit: int) -> bool:
        return self.reserve([(key, limit)])

    def _prune(self, now: float) -> None:
        # Drop idle keys so a spray of distinct names cannot grow memory forever.
        if len(self._hits) < MAX_KEYS:
            return
        for key in [k for k, v in self._hits.items() if not v or now - v[-1] >= self._window]:
            del self._hits[key]


@dataclass(frozen=True)
class Attempt:
    """The budgets one sign-in attempt was counted against; pass it back to :meth:`SignInLimits.succeeded`."""

    account: str
    address: str
    failure_keys: tuple[str, ...]


class SignInLimits:
    def __init__(
        self,
        per_address: int,
        per_account: int,
        limiter: SlidingWindowLimiter | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._per_address = per_address
        self._per_account = per_account
        self._limiter = limiter or SlidingWindowLimiter()
        self._clock = clock
        # (account, address) -> when it last signed in; oldest first, bounded.
        self._known: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    def _known_address(self, name: str, address: str) -> bool:
        with self._lock:
            seen = self._known.get((name, address))
            return seen is not None and self._clock() - seen < KNOWN_ADDRESS_SECONDS

    def admit(self, account: str, address: str, device: str | None) -> Attempt | None:
        """Count an attempt to sign in as ``account``; None when it must be refused unchecked.

        ``device`` is the device id from a valid device cookie for ``account``, if the browser sent one.
        """
        name = account.lower()
        # Failures of one account from one address are already bounded by the address budget.
        if device is not None:
            failure_budgets = [(f"device:{device}", self._per_address)]
        elif self._known_address(name, address):
            failure_budgets = [(f"account-address:{name}\0{address}", self._per_address)]
        else:
            failure_budgets = [(f"account:{name}", self._per_account)]
        if not self._limiter.reserve([(f"address:{address}", self._per_address), *failure_budgets]):
            return None
        return Attempt(name, address, tuple(key for key, limit in failure_budgets if limit > 0))

    def succeeded(self, attempt: Attempt) -> None:
        """The attempt signed in: it was no failure, and its address is now a known one for the account."""
        self._limiter.refund(attempt.failure_keys)
        with self._lock:
            self._known[(attempt.account, attempt.address)] = self._clock()
            self._known.move_to_end((attempt.account, attempt.address))
            while len(self._known) > MAX_KEYS:
                self._known.popitem(last=False)
