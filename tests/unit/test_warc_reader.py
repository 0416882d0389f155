"""The WARC reader on small files written by warcio: record kinds, encodings, damage, size cap, resume."""

from __future__ import annotations

import gzip
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from fastwarc.warc import ArchiveIterator

from pipelines.decode import decode_html
from pipelines.warc.job import WarcJob
from pipelines.warc.reader import Item, WarcReader, WarcUnreadable
from tests.support.pages import article_html, story
from tests.support.warc_files import (
    WHEN,
    Spec,
    chunked,
    html_response,
    story_response,
    write_warc,
    write_whole_file_gzip,
)

CAP = 1 << 20
BODY = article_html(*story(1)).encode()


def read(path: Path, after: int | None = None, after_records: int = 0) -> tuple[list[Item], WarcReader]:
    reader = WarcReader(WarcJob(str(path)), CAP)
    return list(reader.items(after, after_records)), reader


def mixed() -> list[Spec]:
    return [
        Spec("warcinfo"),
        Spec("request", "http://news.test/story/1"),
        story_response(1),
        Spec("revisit", "http://news.test/story/1", http_headers=[("Content-Type", "text/html")]),
        Spec("metadata", "http://news.test/story/1", b"fetchTimeMs: 12"),
        story_response(2),
    ]


@pytest.mark.parametrize("name", ["mixed.warc", "mixed.warc.gz"])
def test_only_response_records_become_pages_and_the_rest_are_counted(tmp_path: Path, name: str) -> None:
    offsets = write_warc(tmp_path / name, mixed())
    items, reader = read(tmp_path / name)
    assert [item.head.offset for item in items] == offsets
    assert [item.skipped for item in items] == [
        "type_warcinfo", "type_request", None, "type_revisit", "type_metadata", None,
    ]  # fmt: skip
    pages = [item.page for item in items if item.page is not None]
    assert [page.url for page in pages] == ["http://news.test/story/1", "http://news.test/story/2"]
    assert reader.damage is None


def test_target_uri_date_status_headers_and_provenance_come_from_the_record(tmp_path: Path) -> None:
    path = tmp_path / "one.warc.gz"
    spec = story_response(7, extra_headers=[("ETag", '"v1"'), ("Last-Modified", "Tue, 17 Nov 2026 10:00:00 GMT")])
    offsets = write_warc(path, [Spec("warcinfo"), spec])
    (item,) = [i for i in read(path)[0] if i.page]
    page = item.page
    assert page is not None
    assert (page.url, page.final_url, page.status) == ("http://news.test/story/7",) * 2 + (200,)
    assert page.fetched_at == WHEN
    assert page.content_type == "text/html; charset=utf-8"
    assert (page.etag, page.last_modified) == ('"v1"', "Tue, 17 Nov 2026 10:00:00 GMT")
    assert page.body == spec.payload
    assert page.provenance is not None and page.provenance.offset == offsets[1]
    assert page.provenance.file == str(path)
    # The offset is a seek point: the record found there carries the same id.
    with path.open("rb") as handle:
        handle.seek(page.provenance.offset)
        record = next(iter(ArchiveIterator(handle)))
        assert str(record.record_id).strip("<>") == page.provenance.record_id != ""


def test_chunked_and_gzip_encoded_bodies_are_decoded(tmp_path: Path) -> None:
    path = tmp_path / "enc.warc"
    write_warc(
        path,
        [
            html_response("http://news.test/c", chunked(BODY), extra_headers=[("Transfer-Encoding", "chunked")]),
            html_response("http://news.test/g", gzip.compress(BODY), extra_headers=[("Content-Encoding", "gzip")]),
            html_response("http://news.test/d", zlib.compress(BODY), extra_headers=[("Content-Encoding", "deflate")]),
            html_response(
                "http://news.test/cg",
                chunked(gzip.compress(BODY)),
                extra_headers=[("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")],
            ),
            # Common Crawl's way: the body is stored decoded and the header renamed.
            html_response("http://news.test/cc", BODY, extra_headers=[("X-Crawler-Content-Encoding", "gzip")]),
        ],
    )
    pages = [item.page for item in read(path)[0]]
    assert all(page is not None and page.body == BODY for page in pages), [p and p.body[:30] for p in pages]


def test_a_body_labelled_gzip_that_is_not_is_kept_and_a_broken_one_skipped(tmp_path: Path) -> None:
    path = tmp_path / "liar.warc"
    write_warc(
        path,
        [
            html_response("http://news.test/plain", BODY, extra_headers=[("Content-Encoding", "gzip")]),
            html_response(
                "http://news.test/broken", b"\x1f\x8b" + b"\x00" * 40, extra_headers=[("Content-Encoding", "gzip")]
            ),
            html_response("http://news.test/br", BODY, extra_headers=[("Content-Encoding", "br")]),
        ],
    )
    items = read(path)[0]
    assert items[0].page is not None and items[0].page.body == BODY
    assert [item.skipped for item in items[1:]] == ["undecodable_body", "undecodable_body"]


def test_a_wrong_charset_is_passed_on_and_decoding_still_reads_the_text(tmp_path: Path) -> None:
    text = "Ministerpräsident Müller eröffnet die Brücke über die Förde"
    html = f"<html><head><title>t</title></head><body><p>{text}</p></body></html>".encode("cp1252")
    path = tmp_path / "charset.warc.gz"
    write_warc(path, [html_response("http://news.test/de", html, content_type="text/html; charset=utf-8")])
    (item,) = read(path)[0]
    assert item.page is not None and item.page.content_type == "text/html; charset=utf-8"
    assert text in decode_html(item.page.body, item.page.content_type)


def test_a_truncated_gzip_member_stops_reading_there_and_reports_its_offset(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc.gz"
    offsets = write_warc(path, [story_response(n) for n in range(5)])
    data = path.read_bytes()
    path.write_bytes(data[: offsets[3] + (offsets[4] - offsets[3]) // 2])  # half of the fourth record's member
    items, reader = read(path)
    assert [item.head.offset for item in items] == offsets[:3]  # the cut record is not passed off as whole
    assert reader.damage is not None and reader.damage.offset == offsets[3]
    assert "gzip" in reader.damage.reason


def test_a_plain_warc_cut_inside_a_record_reports_its_offset(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc"
    offsets = write_warc(path, [story_response(n) for n in range(3)])
    path.write_bytes(path.read_bytes()[: offsets[2] + 400])
    items, reader = read(path)
    assert [item.head.offset for item in items] == offsets[:2]
    assert reader.damage is not None and reader.damage.offset == offsets[2]


@pytest.mark.parametrize("name", ["junk.warc", "junk.warc.gz"])
def test_garbage_after_the_last_record_is_damage_at_its_start(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    write_warc(path, [story_response(n) for n in range(3)])
    size = path.stat().st_size
    path.write_bytes(path.read_bytes() + b"this is not a WARC record\n" * 20)
    items, reader = read(path)
    assert len([item for item in items if item.page]) == 3
    assert reader.damage is not None and reader.damage.offset == size


def test_a_record_over_the_size_cap_is_skipped_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.warc.gz"
    huge = article_html("big", ("word " * 300_000,)).encode()
    write_warc(path, [story_response(1), html_response("http://news.test/huge", huge), story_response(2)])
    items, _ = read(path)
    assert [item.skipped for item in items] == [None, "over_size_cap", None]


def test_a_non_2xx_response_and_a_non_html_type_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "kinds.warc"
    write_warc(
        path,
        [
            html_response("http://news.test/gone", BODY, status="404 Not Found"),
            html_response("http://news.test/moved", b"", status="301 Moved Permanently"),
            html_response("http://news.test/logo.png", b"\x89PNG....", content_type="image/png"),
            html_response("http://news.test/feed", b"<rss/>", content_type="application/rss+xml"),
            story_response(3),
        ],
    )
    assert [item.skipped for item in read(path)[0]] == [
        "http_status", "http_status", "mime_filtered", "mime_filtered", None,
    ]  # fmt: skip


def test_reading_after_a_checkpoint_continues_with_the_next_record(tmp_path: Path) -> None:
    path = tmp_path / "resume.warc.gz"
    offsets = write_warc(path, [story_response(n) for n in range(6)])
    items, _ = read(path, after=offsets[2], after_records=3)
    assert [item.head.offset for item in items] == offsets[3:]


def test_a_whole_file_gzip_stream_is_read_and_resumed_by_record_count(tmp_path: Path) -> None:
    path = tmp_path / "whole.warc.gz"
    write_whole_file_gzip(path, [story_response(n) for n in range(5)])
    items, reader = read(path)
    assert [item.page.url for item in items if item.page] == [f"http://news.test/story/{n}" for n in range(5)]
    assert not reader.seekable
    later, _ = read(path, after=items[1].head.offset, after_records=2)
    assert [item.page.url for item in later if item.page] == [f"http://news.test/story/{n}" for n in range(2, 5)]


def test_a_missing_file_is_one_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(WarcUnreadable, match=r"nothing\.warc"):
        read(tmp_path / "nothing.warc")


def test_a_file_that_is_no_warc_at_all_is_damage_at_offset_zero(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_bytes(b"<html>not an archive</html>\n")
    items, reader = read(path)
    assert items == [] and reader.damage is not None and reader.damage.offset == 0


def test_an_empty_file_has_no_records_and_no_damage(tmp_path: Path) -> None:
    path = tmp_path / "empty.warc"
    path.write_bytes(b"")
    items, reader = read(path)
    assert items == [] and reader.damage is None


def test_records_without_a_date_or_an_http_uri_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "odd.warc"
    write_warc(path, [html_response("ftp://news.test/x", BODY), story_response(1, when=WHEN + timedelta(days=1))])
    assert [item.skipped for item in read(path)[0]] == ["not_http_uri", None]


def test_a_corrupt_gzip_member_in_the_middle_stops_there_with_its_offset(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.warc.gz"
    offsets = write_warc(path, [story_response(n) for n in range(5)])
    data = bytearray(path.read_bytes())
    middle = (offsets[2] + offsets[3]) // 2
    data[middle : middle + 64] = b"\xff" * 64  # deflate data no decoder accepts
    path.write_bytes(bytes(data))
    items, reader = read(path)
    assert [item.head.offset for item in items] == offsets[:2]
    assert reader.damage is not None and reader.damage.offset == offsets[2]
