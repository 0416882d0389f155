from __future__ import annotations

from pipelines.source_health import RunFacts, assess


def run(n: int, *, responses: int = 20, blocked: int = 0, articles: int = 10, empty: int = 1) -> RunFacts:
    return RunFacts(f"r{n}", "finished", responses, blocked, articles, empty)


def test_steady_source_is_healthy() -> None:
    health = assess("s", [run(n) for n in range(5)])
    assert health.healthy and health.reason == "ok"


def test_jump_in_empty_extraction_means_a_layout_change() -> None:
    health = assess("s", [run(0, empty=9), *[run(n) for n in range(1, 6)]])
    assert not health.healthy
    assert "layout change" in health.reason
    assert health.empty_rate == 0.9 and health.baseline_empty_rate == 0.1


def test_jump_in_403_and_429_means_a_block() -> None:
    health = assess("s", [run(0, blocked=15), run(1), run(2)])
    assert not health.healthy and "blocked" in health.reason


def test_a_source_that_is_always_half_empty_is_not_flagged_for_it() -> None:
    # Its own baseline, not a global threshold: a feed of video pages is always mostly empty.
    assert assess("s", [run(n, empty=6) for n in range(4)]).healthy


def test_never_crawled_and_silent_sources() -> None:
    assert assess("s", []).reason == "never crawled"
    silent = assess("s", [run(0, responses=0, articles=0, empty=0), run(1)])
    assert not silent.healthy and "no responses" in silent.reason
