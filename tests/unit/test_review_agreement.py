"""Cohen's kappa, the Wilson interval and percentiles against worked examples."""

from __future__ import annotations

import pytest

from review.agreement import cohen_kappa, percentile, wilson_interval


def test_kappa_worked_example() -> None:
    # 50 items: both yes 20, both no 15, first yes/second no 5, first no/second yes 10.
    pairs = [("y", "y")] * 20 + [("n", "n")] * 15 + [("y", "n")] * 5 + [("n", "y")] * 10
    # p_o = 0.7; p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.4
    assert cohen_kappa(pairs) == pytest.approx(0.4)


def test_kappa_edges() -> None:
    assert cohen_kappa([]) is None
    assert cohen_kappa([("a", "a")] * 5) is None  # chance agreement is total: undefined
    assert cohen_kappa([("a", "a"), ("b", "b")]) == pytest.approx(1.0)
    assert cohen_kappa([("a", "b"), ("b", "a")]) == pytest.approx(-1.0)


def test_wilson_interval_matches_the_textbook() -> None:
    low, high = wilson_interval(8, 10) or (0.0, 0.0)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)
    assert wilson_interval(0, 0) is None
    zero = wilson_interval(0, 30)
    assert zero is not None and zero[0] == 0.0 and 0.1 < zero[1] < 0.12
    assert wilson_interval(30, 30) is not None and wilson_interval(30, 30)[1] == 1.0  # type: ignore[index]


def test_percentile_interpolates() -> None:
    assert percentile([], 0.5) is None
    assert percentile([4.0, 1.0, 3.0, 2.0], 0.5) == pytest.approx(2.5)
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.95) == pytest.approx(4.8)
    assert percentile([7.0], 0.95) == 7.0
