"""Filters on WARC records (language, hosts, MIME type, date range) and the job record that carries them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipelines.errors import InvalidPayload
from pipelines.models import Page, Provenance
from pipelines.warc.job import WarcFilters, WarcJob
from pipelines.warc.payload import dechunk, decode_body
from pipelines.warc.reader import WarcReader
from tests.support.pages import article_html
from tests.support.warc_files import WHEN, html_response, story_response, write_warc
from workers.records import PageRef

GERMAN = (
    "Die Stadtverwaltung hat am Dienstag angekündigt, dass die neue Brücke über den Fluss im Frühjahr eröffnet "
    "werden soll, zwei Jahre später als ursprünglich geplant, nachdem es Verzögerungen beim Stahl gab."
)


def pages(path: Path, filters: WarcFilters) -> list[str]:
    reader = WarcReader(WarcJob(str(path), filters=filters), 1 << 20)
    return [item.page.url for item in reader.items() if item.page is not None]


def test_language_comes_from_the_archive_the_server_the_page_or_the_text(tmp_path: Path) -> None:
    path = tmp_path / "lang.warc"
    undeclared = f"<html><body><p>{GERMAN}</p></body></html>"
    write_warc(
        path,
        [
            story_response(1),  # <html lang='en'>
            html_response(
                "http://news.test/cl", "<html><p>x</p></html>", extra_headers=[("Content-Language", "de-DE")]
            ),
            html_response(
                "http://news.test/cc",
                "<html><p>x</p></html>",
                warc_headers={"WARC-Identified-Content-Language": "deu,eng"},
            ),
            html_response("http://news.test/text", undeclared),
        ],
    )
    assert pages(path, WarcFilters(languages=frozenset({"de"}))) == [
        "http://news.test/cl", "http://news.test/cc", "http://news.test/text",
    ]  # fmt: skip
    assert pages(path, WarcFilters(languages=frozenset({"en"}))) == ["http://news.test/story/1", "http://news.test/cc"]
    assert len(pages(path, WarcFilters())) == 4


def test_hosts_are_allowed_and_denied_with_their_subdomains(tmp_path: Path) -> None:
    path = tmp_path / "hosts.warc.gz"
    write_warc(
        path, [story_response(1, host=h) for h in ("news.test", "www.news.test", "badnews.test", "ads.news.test")]
    )
    allow = WarcFilters(allow_hosts=frozenset({"news.test"}), deny_hosts=frozenset({"ads.news.test"}))
    assert pages(path, allow) == ["http://news.test/story/1", "http://www.news.test/story/1"]
    assert pages(path, WarcFilters(deny_hosts=frozenset({"news.test"}))) == ["http://badnews.test/story/1"]


def test_mime_types_and_date_range(tmp_path: Path) -> None:
    path = tmp_path / "when.warc"
    write_warc(
        path,
        [
            story_response(1, when=WHEN - timedelta(days=2)),
            story_response(2, when=WHEN),
            story_response(3, when=WHEN + timedelta(days=2)),
            html_response("http://news.test/x.xhtml", article_html("x"), content_type="application/xhtml+xml"),
            html_response("http://news.test/t.txt", "plain words", content_type="text/plain"),
        ],
    )
    window = WarcFilters(since=WHEN, until=WHEN + timedelta(days=1))
    assert pages(path, window) == ["http://news.test/story/2", "http://news.test/x.xhtml"]
    text_only = WarcFilters(mime_types=frozenset({"text/plain"}))
    assert pages(path, text_only) == ["http://news.test/t.txt"]


def test_a_job_round_trips_through_json_and_a_bad_one_is_refused() -> None:
    job = WarcJob(
        "/data/CC-NEWS-1.warc.gz",
        "ccnews",
        WarcFilters(
            languages=frozenset({"en"}),
            allow_hosts=frozenset({"news.test"}),
            since=datetime(2026, 1, 1, tzinfo=UTC),
        ),
    )
    assert WarcJob.from_json(json.loads(json.dumps(job.to_json()))) == job
    for bad in (
        {"v": 2, "location": "x", "source_id": "s"},
        {"v": 1, "location": "", "source_id": "s"},
        {"v": 1, "location": "x", "source_id": "s", "filters": {"languages": "en"}},
        {"v": 1, "location": "x", "source_id": "s", "filters": {"since": "2026-01-01"}},
        {"v": 1, "location": "x", "source_id": "s", "filters": {"colour": []}},
        ["not", "a", "job"],
    ):
        with pytest.raises(InvalidPayload):
            WarcJob.from_json(bad)


def test_provenance_crosses_the_queue_edge_and_a_malformed_one_is_refused() -> None:
    page = Page(
        "http://news.test/a", "http://news.test/a", 200, b"<p>x</p>", "warc", WHEN, "text/html",
        provenance=Provenance("/data/f.warc.gz", 12345, "urn:uuid:1"),
    )  # fmt: skip
    payload = json.loads(json.dumps(PageRef.of(page).to_json()))
    assert PageRef.from_json(payload).page(page.body) == page
    plain = Page("http://news.test/b", "http://news.test/b", 200, b"<p>y</p>", "s", WHEN)
    assert "provenance" not in PageRef.of(plain).to_json()
    with pytest.raises(InvalidPayload, match="provenance"):
        PageRef.from_json({**payload, "provenance": ["/f", -1, "id"]})


def test_dechunk_and_decode_are_capped() -> None:
    body = b"x" * 5000
    chunked = (
        b"".join(f"{100:x}\r\n".encode() + body[i : i + 100] + b"\r\n" for i in range(0, 5000, 100)) + b"0\r\n\r\n"
    )
    assert dechunk(chunked, 1 << 20) == body
    assert len(dechunk(chunked, 1000) or b"") == 1000
    assert dechunk(b"<html>not chunked</html>", 1 << 20) is None
    import gzip

    bomb = gzip.compress(b"\0" * (50 << 20))
    assert len(decode_body(bomb, "", "gzip", 1 << 20).data) == 1 << 20
