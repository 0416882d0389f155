"""The pool child's exit wait is bounded before the pool forks (see workers/pool_exit.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from billiard import pool

from workers.pool_exit import CHILD_EXIT_WAIT_SECONDS, bound_child_exit_wait


@pytest.fixture
def billiard_limit() -> Iterator[None]:
    saved = pool.GUARANTEE_MESSAGE_CONSUMPTION_RETRY_LIMIT
    yield
    pool.GUARANTEE_MESSAGE_CONSUMPTION_RETRY_LIMIT = saved


def test_the_default_bound_is_far_below_the_visibility_timeout(billiard_limit: None) -> None:
    limit = bound_child_exit_wait()
    assert limit * pool.GUARANTEE_MESSAGE_CONSUMPTION_RETRY_INTERVAL == pytest.approx(CHILD_EXIT_WAIT_SECONDS)
    assert limit == pool.GUARANTEE_MESSAGE_CONSUMPTION_RETRY_LIMIT
    assert CHILD_EXIT_WAIT_SECONDS < 5


def test_a_child_that_was_never_credited_gives_up_after_the_bound(billiard_limit: None) -> None:
    bound_child_exit_wait(0.3)

    class NeverCredited:
        value = 0

    child = pool.Worker.__new__(pool.Worker)
    child.on_ready_counter = NeverCredited()
    assert child._ensure_messages_consumed(completed=1) is False  # gave up, after 3 polls of 0.1 s


def test_a_tiny_bound_still_polls_once(billiard_limit: None) -> None:
    assert bound_child_exit_wait(0.0) == 1
