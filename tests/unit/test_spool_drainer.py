"""The spool drainer: one drainer at a time per spool, and a failure leaves pages where they are."""

from __future__ import annotations

import fcntl
from datetime import UTC, datetime
from pathlib import Path

from crawler.spool import Spool
from newsdesk import doctor
from newsdesk.spool_drainer import LOCK_NAME, drain_once
from pipelines.errors import RedisUnavailable
from pipelines.models import Page


def page(n: int) -> Page:
    url = f"https://a.test/{n}"
    return Page(url, url, 200, f"<p>{n}</p>".encode(), "s", datetime.now(UTC))


def test_drain_once_sends_everything_and_skips_while_another_process_drains(tmp_path: Path) -> None:
    spool = Spool(tmp_path, 10 * 1024 * 1024)
    for n in range(3):
        spool.put(page(n))
    sent: list[str] = []
    with (tmp_path / LOCK_NAME).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert drain_once(spool, lambda p: sent.append(p.url)) == 0
        fcntl.flock(handle, fcntl.LOCK_UN)
    assert drain_once(spool, lambda p: sent.append(p.url)) == 3
    assert len(spool) == 0 and sorted(sent) == [f"https://a.test/{n}" for n in range(3)]


def test_a_failed_send_keeps_the_pages(tmp_path: Path) -> None:
    spool = Spool(tmp_path, 10 * 1024 * 1024)
    spool.put(page(1))

    def down(_: Page) -> None:
        raise RedisUnavailable("down")

    assert drain_once(spool, down) == 0
    assert len(spool) == 1


def test_the_doctor_verdict_on_the_spool() -> None:
    assert doctor.spool(0, "/d/spool", True).status == "PASS"
    assert doctor.spool(2, "/d/spool", False).status == "WARN"
    assert "within a minute" in doctor.spool(2, "/d/spool", True).reason
