"""Read a WARC file with FastWARC: response records to pages, from a checkpoint, up to any damage.

FastWARC (resiliparse's reader) parses records in native code; warcio, the
usual choice, parses every header in Python and reads several times slower
(``bench/warc.py`` measures both on the same file).  It reads ``.warc``,
``.warc.gz`` with one gzip member per record (Common Crawl's layout) and
whole-file gzip alike.

A record is handed on only once the next one has been seen or, for the last
record, once the tail of the file checks out: a record cut short by a
truncated file is never passed off as whole.  Where the file is damaged the
reader stops and says at which offset (:class:`Damage`); everything before it
has been read.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import httpx
from fastwarc.warc import ArchiveIterator, WarcHeader, WarcRecordType

from pipelines.errors import PermanentError, TransientError
from pipelines.models import Page
from pipelines.warc.job import WarcJob
from pipelines.warc.records import HttpResponse, RecordHead, head_skip, to_page

READ_BLOCK = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b"
_HTTP_TIMEOUT = 30.0
_LANGUAGE = "WARC-Identified-Content-Language"


class WarcUnreadable(PermanentError):
    """Raised when a WARC file cannot be opened at all (missing, not a WARC, refused by its server)."""


class WarcUnreachable(TransientError):
    """Raised when a remote WARC file's server cannot be reached now; reading resumes from the checkpoint."""


@dataclass(frozen=True)
class Damage:
    """Where a file stops being readable, and why; the records before ``offset`` were read."""

    offset: int
    reason: str


@dataclass(frozen=True)
class Item:
    """One record read: the page it became, or why it was skipped."""

    head: RecordHead
    page: Page | None
    skipped: str | None = None


def is_remote(location: str) -> bool:
    return location.startswith(("http://", "https://"))


class _HttpBody(io.RawIOBase):
    """A streamed HTTP response body as a readable binary file."""

    def __init__(self, response: httpx.Response, client: httpx.Client, offset: int) -> None:
        self._response = response
        self._client = client
        self._chunks = response.iter_raw(READ_BLOCK)
        self._buffer = b""
        self._pos = offset  # where the range started: FastWARC's record offsets are then the file's own

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def seek(self, pos: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR and pos == 0:
            return self._pos
        raise io.UnsupportedOperation("a streamed WARC file cannot seek")

    def readinto(self, target: Any) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
            except httpx.HTTPError as exc:
                raise WarcUnreachable(f"reading {self._response.url}: {exc}") from exc
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        self._pos += size
        return size

    def close(self) -> None:
        self._response.close()
        self._client.close()
        super().close()


def open_at(location: str, offset: int) -> IO[bytes]:
    """The file's bytes from ``offset`` on: a seek for a path, a Range request for a URL."""
    if not is_remote(location):
        try:
            handle = Path(location).open("rb")  # noqa: SIM115 - the caller closes it
        except OSError as exc:
            raise WarcUnreadable(f"{location}: {exc.strerror or exc}") from exc
        handle.seek(offset)
        return handle
    client = httpx.Client(timeout=_HTTP_TIMEOUT, follow_redirects=True)
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    try:
        response = client.send(client.build_request("GET", location, headers=headers), stream=True)
    except httpx.HTTPError as exc:
        client.close()
        raise WarcUnreachable(f"{location}: {exc}") from exc
    if response.status_code >= 500 or response.status_code == 429:
        response.close()
        client.close()
        raise WarcUnreachable(f"{location}: HTTP {response.status_code}")
    if response.status_code not in (200, 206) or (offset and response.status_code != 206):
        response.close()
        client.close()
        raise WarcUnreadable(f"{location}: HTTP {response.status_code} (a range request from {offset} is needed)")
    return io.BufferedReader(_HttpBody(response, client, offset), READ_BLOCK)


def _http_headers(record: Any) -> tuple[tuple[str, str], ...]:
    return tuple(record.http_headers.astuples())


def _warc_date(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _head(record: Any, offset: int, with_language: bool) -> RecordHead:
    """The record's WARC headers, looked up lazily: a record skipped on its type costs no header lookup at all,
    and the archive's language tag is looked up only when a language filter will ask for it."""
    warc_type = record.record_type
    if warc_type != WarcRecordType.response:
        return RecordHead(offset, "", str(warc_type), "", None, int(record.content_length))
    headers = record.headers
    # Lookups by WarcHeader constant are native and a fifth of the cost of a lookup by name.
    language = headers.get(_LANGUAGE, "") if with_language else ""
    return RecordHead(
        offset=offset,
        record_id=(record.record_id or "").strip().strip("<>"),
        warc_type="response",
        target_uri=(headers.get(WarcHeader.WARC_TARGET_URI) or "").strip().strip("<>"),
        date=_warc_date((headers.get(WarcHeader.WARC_DATE) or "").strip()),
        content_length=int(record.content_length),
        identified_language=language or "",
    )


def _item(record: Any, head: RecordHead, job: WarcJob, max_bytes: int) -> Item:
    reason = head_skip(head, job.filters, max_bytes)
    if reason is not None:
        return Item(head, None, reason)
    try:
        record.parse_http()
    except OSError:
        return Item(head, None, "bad_http_headers")
    http = record.http_headers
    if http is None or record.reader is None:
        return Item(head, None, "bad_http_headers")
    response = HttpResponse(int(http.status_code or 0), _http_headers(record), record.reader.read(max_bytes + 1))
    result = to_page(head, response, job, max_bytes)
    return Item(head, None, result) if isinstance(result, str) else Item(head, result)


def _read_fully(stream: IO[bytes], size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        block = stream.read(min(READ_BLOCK, size - len(data)))
        if not block:
            break
        data += block
    return bytes(data)


def _record_complete(block: bytes) -> bool:
    """Whether ``block`` (a record's uncompressed bytes from its start) holds its whole content."""
    header_end = block.find(b"\r\n\r\n")
    if header_end < 0:
        return False
    length = -1
    for line in block[:header_end].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            try:
                length = int(value.strip())
            except ValueError:
                return False
    return length >= 0 and len(block) >= header_end + 4 + length


def check_tail(location: str, offset: int, content_length: int) -> tuple[bool, Damage | None]:
    """Is the last record FastWARC returned (at ``offset``) whole, and is anything unreadable left after it?

    Returns (record whole, damage).  Reads only that record's bytes and what follows.
    """
    need = content_length + (1 << 16)  # its headers are far smaller than that
    with open_at(location, offset) as stream:
        magic = stream.read(2)
        if magic == _GZIP_MAGIC:
            inflater = zlib.decompressobj(31)
            block, consumed = bytearray(inflater.decompress(magic, need)), 2
            while not inflater.eof:
                chunk = inflater.unconsumed_tail or stream.read(READ_BLOCK)
                if not chunk:
                    return False, Damage(offset, "truncated gzip member")
                if not inflater.unconsumed_tail:
                    consumed += len(chunk)
                try:
                    block += inflater.decompress(chunk, max(need - len(block), 1))
                except zlib.error as exc:
                    return False, Damage(offset, f"corrupt gzip member: {exc}")
                if len(block) >= need:
                    block = block[:need]
                    # Far more than the record: this is one gzip stream for the whole file; its end is not checked.
                    return _record_complete(bytes(block)), None
            if not _record_complete(bytes(block)):
                return False, Damage(offset, "record cut short inside its gzip member")
            end = offset + consumed - len(inflater.unused_data)
            rest = inflater.unused_data + stream.read(READ_BLOCK)
        else:
            block = bytearray(magic) + _read_fully(stream, need)
            if not _record_complete(bytes(block)):
                return False, Damage(offset, "record cut short: fewer bytes than its Content-Length")
            header_end = bytes(block).find(b"\r\n\r\n") + 4
            rest = bytes(block[header_end + content_length :])
            if rest.startswith(b"\r\n\r\n"):  # the record's terminator belongs to it
                rest = rest[4:]
                content_length += 4
            end = offset + header_end + content_length
            if len(rest) < READ_BLOCK:
                rest += stream.read(READ_BLOCK)
        if rest.strip(b"\r\n\x00 "):
            return True, Damage(end, "unreadable data after the last readable record")
    return True, None


class WarcReader:
    """Iterates the records of one file from a checkpoint; :attr:`damage` is set if the file ends in damage."""

    def __init__(self, job: WarcJob, max_bytes: int) -> None:
        self.job = job
        self.max_bytes = max_bytes
        self.damage: Damage | None = None
        self.last_offset: int | None = None  # of the last record handed out
        # One gzip member per record (or plain WARC): offsets are seek points.  A whole-file gzip stream has
        # none; FastWARC then reports the same position for many records, and a resume counts records instead.
        self.seekable = True

    def items(self, after_offset: int | None = None, after_records: int = 0) -> Iterator[Item]:
        """Every record after the checkpoint (the record at ``after_offset``, the ``after_records``-th), or all."""
        for item in self._items(after_offset, after_records):
            self.last_offset = item.head.offset
            yield item

    def _items(self, after_offset: int | None, after_records: int) -> Iterator[Item]:
        seek = after_offset is not None and _starts_record(self.job.location, after_offset)
        start = after_offset if seek and after_offset is not None else 0
        skip_first = 0 if seek or after_offset is None else after_records
        pending: tuple[Item, int] | None = None
        previous = -1
        with_language = bool(self.job.filters.languages)
        with open_at(self.job.location, start) as stream:
            try:
                for number, record in enumerate(ArchiveIterator(stream, parse_http=False)):
                    offset = int(record.stream_pos)
                    if offset <= previous:
                        self.seekable = False
                    previous = offset
                    if (seek and after_offset is not None and offset <= after_offset) or number < skip_first:
                        continue  # handed off before the checkpoint
                    if pending is not None:
                        yield pending[0]
                    head = _head(record, offset, with_language)
                    pending = (_item(record, head, self.job, self.max_bytes), head.content_length)
            except OSError as exc:
                # FastWARC could not go on past the pending record, which it had read whole.
                if pending is None:
                    self.damage = Damage(start, f"unreadable: {exc}")
                    return
                yield pending[0]
                end = _record_end(self.job.location, pending[0].head.offset, pending[1]) if self.seekable else None
                self.damage = Damage(end if end is not None else pending[0].head.offset, f"unreadable: {exc}")
                return
        if pending is None:
            if after_offset is None:
                self._check_empty()
            return
        if not self.seekable:
            yield pending[0]  # one gzip stream: FastWARC reads it to its end; no member to check
            return
        try:
            whole, self.damage = check_tail(self.job.location, pending[0].head.offset, pending[1])
        except WarcUnreadable:
            if not is_remote(self.job.location):
                raise
            whole = True  # a server that ignores Range: the last record was read whole by FastWARC, not re-checked
        if whole:
            yield pending[0]

    def _check_empty(self) -> None:
        """A file in which FastWARC found no record at all: empty is fine, anything else is damage at 0."""
        with open_at(self.job.location, 0) as stream:
            if stream.read(READ_BLOCK).strip(b"\r\n\x00 "):
                self.damage = Damage(0, "no WARC record could be read")


def _record_end(location: str, offset: int, content_length: int) -> int | None:
    """Where the whole record at ``offset`` ends (the damage begins there), if the file says."""
    _, damage = check_tail(location, offset, content_length)
    return damage.offset if damage is not None and damage.offset > offset else None


def _starts_record(location: str, offset: int) -> bool:
    """Whether a gzip member or a WARC record begins at ``offset``."""
    with open_at(location, offset) as stream:
        head = stream.read(5)
    return head.startswith(_GZIP_MAGIC) or head == b"WARC/"
