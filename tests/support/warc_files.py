"""Small WARC files written by the tests themselves (warcio), with the offset of every record."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.support.pages import article_html, story

WHEN = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def warc_date(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Spec:
    kind: str  # response | request | revisit | warcinfo | metadata | resource
    uri: str = ""
    payload: bytes = b""
    http_headers: list[tuple[str, str]] = field(default_factory=list)
    status: str = "200 OK"
    when: datetime = WHEN
    warc_headers: dict[str, str] = field(default_factory=dict)


def html_response(
    uri: str,
    html: str | bytes,
    content_type: str = "text/html; charset=utf-8",
    extra_headers: list[tuple[str, str]] | None = None,
    status: str = "200 OK",
    when: datetime = WHEN,
    warc_headers: dict[str, str] | None = None,
) -> Spec:
    body = html.encode("utf-8") if isinstance(html, str) else html
    headers = [("Content-Type", content_type), *(extra_headers or [])]
    return Spec("response", uri, body, headers, status, when, warc_headers or {})


def story_response(n: int, host: str = "news.test", **kw: Any) -> Spec:
    title, paragraphs = story(n)
    return html_response(f"http://{host}/story/{n}", article_html(title, paragraphs), **kw)


def chunked(body: bytes, size: int = 100) -> bytes:
    parts = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in parts) + b"0\r\n\r\n"


def write_warc(path: Path, specs: list[Spec], compress: bool | None = None) -> list[int]:
    """Write ``specs`` (one gzip member per record for .gz); returns each record's offset."""
    compress = path.name.endswith(".gz") if compress is None else compress
    offsets = []
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        for spec in specs:
            offsets.append(handle.tell())
            _write(writer, spec)
    return offsets


def write_whole_file_gzip(path: Path, specs: list[Spec]) -> None:
    """One gzip stream over the whole file (not Common Crawl's layout, but seen in the wild)."""
    plain = io.BytesIO()
    writer = WARCWriter(plain, gzip=False)
    for spec in specs:
        _write(writer, spec)
    path.write_bytes(gzip.compress(plain.getvalue()))


def _write(writer: WARCWriter, spec: Spec) -> None:
    record = _record(writer, spec)
    writer.write_record(record)
    record.raw_stream.close()  # warcio buffers some records in temporary files


def _record(writer: WARCWriter, spec: Spec) -> Any:
    headers = {"WARC-Date": warc_date(spec.when), **spec.warc_headers}
    if spec.kind == "warcinfo":
        return writer.create_warcinfo_record("test.warc", {"software": "newsdesk tests"})
    if spec.kind in ("response", "revisit", "request"):
        protocol = "HTTP/1.1"
        http = (
            StatusAndHeaders(spec.status, spec.http_headers, protocol=protocol)
            if spec.kind != "request"
            else StatusAndHeaders(f"GET {spec.uri} HTTP/1.1", spec.http_headers, is_http_request=True)
        )
        return writer.create_warc_record(
            spec.uri,
            spec.kind,
            payload=io.BytesIO(spec.payload),
            length=len(spec.payload),
            http_headers=http,
            warc_headers_dict=headers,
        )
    return writer.create_warc_record(
        spec.uri,
        spec.kind,
        payload=io.BytesIO(spec.payload),
        length=len(spec.payload),
        warc_content_type="text/plain",
        warc_headers_dict=headers,
    )
