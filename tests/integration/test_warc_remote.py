"""A WARC file named by URL: streamed over HTTP, resumed with a Range request, refused without range support."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from pipelines.warc.job import WarcJob
from pipelines.warc.reader import WarcReader, WarcUnreachable, WarcUnreadable
from tests.support.http_site import HttpSite, RecordedRequest, Reply
from tests.support.warc_files import Spec, story_response, write_warc

RANGE = re.compile(r"bytes=(\d+)-$")


def ranged(data: bytes) -> Callable[[RecordedRequest], Reply]:
    def serve(request: RecordedRequest) -> Reply:
        match = RANGE.match(request.header("Range") or "")
        if not match:
            return Reply(200, {"Content-Type": "application/warc"}, data)
        start = int(match.group(1))
        headers = {"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"}
        return Reply(206, headers, data[start:])

    return serve


def urls(reader: WarcReader, after: int | None = None) -> list[tuple[int, str]]:
    return [(item.head.offset, item.page.url) for item in reader.items(after) if item.page is not None]


def test_a_remote_file_reads_like_the_local_one_and_resumes_with_a_range_request(tmp_path: Path) -> None:
    path = tmp_path / "remote.warc.gz"
    offsets = write_warc(path, [Spec("warcinfo"), *(story_response(n) for n in range(6))])
    local = urls(WarcReader(WarcJob(str(path)), 1 << 20))
    with HttpSite({"/cc/remote.warc.gz": ranged(path.read_bytes())}) as site:
        job = WarcJob(site.url("/cc/remote.warc.gz"))
        assert urls(WarcReader(job, 1 << 20)) == local
        site.clear()
        assert urls(WarcReader(job, 1 << 20), after=offsets[3]) == local[3:]
        assert site.requests[0].header("Range") == f"bytes={offsets[3]}-"


def test_a_server_without_range_support_cannot_resume_and_a_dead_one_is_transient(tmp_path: Path) -> None:
    path = tmp_path / "plain.warc"
    offsets = write_warc(path, [story_response(n) for n in range(3)])
    data = path.read_bytes()
    with HttpSite({"/plain.warc": (200, {}, data), "/down.warc": (503, {}, b"")}) as site:
        reader = WarcReader(WarcJob(site.url("/plain.warc")), 1 << 20)
        assert len(urls(reader)) == 3
        with pytest.raises(WarcUnreadable, match="range request"):
            list(WarcReader(WarcJob(site.url("/plain.warc")), 1 << 20).items(offsets[1]))
        with pytest.raises(WarcUnreachable, match="503"):
            list(WarcReader(WarcJob(site.url("/down.warc")), 1 << 20).items())
