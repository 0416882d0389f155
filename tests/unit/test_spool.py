from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.spool import Spool
from pipelines.errors import RedisUnavailable
from pipelines.models import Page
from workers.records import SpooledPage

LIMIT = 1 << 20


def page(n: int) -> Page:
    return Page(f"http://s.test/{n}", f"http://s.test/{n}", 200, f"<p>{n}</p>".encode(), "s", datetime.now(UTC))


def test_round_trip() -> None:
    original = page(1)
    assert SpooledPage.from_json(SpooledPage(original).to_json(), max_body_bytes=LIMIT).page == original


def test_drain_sends_in_order_and_keeps_what_failed(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool", LIMIT)
    for n in range(3):
        spool.put(page(n))
    assert len(spool) == 3
    sent: list[str] = []

    def flaky(p: Page) -> None:
        if len(sent) == 2:
            raise RedisUnavailable("down")
        sent.append(p.url)

    assert spool.drain(flaky) == 2
    assert len(spool) == 1
    assert spool.drain(lambda p: sent.append(p.url)) == 1
    assert len(spool) == 0 and sorted(sent) == sorted(f"http://s.test/{n}" for n in range(3))


def test_unreadable_file_is_moved_aside_not_lost(tmp_path: Path) -> None:
    spool = Spool(tmp_path, LIMIT)
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    assert spool.drain(lambda p: None) == 0
    assert (tmp_path / "broken.bad").exists()


@pytest.mark.parametrize("count", [0, 5])
def test_len_counts_files(tmp_path: Path, count: int) -> None:
    spool = Spool(tmp_path / "s", LIMIT)
    for n in range(count):
        spool.put(page(n))
    assert len(spool) == count


def test_a_spooled_zip_bomb_is_moved_aside_not_inflated(tmp_path: Path) -> None:
    spool = Spool(tmp_path, 1000)
    spool.put(Page("http://s.test/b", "http://s.test/b", 200, b"x" * 100_000, "s", datetime.now(UTC)))
    assert spool.drain(lambda p: None) == 0
    assert len(list(tmp_path.glob("*.bad"))) == 1
