"""The queue's records: every payload, key and result round-trips through JSON, and every bad shape is refused."""

from __future__ import annotations

import ast
import json
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import workers.tasks
from pipelines.errors import InvalidPayload
from pipelines.models import Page
from workers.dispatch import page_task_id
from workers.records import (
    MAX_BATCH_PAGES,
    BatchPayload,
    CrawlResult,
    OutboxEntry,
    PagePayload,
    PageRef,
    PageResult,
    RefusedMessage,
    TaskKey,
    TaskResult,
    compress_body,
    decompress_body,
    payload_for,
    payload_from_json,
)

ROOT = Path(__file__).resolve().parents[2]
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
OTHER = Page(**{**PAGE.__dict__, "url": "http://news.test/b", "final_url": "http://news.test/b"})


def wire(data: Any) -> Any:
    return json.loads(json.dumps(data))


def test_page_round_trips_through_json_with_body_by_reference() -> None:
    ref = PageRef.of(PAGE)
    payload = wire(PagePayload(ref).to_json())
    assert "body" not in payload["page"] and payload["page"]["url"] == PAGE.url
    decoded = PagePayload.from_json(payload)
    assert decoded.page == ref
    assert decoded.page.page(decompress_body(compress_body(PAGE.body), 1 << 20)) == PAGE
    assert ref.body_key.endswith(ref.task_id) and ref.task_id == page_task_id(PAGE)


def test_batch_and_outbox_entry_round_trip() -> None:
    batch = payload_for([PageRef.of(PAGE), PageRef.of(OTHER)])
    assert isinstance(batch, BatchPayload)
    assert BatchPayload.from_json(wire(batch.to_json())) == batch
    assert payload_from_json(batch.task_name, wire(batch.to_json())) == batch
    assert OutboxEntry.from_json(wire(OutboxEntry(batch).to_json())) == OutboxEntry(batch)
    single = payload_for([PageRef.of(PAGE)])
    assert isinstance(single, PagePayload)
    # Entries written before batching hold a page's payload alone.
    assert OutboxEntry.from_json(wire(single.page.to_json())) == OutboxEntry(single)


GOOD = PageRef.of(PAGE).to_json()


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"v": 99},
        {"v": 1, "url": "x"},
        {**GOOD, "url": ""},
        {**GOOD, "url": "x" * 20_000},
        {**GOOD, "status": "200"},
        {**GOOD, "status": True},
        {**GOOD, "surprise": 1},
        {**GOOD, "fetched_at": "yesterday"},
        {**GOOD, "body_key": "newsdesk:lock:beat"},
        {**GOOD, "body_sha256": "zz"},
        {**GOOD, "etag": ["a"]},
        [GOOD],
        "page",
        None,
    ],
)
def test_malformed_page_payloads_are_refused(payload: object) -> None:
    with pytest.raises(InvalidPayload):
        PagePayload.from_json({"page": payload})


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"pages": []}, {"pages": {}}, {"pages": [GOOD] * (MAX_BATCH_PAGES + 1)}, {"pages": [GOOD], "x": 1}, [1, 2]],
)
def test_malformed_batches_are_refused_whole(kwargs: object) -> None:
    with pytest.raises(InvalidPayload):
        BatchPayload.partition(kwargs)


def test_a_bad_page_of_a_batch_is_rejected_alone_and_kept_bounded() -> None:
    batch, rejected = BatchPayload.partition({"pages": [GOOD, {"v": 1, "url": "x" * 100_000}, GOOD]})
    assert len(batch.pages) == 2 and [bad.index for bad in rejected] == [1]
    assert len(json.dumps(rejected[0].excerpt)) < 6_000 and rejected[0].excerpt["bytes"] > 100_000
    with pytest.raises(InvalidPayload, match="page 1 of the batch"):
        BatchPayload.from_json({"pages": [GOOD, {"v": 1}]})


def test_body_must_match_digest_and_decompress_within_the_cap() -> None:
    ref = PageRef.of(PAGE)
    with pytest.raises(InvalidPayload, match="does not match"):
        ref.page(b"other body")
    with pytest.raises(InvalidPayload, match="decompress"):
        decompress_body(b"not zlib", 100)
    bomb = zlib.compress(b"\0" * 5_000_000)
    assert len(bomb) < 10_000
    with pytest.raises(InvalidPayload, match="inflates past"):
        decompress_body(bomb, 1_000_000)


def test_task_id_is_deterministic_per_page_and_body() -> None:
    assert page_task_id(PAGE) == page_task_id(PAGE)
    changed = Page(**{**PAGE.__dict__, "body": b"<p>new</p>"})
    assert page_task_id(changed) != page_task_id(PAGE)


def test_task_keys_parse_and_format() -> None:
    key = TaskKey("page-abc-def", 3)
    assert TaskKey.parse(key.format()) == key and str(key) == "page-abc-def:3"
    assert TaskKey.parse("batch-1#4:0") == TaskKey("batch-1#4", 0)
    for bad in ("", "abc", "abc:", ":1", "abc:x", "abc:-1"):
        with pytest.raises(InvalidPayload):
            TaskKey.parse(bad)


def test_results_round_trip_and_refuse_wrong_shapes() -> None:
    page = PageResult("a1", "http://x.test/", "flag", "a0", "near", (("c", "flag"),), True, (("extract", 2.5),), 3.0)
    result = TaskResult(pages=(page,), dead_lettered=1, split=0)
    assert TaskResult.from_json(wire(result.to_json())) == result
    crawl = CrawlResult("news", exit_code=0)
    assert CrawlResult.from_json(wire(crawl.to_json())) == crawl
    wrong: list[object] = [{"pages": {}}, {"dead_lettered": True}, {"pages": [{"article_id": "a"}]}, {"other": 1}, []]
    for bad in wrong:
        with pytest.raises(InvalidPayload):
            TaskResult.from_json(bad)


def test_a_refused_message_keeps_a_digest_and_a_few_kilobytes() -> None:
    kept = RefusedMessage.of(b"x" * 89_000_000).to_json()
    assert kept["bytes"] == 89_000_000 and len(kept["excerpt"]) == 4_096 and len(kept["sha256"]) == 64


# --- the records are the only way payloads are built and read -------------------------------------------------

# Keys only a queue payload or task result has; anywhere in newsdesk.
PAYLOAD_KEYS = {"body_key", "body_sha256", "body_zlib_b64", "dead_lettered", "stages_cpu_ms"}
# Keys of task kwargs, results and outbox entries; generic words, so checked where the queue is: workers/, crawler/.
QUEUE_KEYS = PAYLOAD_KEYS | {"page", "pages", "split", "exit_code", "skipped", "kwargs", "index", "config_file"}
OWNER = ROOT / "workers" / "records.py"


def payload_dicts(path: Path) -> list[str]:
    """Dict literals, subscripts and ``.get`` calls in ``path`` that name a payload key."""
    watched = QUEUE_KEYS if path.relative_to(ROOT).parts[0] in ("workers", "crawler") else PAYLOAD_KEYS
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[object] = []
        if isinstance(node, ast.Dict):
            names = [key.value for key in node.keys if isinstance(key, ast.Constant)]
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            names = [node.slice.value]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            names = [arg.value for arg in node.args[:1] if isinstance(arg, ast.Constant)]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
            names = [kw.arg for kw in node.keywords]
        line = getattr(node, "lineno", 0)
        found += [f"{path.relative_to(ROOT)}:{line} {name}" for name in names if name in watched]
    return found


def test_no_payload_dict_is_built_or_read_outside_the_records_module() -> None:
    # The task module is the records' main user: it must import (and use) them.
    uses = vars(workers.tasks)
    assert uses["PagePayload"] is PagePayload and uses["BatchPayload"] is BatchPayload and uses["TaskKey"] is TaskKey
    sources = [p for d in ("workers", "crawler", "newsdesk", "review", "pipelines") for p in (ROOT / d).rglob("*.py")]
    assert ROOT / "workers" / "tasks.py" in sources
    offenders = [hit for path in sources if path != OWNER for hit in payload_dicts(path)]
    assert offenders == []
    assert payload_dicts(OWNER), "the scan finds the records module's own dicts"


def test_a_page_reference_carries_every_field_of_the_page_but_its_body() -> None:
    import dataclasses

    from pipelines.models import Page
    from workers.records import PageRef

    page_fields = {f.name for f in dataclasses.fields(Page)} - {"body"}
    assert {f.name for f in dataclasses.fields(PageRef)} - {"body_key", "body_sha256"} == page_fields


def test_the_warc_file_task_has_a_record_the_edge_accepts() -> None:
    import pytest

    from pipelines.errors import InvalidPayload
    from pipelines.warc.job import WarcJob
    from workers.queues import WARC_FILE_TASK
    from workers.records import WarcFileRequest, request_from_json

    request = WarcFileRequest(WarcJob("/data/news.warc.gz"))
    assert request_from_json(WARC_FILE_TASK, request.to_json()) == request
    with pytest.raises(InvalidPayload):
        request_from_json(WARC_FILE_TASK, {"job": request.job.to_json(), "extra": 1})
