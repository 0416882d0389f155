"""What ``newsdesk ingest`` reads and what it refuses before anything is queued."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsdesk.ingest_readers import Found, Skipped, check_body, input_files, read_json_lines, reader_for

PAGE = b"<html><head><title>t</title></head><body><p>" + b"text " * 50 + b"</p></body></html>"
CAP = 10 * 1024 * 1024


@pytest.mark.parametrize("name", ["a.html", "A.HTML", "b.Htm", "c.jsonl", "d.NDJSON", "e.ndjson"])
def test_extensions_match_in_any_case(name: str) -> None:
    assert reader_for(Path(name)) is not None


def test_a_folder_lists_what_it_skips(tmp_path: Path) -> None:
    (tmp_path / "a.HTML").write_bytes(PAGE)
    (tmp_path / "b.ndjson").write_text("")
    (tmp_path / "notes.txt").write_text("x")
    files, skipped = input_files([tmp_path])
    assert sorted(p.name for p in files) == ["a.HTML", "b.ndjson"]
    assert [Path(s.origin).name for s in skipped] == ["notes.txt"]
    assert "not a file ingest reads" in skipped[0].reason


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"", "empty"),
        (b"   \n\t", "empty"),
        (b"%PDF-1.4\x00\x01\x02binary", "not text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not text"),
        (bytes(range(256)) * 40, "not text"),
    ],
)
def test_empty_and_binary_bodies_are_refused_before_queueing(body: bytes, problem: str) -> None:
    reason = check_body(Found("f", "file:///f", body), CAP)
    assert reason is not None and reason.startswith(problem)


def test_a_page_over_the_cap_is_refused_without_being_read(tmp_path: Path) -> None:
    big = tmp_path / "big.html"
    with big.open("wb") as handle:
        handle.truncate(60 * 1024 * 1024)  # sparse: 60 MB on paper, nothing to read
    reader = reader_for(big)
    assert reader is not None
    (item,) = list(reader(big, CAP))
    assert isinstance(item, Skipped) and "cap" in item.reason
    assert check_body(Found("f", "file:///f", PAGE), CAP) is None
    assert "cap" in (check_body(Found("f", "file:///f", PAGE), 100) or "")


def test_json_lines_name_the_line_at_fault(tmp_path: Path) -> None:
    path = tmp_path / "pages.ndjson"
    lines = [json.dumps({"url": "https://a.test/1", "html": PAGE.decode()}), "{not json", json.dumps({"url": 3}), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    items = list(read_json_lines(path, CAP))
    assert isinstance(items[0], Found) and items[0].url == "https://a.test/1"
    assert [(type(i).__name__, i.origin.rsplit(":", 1)[1]) for i in items[1:]] == [("Skipped", "2"), ("Skipped", "3")]
