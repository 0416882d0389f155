"""An HTTP response body as archived, to the bytes the server meant: de-chunked and decompressed, capped.

Common Crawl stores bodies already decoded (it renames the headers to
``X-Crawler-Transfer-Encoding`` / ``X-Crawler-Content-Encoding``), but other
archivers (warcio's capture, wget, browsers) keep the bytes as sent.  Every
step is capped at ``limit`` bytes of output, so a gzip bomb in an archive is
cut, not expanded, and a body that claims an encoding it does not have is
kept as it is.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Body:
    """The decoded body, or why it cannot be used (``problem`` then names the fault)."""

    data: bytes
    problem: str | None = None


def dechunk(raw: bytes, limit: int) -> bytes | None:
    """``Transfer-Encoding: chunked`` undone; None when ``raw`` is not chunked after all (it is used as is)."""
    out, pos = bytearray(), 0
    while True:
        line_end = raw.find(b"\r\n", pos)
        if line_end < 0:
            return bytes(out) if out else None  # cut short: keep the chunks that arrived
        size_text = raw[pos:line_end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return None if not out else bytes(out)
        if size == 0:
            return bytes(out)
        start = line_end + 2
        out += raw[start : start + size]
        if len(out) > limit:
            return bytes(out[:limit])
        pos = start + size + 2


def decode_body(raw: bytes, transfer_encoding: str, content_encoding: str, limit: int) -> Body:
    """Undo the transfer and content encodings named by the HTTP headers, at most ``limit`` bytes out."""
    data = raw
    if "chunked" in transfer_encoding.lower():
        data = dechunk(data, limit) or data
    coding = content_encoding.strip().lower()
    if coding in ("gzip", "x-gzip", "deflate"):
        if coding != "deflate" and not data.startswith(_GZIP_MAGIC):
            return Body(data[:limit])  # labelled gzip, stored decoded
        try:
            # gzip header (wbits 31); deflate is zlib-wrapped (15) or, from some servers, raw (-15).
            wbits = 31 if coding != "deflate" else 15 if data[:1] == b"\x78" else -15
            data = zlib.decompressobj(wbits).decompress(data, limit)
        except zlib.error as exc:
            return Body(b"", f"content encoding {coding} does not decode: {exc}")
    elif coding not in ("", "identity"):
        return Body(b"", f"unsupported content encoding {coding!r}")
    return Body(data[:limit])
