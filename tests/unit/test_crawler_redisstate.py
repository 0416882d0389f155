"""crawler.redisstate: key scoping and the outage breaker."""

from __future__ import annotations

import logging

import pytest

from crawler.redisstate import OutageBreaker, scoped_key
from pipelines import keys


@pytest.mark.parametrize(
    ("namespace", "expected"),
    [("", "newsdesk:rate:news.example"), ("test-1", "newsdesk:test-1:rate:news.example")],
)
def test_scoped_key(namespace: str, expected: str) -> None:
    assert scoped_key(keys.host_rate("news.example"), namespace) == expected


def test_breaker_warns_on_each_transition_only(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    breaker = OutageBreaker("degrading", pause=2.0, clock=lambda: now[0])
    assert breaker.available()
    with caplog.at_level(logging.WARNING):
        breaker.failed(ConnectionError("refused"))
        assert not breaker.available()
        now[0] = 2.5
        assert breaker.available()  # time to try again
        breaker.failed(ConnectionError("refused"))  # still down: no second warning
        breaker.succeeded()
        breaker.succeeded()
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["Redis unreachable (refused); degrading", "Redis reachable again; shared state resumes"]
    assert breaker.failures == 2
