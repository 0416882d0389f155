"""crawler.resolver: the connect-time address check and its opt-ins (no real lookups)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from crawler.guard import GuardRefused
from crawler.resolver import GuardedResolver


def resolver(runner: Any = None, **kwargs: Any) -> GuardedResolver:
    return GuardedResolver(SimpleNamespace(), 0, 5.0, runner=runner, **kwargs)  # type: ignore[arg-type]


def test_public_answer_passes() -> None:
    assert resolver()._check("93.184.216.34", "news.example") == "93.184.216.34"


@pytest.mark.parametrize(("answer", "reason"), [("127.0.0.1", "loopback"), ("169.254.169.254", "metadata")])
def test_forbidden_answer_is_refused(answer: str, reason: str) -> None:
    with pytest.raises(GuardRefused, match=reason):
        resolver()._check(answer, "rebind.example")


def test_opt_ins() -> None:
    assert not resolver()._exempt("localhost")
    assert resolver(allow_private=True)._exempt("localhost")
    assert resolver(allowed_names=["LocalHost"])._exempt("localhost")
    opted_in = SimpleNamespace(crawlers=[SimpleNamespace(spider=SimpleNamespace(allow_private_hosts=True))])
    plain = SimpleNamespace(crawlers=[SimpleNamespace(spider=SimpleNamespace()), SimpleNamespace(spider=None)])
    assert resolver(runner=opted_in)._exempt("localhost")
    assert not resolver(runner=plain)._exempt("localhost")


def test_settings_come_from_the_process() -> None:
    settings = SimpleNamespace(
        getint=lambda key: 100,
        getbool=lambda key, default=False: {"DNSCACHE_ENABLED": True, "NEWSDESK_ALLOW_PRIVATE_HOSTS": False}[key],
        getlist=lambda key, default=None: ["localhost:8080"],
        getfloat=lambda key: 30.0,
    )
    built = GuardedResolver.from_crawler(SimpleNamespace(settings=settings), SimpleNamespace())  # type: ignore[arg-type]
    assert built.allowed_names == frozenset({"localhost"})
    assert not built.allow_private
    assert built.timeout == 30.0
