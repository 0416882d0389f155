"""Progress: a bar per crawled source, and the processing bar that follows the stored rows."""

from __future__ import annotations

import io

from rich.console import Console

from crawler.progress import progress_of
from newsdesk.progress import Bars, follow_processing, wants_bars


def recording_bars() -> tuple[Bars, io.StringIO]:
    out = io.StringIO()
    return Bars(True, Console(file=out, force_terminal=True, width=120)), out


def test_progress_is_read_from_the_crawl_stats() -> None:
    stats = {
        "scheduler/enqueued": 10,
        "scheduler/dequeued": 7,
        "newsdesk/pages": 4,
        "newsdesk/skipped_unchanged": 1,
        "newsdesk/items_sent": 4,
        "newsdesk/failed/http 4xx": 2,
        "newsdesk/failed/robots": 1,
    }
    running = progress_of("planet", stats)
    assert (running.done, running.scheduled, running.fetched, running.queued, running.errors) == (7, 10, 5, 4, 2)
    assert progress_of("planet", stats, finished=True).done == 10


def test_each_source_gets_its_own_bar() -> None:
    bars, out = recording_bars()
    with bars:
        bars.crawl(progress_of("planet", {"scheduler/enqueued": 4, "scheduler/dequeued": 2, "newsdesk/pages": 2}))
        bars.crawl(progress_of("metro", {"scheduler/enqueued": 2, "newsdesk/failed/dns": 1}))
    text = out.getvalue()
    assert "planet" in text and "metro" in text and "fetched 2" in text and "errors 1" in text


def test_the_processing_bar_ends_when_the_rows_are_stored() -> None:
    bars, out = recording_bars()
    rows = iter([0, 1, 2, 3, 3, 3])
    with bars:
        done, finished = follow_processing(bars, 3, lambda: next(rows), lambda: 0)
    assert (done, finished) == (3, True)
    assert "processing" in out.getvalue()


def test_the_processing_bar_gives_up_when_nothing_moves() -> None:
    bars, _ = recording_bars()
    with bars:
        done, finished = follow_processing(bars, 5, lambda: 0, lambda: 5, stall_seconds=0.6)
    assert (done, finished) == (0, False)


def test_no_bars_for_scripts() -> None:
    assert not wants_bars(quiet=True, as_json=False, forced=True)
    assert not wants_bars(quiet=False, as_json=True, forced=True)
    assert wants_bars(quiet=False, as_json=False, forced=True)
