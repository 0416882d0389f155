from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from pipelines.errors import InvalidPayload
from pipelines.models import Page
from workers.codec import compress_body, decode_ref, decompress_body, encode_ref, page_from_ref
from workers.dispatch import page_task_id

PAGE = Page(
    url="http://news.test/a?utm_source=x",
    final_url="http://news.test/a",
    status=200,
    body="<html><body><p>Grüße</p></body></html>".encode(),
    source_id="news",
    fetched_at=datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
    content_type="text/html; charset=utf-8",
    etag='"abc"',
    source_language="de",
)


def test_page_round_trips_through_json_with_body_by_reference() -> None:
    payload = json.loads(json.dumps(encode_ref(PAGE, "newsdesk:body:x")))
    assert "body" not in payload and payload["url"] == PAGE.url
    ref = decode_ref(payload)
    blob = compress_body(PAGE.body)
    assert page_from_ref(ref, decompress_body(blob)) == PAGE


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"v": 99},
        {"v": 1, "url": "x"},
        {**encode_ref(PAGE, "k"), "url": ""},
        {**encode_ref(PAGE, "k"), "status": "200"},
        {**encode_ref(PAGE, "k"), "surprise": 1},
    ],
)
def test_malformed_payloads_are_permanent_errors(payload: dict[str, object]) -> None:
    with pytest.raises(InvalidPayload):
        decode_ref(payload)


def test_body_must_match_digest_and_decompress() -> None:
    ref = decode_ref(encode_ref(PAGE, "k"))
    with pytest.raises(InvalidPayload, match="does not match"):
        page_from_ref(ref, b"other body")
    with pytest.raises(InvalidPayload, match="decompress"):
        decompress_body(b"not zlib")


def test_task_id_is_deterministic_per_page_and_body() -> None:
    assert page_task_id(PAGE) == page_task_id(PAGE)
    changed = Page(**{**PAGE.__dict__, "body": b"<p>new</p>"})
    assert page_task_id(changed) != page_task_id(PAGE)
