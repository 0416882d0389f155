"""What crosses the queue, as frozen records: page and batch payloads, task keys, task results, outbox entries.

Every value that leaves one process for another is one of these records: a
task's kwargs (:class:`PagePayload`, :class:`BatchPayload`), the page references
inside them (:class:`PageRef`), the key a delivery is known by
(:class:`TaskKey`), what a task returns (:class:`TaskResult`,
:class:`CrawlResult`), the outbox's copy of a task (:class:`OutboxEntry`), a
page waiting in the crawler's disk spool (:class:`SpooledPage`) and what is kept
of a message refused at the edge (:class:`RefusedMessage`).  Each has one
``to_json`` (JSON-safe) and one ``from_json`` that checks every field's type and
size and raises :class:`~pipelines.errors.InvalidPayload` naming the fault, so
a message written by an attacker fails here and never reaches code that
unpacks it.  Nothing else builds or takes apart these dicts.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, ClassVar, cast

from isal import isal_zlib

from pipelines import keys
from pipelines.errors import InvalidPayload
from pipelines.models import Page, Provenance
from pipelines.urls import article_id, canonicalize
from pipelines.warc.job import WarcJob
from workers.queues import CRAWL_SOURCE_TASK, NOOP_TASK, PROCESS_BATCH_TASK, PROCESS_PAGE_TASK, WARC_FILE_TASK

PAYLOAD_VERSION = 1
# Bounds on what a message may carry.  A URL past 16 KiB or a header past 1 KiB is not a page we fetched.
MAX_URL_CHARS = 16_384
MAX_FIELD_CHARS = 1_024
# The crawler's batches hold at most 500 pages (crawl.handoff_batch_size's ceiling).
MAX_BATCH_PAGES = 500
# What a dead letter keeps of a message it could not decode: its digest, its size and this much of it.
EXCERPT_BYTES = 4_096
# ISA-L's levels run 0-3; 2 is as fast as 1 on HTML and a little smaller.
BODY_COMPRESS_LEVEL = 2
# isal's stubs declare its error class as an instance; it is a class (igzip_lib.IsalError).
_INFLATE_ERRORS: tuple[type[Exception], ...] = (zlib.error, cast(type[Exception], isal_zlib.error))
_BODY_KEY_PREFIX = keys.page_body("")
_OPTIONAL_TEXT = ("content_type", "etag", "last_modified", "source_language", "crawl_run_id")
_PAGE_FIELDS = ("url", "final_url", "status", "source_id", "fetched_at", *_OPTIONAL_TEXT)


def _mapping(data: object, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidPayload(f"{what} must be a JSON object, got {type(data).__name__}")
    return data


def _only(data: Mapping[str, Any], allowed: Sequence[str], what: str) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise InvalidPayload(f"unexpected {what} fields: {sorted(map(str, unknown))[:5]}")


def _text(data: Mapping[str, Any], name: str, what: str, limit: int = MAX_FIELD_CHARS) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidPayload(f"{what} field {name!r} must be a non-empty string")
    if len(value) > limit:
        raise InvalidPayload(f"{what} field {name!r} is longer than {limit} characters")
    return value


def _optional_text(data: Mapping[str, Any], name: str, what: str, limit: int = MAX_FIELD_CHARS) -> str | None:
    if data.get(name) is None:
        return None
    return _text(data, name, what, limit)


def _count(data: Mapping[str, Any], name: str, what: str) -> int:
    value = data.get(name, 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidPayload(f"{what} field {name!r} must be a count, got {value!r}"[:200])
    return value


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def compress_body(body: bytes) -> bytes:
    """A zlib stream (what the queue carries and ``page_html`` keeps), written by ISA-L: a fifth of zlib's CPU at
    level 3 for a stream 4% larger (bench bodies), and the stdlib's ``zlib`` reads it as before."""
    return isal_zlib.compress(body, BODY_COMPRESS_LEVEL)


def decompress_body(blob: bytes, limit: int) -> bytes:
    """Inflate a stored body, refusing one that would exceed ``limit`` bytes (a zip bomb never inflates whole)."""
    inflater = isal_zlib.decompressobj()
    try:
        body = inflater.decompress(blob, limit + 1)
    except _INFLATE_ERRORS as exc:
        raise InvalidPayload(f"page body does not decompress: {exc}") from exc
    if len(body) > limit or inflater.unconsumed_tail:
        raise InvalidPayload(f"page body inflates past {limit} bytes")
    return body


def page_task_id(final_url: str, body_sha256: str) -> str:
    """Deterministic: the same page (URL and body) always gets the same task id."""
    return f"page-{article_id(canonicalize(final_url))[:16]}-{body_sha256[:16]}"


def batch_task_id(page_task_ids: Sequence[str]) -> str:
    """Deterministic too: the same pages in the same order make the same batch."""
    return "batch-" + hashlib.sha256("\n".join(page_task_ids).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class TaskKey:
    """One delivery of one task: its id and its retry number (``<task id>:<retries>`` on the wire)."""

    task_id: str
    retries: int = 0

    def __post_init__(self) -> None:
        if not self.task_id or len(self.task_id) > MAX_FIELD_CHARS or self.retries < 0:
            raise InvalidPayload(f"not a task key: {self.task_id!r}:{self.retries!r}"[:200])

    @classmethod
    def parse(cls, text: str) -> TaskKey:
        task_id, sep, retries = text.rpartition(":")
        if not sep or not retries.isdigit():
            raise InvalidPayload(f"not a task key: {text!r}"[:200])
        return cls(task_id, int(retries))

    def format(self) -> str:
        return f"{self.task_id}:{self.retries}"

    def __str__(self) -> str:
        return self.format()


@dataclass(frozen=True)
class PageRef:
    """A page's fields, validated, whose compressed body waits in Redis under ``body_key``."""

    url: str
    final_url: str
    status: int
    source_id: str
    fetched_at: datetime
    body_key: str
    body_sha256: str
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    source_language: str | None = None
    crawl_run_id: str | None = None
    provenance: Provenance | None = None  # pages read from a WARC file

    FIELDS: ClassVar[tuple[str, ...]] = ("v", *_PAGE_FIELDS, "provenance", "body_key", "body_sha256")

    @classmethod
    def of(cls, page: Page, digest: str | None = None) -> PageRef:
        """The reference ``page`` travels as; its body goes under the page task's own key."""
        digest = digest or body_digest(page.body)
        return cls(
            **{name: getattr(page, name) for name in _SHARED_WITH_PAGE},
            body_key=keys.page_body(page_task_id(page.final_url, digest)),
            body_sha256=digest,
        )

    @cached_property  # named, logged and looked up several times per page on the hand-off path; computed once
    def task_id(self) -> str:
        """The id this page has as a task of its own (also when it travels in a batch)."""
        return page_task_id(self.final_url, self.body_sha256)

    def page(self, body: bytes) -> Page:
        """The page, once its body was fetched; a body that does not match the digest is refused."""
        if body_digest(body) != self.body_sha256:
            raise InvalidPayload(f"page body for {self.url} does not match its digest")
        return Page(**{name: getattr(self, name) for name in _SHARED_WITH_PAGE}, body=body)

    def to_json(self) -> dict[str, Any]:
        return {
            "v": PAYLOAD_VERSION,
            **_page_fields_json(self),
            "body_key": self.body_key,
            "body_sha256": self.body_sha256,
        }

    @classmethod
    def from_json(cls, data: object) -> PageRef:
        fields = _mapping(data, "a page payload")
        if fields.get("v") != PAYLOAD_VERSION:
            raise InvalidPayload(f"unsupported page payload version: {fields.get('v')!r}"[:200])
        _only(fields, cls.FIELDS, "page payload")
        body_key = _text(fields, "body_key", "page payload")
        digest = _text(fields, "body_sha256", "page payload")
        if not body_key.startswith(_BODY_KEY_PREFIX):
            raise InvalidPayload(f"page body key {body_key[:80]!r} is not a page body key")
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise InvalidPayload("page field 'body_sha256' must be a hex SHA-256 digest")
        return cls(**_page_fields_from_json(fields, "page payload"), body_key=body_key, body_sha256=digest)


# Every field of a Page but its body travels in the reference (tests/unit/test_records.py keeps the two in step).
_SHARED_WITH_PAGE = tuple(f.name for f in dataclasses.fields(Page) if f.name != "body")


def _page_fields_json(page: Page | PageRef) -> dict[str, Any]:
    fields = {
        "url": page.url,
        "final_url": page.final_url,
        "status": page.status,
        "source_id": page.source_id,
        "fetched_at": page.fetched_at.isoformat(),
        **{name: getattr(page, name) for name in _OPTIONAL_TEXT},
    }
    # WARC provenance travels as [file, offset, record id], and only when there is one (payloads stay as they were).
    if page.provenance is not None:
        fields["provenance"] = [page.provenance.file, page.provenance.offset, page.provenance.record_id]
    return fields


def _provenance(value: object, what: str) -> Provenance | None:
    if value is None:
        return None
    if isinstance(value, list) and len(value) == 3:
        file, offset, record_id = value
        if (
            isinstance(file, str)
            and 0 < len(file) <= MAX_URL_CHARS
            and isinstance(offset, int)
            and not isinstance(offset, bool)
            and offset >= 0
            and isinstance(record_id, str)
            and len(record_id) <= MAX_FIELD_CHARS
        ):
            return Provenance(file, offset, record_id)
    raise InvalidPayload(f"{what} field 'provenance' must be [file, offset, record id], got {value!r:.100}")


def _page_fields_from_json(fields: Mapping[str, Any], what: str) -> dict[str, Any]:
    status = fields.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 999:
        raise InvalidPayload(f"{what} field 'status' must be an HTTP status, got {status!r}"[:200])
    try:
        fetched_at = datetime.fromisoformat(_text(fields, "fetched_at", what, 64))
    except ValueError as exc:
        raise InvalidPayload(f"{what} field 'fetched_at' is not an ISO time: {exc}") from exc
    return {
        "url": _text(fields, "url", what, MAX_URL_CHARS),
        "final_url": _text(fields, "final_url", what, MAX_URL_CHARS),
        "status": status,
        "source_id": _text(fields, "source_id", what),
        "fetched_at": fetched_at,
        **{name: _optional_text(fields, name, what) for name in _OPTIONAL_TEXT},
        "provenance": _provenance(fields.get("provenance"), what),
    }


@dataclass(frozen=True)
class PagePayload:
    """The kwargs of ``newsdesk.process_page``: one page."""

    page: PageRef
    task_name: ClassVar[str] = PROCESS_PAGE_TASK

    @property
    def refs(self) -> tuple[PageRef, ...]:
        return (self.page,)

    @property
    def task_id(self) -> str:
        return self.page.task_id

    def to_json(self) -> dict[str, Any]:
        return {"page": self.page.to_json()}

    @classmethod
    def from_json(cls, data: object) -> PagePayload:
        kwargs = _mapping(data, "the kwargs of a page task")
        _only(kwargs, ("page",), "page task")
        return cls(PageRef.from_json(kwargs.get("page")))


@dataclass(frozen=True)
class RejectedPage:
    """A page of a batch that did not decode: where it was, what was wrong, and a bounded excerpt of it."""

    index: int
    error: str
    excerpt: dict[str, Any]


@dataclass(frozen=True)
class BatchPayload:
    """The kwargs of ``newsdesk.process_batch``: several pages, one message."""

    pages: tuple[PageRef, ...]
    task_name: ClassVar[str] = PROCESS_BATCH_TASK

    @property
    def refs(self) -> tuple[PageRef, ...]:
        return self.pages

    @cached_property
    def task_id(self) -> str:
        return batch_task_id([ref.task_id for ref in self.pages])

    def to_json(self) -> dict[str, Any]:
        return {"pages": [ref.to_json() for ref in self.pages]}

    @classmethod
    def from_json(cls, data: object) -> BatchPayload:
        batch, rejected = cls.partition(data)
        if rejected:
            raise InvalidPayload(f"page {rejected[0].index} of the batch: {rejected[0].error}")
        return batch

    @classmethod
    def partition(cls, data: object) -> tuple[BatchPayload, tuple[RejectedPage, ...]]:
        """The batch's good pages and its bad ones: a bad page costs only itself.  The batch's own shape must hold."""
        kwargs = _mapping(data, "the kwargs of a batch task")
        _only(kwargs, ("pages",), "batch task")
        pages = kwargs.get("pages")
        if not isinstance(pages, list) or not pages:
            raise InvalidPayload("a batch payload needs a non-empty list 'pages'")
        if len(pages) > MAX_BATCH_PAGES:
            raise InvalidPayload(f"a batch holds at most {MAX_BATCH_PAGES} pages, this one {len(pages)}")
        good, bad = [], []
        for index, raw in enumerate(pages):
            try:
                good.append(PageRef.from_json(raw))
            except InvalidPayload as exc:
                bad.append(RejectedPage(index, str(exc), RefusedMessage.of(repr(raw).encode()).to_json()))
        return cls(tuple(good)), tuple(bad)


TaskPayload = PagePayload | BatchPayload


def payload_for(refs: Sequence[PageRef]) -> TaskPayload:
    """One page travels as a page task, more as a batch."""
    if not refs:
        raise ValueError("a task needs at least one page")
    return PagePayload(refs[0]) if len(refs) == 1 else BatchPayload(tuple(refs))


def payload_from_json(task_name: str, kwargs: object) -> TaskPayload:
    """The kwargs of a processing task named ``task_name``."""
    if task_name == PROCESS_PAGE_TASK:
        return PagePayload.from_json(kwargs)
    if task_name == PROCESS_BATCH_TASK:
        return BatchPayload.from_json(kwargs)
    raise InvalidPayload(f"not a processing task: {task_name!r}"[:200])


@dataclass(frozen=True)
class CrawlRequest:
    """The kwargs of ``newsdesk.crawl_source``: which source (``config_file`` is read from older beats, never used)."""

    source_id: str
    config_file: str | None = None
    task_name: ClassVar[str] = CRAWL_SOURCE_TASK

    def to_json(self) -> dict[str, Any]:
        return {"source_id": self.source_id, "config_file": self.config_file}

    @classmethod
    def from_json(cls, data: object) -> CrawlRequest:
        kwargs = _mapping(data, "the kwargs of a crawl task")
        _only(kwargs, ("source_id", "config_file"), "crawl task")
        what = "crawl task"
        return cls(_text(kwargs, "source_id", what), _optional_text(kwargs, "config_file", what, MAX_URL_CHARS))


@dataclass(frozen=True)
class NoopRequest:
    """The kwargs of ``newsdesk.noop`` (benchmarks of the queue's own ceiling)."""

    index: int
    task_name: ClassVar[str] = NOOP_TASK

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index}

    @classmethod
    def from_json(cls, data: object) -> NoopRequest:
        kwargs = _mapping(data, "the kwargs of a noop task")
        _only(kwargs, ("index",), "noop task")
        return cls(_count(kwargs, "index", "noop task"))


@dataclass(frozen=True)
class WarcFileRequest:
    """The kwargs of ``newsdesk.ingest_warc_file``: one slice of one WARC file (the job names where to resume)."""

    job: WarcJob
    task_name: ClassVar[str] = WARC_FILE_TASK

    def to_json(self) -> dict[str, Any]:
        return {"job": self.job.to_json()}

    @classmethod
    def from_json(cls, data: object) -> WarcFileRequest:
        kwargs = _mapping(data, "the kwargs of a WARC file task")
        _only(kwargs, ("job",), "WARC file task")
        return cls(WarcJob.from_json(kwargs.get("job")))


TaskRequest = TaskPayload | CrawlRequest | NoopRequest | WarcFileRequest


def request_from_json(task_name: str, kwargs: object) -> TaskRequest:
    """The kwargs of any newsdesk task, validated; a task name newsdesk does not have is refused."""
    if task_name == CRAWL_SOURCE_TASK:
        return CrawlRequest.from_json(kwargs)
    if task_name == NOOP_TASK:
        return NoopRequest.from_json(kwargs)
    if task_name == WARC_FILE_TASK:
        return WarcFileRequest.from_json(kwargs)
    return payload_from_json(task_name, kwargs)


@dataclass(frozen=True)
class OutboxEntry:
    """A queued task as the outbox keeps it until its pages are stored or dead-lettered."""

    payload: TaskPayload

    def to_json(self) -> dict[str, Any]:
        return {"task": self.payload.task_name, "kwargs": self.payload.to_json()}

    @classmethod
    def from_json(cls, data: object) -> OutboxEntry:
        entry = _mapping(data, "an outbox entry")
        if "task" not in entry:  # written before batching: a page's kwargs alone
            return cls(PagePayload.from_json({"page": entry}))
        _only(entry, ("task", "kwargs"), "outbox entry")
        return cls(payload_from_json(str(entry["task"]), entry.get("kwargs")))


@dataclass(frozen=True)
class PageResult:
    """What a processing task reports for one stored page (metrics count these)."""

    article_id: str
    url: str
    action: str
    duplicate_of: str | None = None
    duplicate_kind: str | None = None
    flags: tuple[tuple[str, str], ...] = ()
    in_review: bool = False
    timings_ms: tuple[tuple[str, float], ...] = ()
    stages_cpu_ms: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "url": self.url,
            "action": self.action,
            "duplicate_of": self.duplicate_of,
            "duplicate_kind": self.duplicate_kind,
            "flags": [list(flag) for flag in self.flags],
            "in_review": self.in_review,
            "timings_ms": dict(self.timings_ms),
            "stages_cpu_ms": round(self.stages_cpu_ms, 3),
        }

    @classmethod
    def from_json(cls, data: object) -> PageResult:
        fields = _mapping(data, "a page result")
        what = "page result"
        flags = fields.get("flags", [])
        timings = fields.get("timings_ms", {})
        cpu = fields.get("stages_cpu_ms", 0.0)
        if not isinstance(flags, list) or not all(
            isinstance(f, list) and len(f) == 2 and all(isinstance(p, str) for p in f) for f in flags
        ):
            raise InvalidPayload("page result field 'flags' must be a list of [code, action] pairs")
        if not isinstance(timings, dict) or not all(
            isinstance(k, str) and isinstance(v, (int, float)) for k, v in timings.items()
        ):
            raise InvalidPayload("page result field 'timings_ms' must map stages to milliseconds")
        if not isinstance(cpu, (int, float)) or isinstance(cpu, bool):
            raise InvalidPayload("page result field 'stages_cpu_ms' must be a number")
        return cls(
            article_id=_text(fields, "article_id", what),
            url=_text(fields, "url", what, MAX_URL_CHARS),
            action=_text(fields, "action", what),
            duplicate_of=_optional_text(fields, "duplicate_of", what),
            duplicate_kind=_optional_text(fields, "duplicate_kind", what),
            flags=tuple((code, action) for code, action in flags),
            in_review=bool(fields.get("in_review")),
            timings_ms=tuple((stage, float(ms)) for stage, ms in timings.items()),
            stages_cpu_ms=float(cpu),
        )


@dataclass(frozen=True)
class TaskResult:
    """What a processing task (page or batch) returns: the pages stored, and the pages dead-lettered or sent on."""

    pages: tuple[PageResult, ...] = ()
    dead_lettered: int = 0
    split: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "pages": [page.to_json() for page in self.pages],
            "dead_lettered": self.dead_lettered,
            "split": self.split,
        }

    @classmethod
    def from_json(cls, data: object) -> TaskResult:
        fields = _mapping(data, "a task result")
        _only(fields, ("pages", "dead_lettered", "split"), "task result")
        pages = fields.get("pages", [])
        if not isinstance(pages, list):
            raise InvalidPayload("task result field 'pages' must be a list")
        return cls(
            tuple(PageResult.from_json(page) for page in pages),
            _count(fields, "dead_lettered", "task result"),
            _count(fields, "split", "task result"),
        )


@dataclass(frozen=True)
class CrawlResult:
    """What ``newsdesk.crawl_source`` returns."""

    source_id: str
    exit_code: int | None = None
    skipped: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"source_id": self.source_id, "exit_code": self.exit_code, "skipped": self.skipped}

    @classmethod
    def from_json(cls, data: object) -> CrawlResult:
        fields = _mapping(data, "a crawl result")
        _only(fields, ("source_id", "exit_code", "skipped"), "crawl result")
        code = fields.get("exit_code")
        if code is not None and (not isinstance(code, int) or isinstance(code, bool)):
            raise InvalidPayload("crawl result field 'exit_code' must be an integer")
        return cls(_text(fields, "source_id", "crawl result"), code, _optional_text(fields, "skipped", "crawl result"))


@dataclass(frozen=True)
class RefusedMessage:
    """What a dead letter keeps of bytes that did not decode: digest, size and the first few KB, never all of it."""

    sha256: str
    size: int
    excerpt: str

    @classmethod
    def of(cls, raw: bytes) -> RefusedMessage:
        return cls(body_digest(raw), len(raw), raw[:EXCERPT_BYTES].decode("utf-8", "replace"))

    def to_json(self) -> dict[str, Any]:
        return {"refused": True, "sha256": self.sha256, "bytes": self.size, "excerpt": self.excerpt}


@dataclass(frozen=True)
class SpooledPage:
    """A page the crawler could not queue, on disk with its body inline (zlib, base64)."""

    page: Page

    def to_json(self) -> dict[str, Any]:
        body = base64.b64encode(compress_body(self.page.body)).decode("ascii")
        return {**_page_fields_json(self.page), "body_zlib_b64": body}

    @classmethod
    def from_json(cls, data: object, *, max_body_bytes: int) -> SpooledPage:
        fields = _mapping(data, "a spooled page")
        _only(fields, (*_PAGE_FIELDS, "provenance", "body_zlib_b64"), "spooled page")
        encoded = fields.get("body_zlib_b64")
        if not isinstance(encoded, str):
            raise InvalidPayload("spooled page field 'body_zlib_b64' must be a string")
        try:
            blob = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidPayload(f"spooled page body is not base64: {exc}") from exc
        body = decompress_body(blob, max_body_bytes)
        return cls(Page(**_page_fields_from_json(fields, "spooled page"), body=body))
