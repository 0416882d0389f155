"""Page bytes to text.

The hot path is a strict UTF-8 decode (almost every page).  Only when that fails
do we consult the declared charset, repair mixed UTF-8/Windows-1252 bodies, and
finally let beautifulsoup4's UnicodeDammit sniff the encoding.
"""

from __future__ import annotations

import codecs
import re

from bs4 import UnicodeDammit
from bs4.dammit import EncodingDetector

from pipelines.errors import UndecodableContent

SNIFF_BYTES = 8192
MAX_CONTROL_SHARE = 0.05  # more control bytes than this in the head means binary
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC: tuple[bytes, ...] = (
    b"%PDF", b"\x89PNG", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"BZh",
    b"\xfd7zXZ", b"RIFF", b"OggS", b"ID3", b"fLaC", b"wOFF", b"wOF2", b"\x00\x00\x01\x00", b"MZ",
    b"\x7fELF", b"II*\x00", b"MM\x00*", b"7z\xbc\xaf", b"Rar!", b"\xd0\xcf\x11\xe0",
)  # fmt: skip
_BINARY_TYPES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip")
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
MAX_REPAIR_BYTES = 2 << 20
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# As in browsers (WHATWG Encoding), these labels mean their Windows superset: pages
# labelled ISO-8859-1 routinely carry Windows-1252 curly quotes and dashes.
_WHATWG_SUPERSETS = {
    "iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254", "iso8859-11": "cp874", "tis-620": "cp874",
    "gb2312": "gb18030", "gbk": "gb18030", "euc_kr": "cp949", "shift_jis": "cp932",
}  # fmt: skip
_SINGLE_BYTE_WESTERN = frozenset({"cp1252"})
_HIGH_BYTES = bytes(range(0x80, 0x100))
MIXED_SHARE = 0.3
MIXED_SAMPLE_BYTES = 1 << 20
_FIRST_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
DETECT_BYTES = 4096
SNIFF_CONTEXT_BYTES = 256


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read the bytes that are not UTF-8 as Windows-1252."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("cp1252", "replace"), exc.end


_CP1252_FALLBACK = "newsdesk-cp1252-fallback"
codecs.register_error(_CP1252_FALLBACK, _cp1252_fallback)


def _repair_mixed(body: bytes) -> str:
    """UTF-8 with Windows-1252 islands: what UnicodeDammit.detwingle does, inside the
    codec's C loop instead of its byte-by-byte Python one.  Each island costs a handler
    call, so very long bodies are cut first."""
    return body[:MAX_REPAIR_BYTES].decode("utf-8", _CP1252_FALLBACK)


def _codec(name: str | None) -> str | None:
    """A Python codec name for a declared charset, or None when unknown."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    return _WHATWG_SUPERSETS.get(codec, codec)


def _refuse_binary(body: bytes, content_type: str | None) -> None:
    if not body.strip():
        raise UndecodableContent("empty body")
    if content_type and content_type.strip().lower().startswith(_BINARY_TYPES):
        raise UndecodableContent(f"binary content type {content_type!r}")
    head = body[:SNIFF_BYTES].lstrip()
    if head.startswith(_MAGIC):
        raise UndecodableContent("binary file signature")
    if b"\x00" in head or len(_CONTROL.findall(head)) > MAX_CONTROL_SHARE * len(head):
        raise UndecodableContent("control bytes: not text")


def _declared(body: bytes, content_type: str | None) -> list[str]:
    found: list[str] = []
    match = _HEADER_CHARSET.search(content_type or "")
    header = _codec(match.group(1)) if match else None
    if header:
        found.append(header)
    meta = _codec(EncodingDetector.find_declared_encoding(body[:SNIFF_BYTES], is_html=True))
    if meta and meta not in found:
        found.append(meta)
    return found


def _looks_mixed(body: bytes) -> bool:
    """UTF-8 text with Windows-1252 islands, rather than a single-byte page with chance matches.

    In a mostly-UTF-8 body most high bytes sit inside valid UTF-8 sequences; in a
    Windows-1252 body an accented capital before a curly quote rarely forms one.
    """
    sample = body[:MIXED_SAMPLE_BYTES]
    in_sequences = len(sample) - len(_UTF8_MULTIBYTE.sub(b"", sample))
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    return in_sequences > 0 and in_sequences >= MIXED_SHARE * high


def _sniff(body: bytes) -> str | None:
    """Statistical detection on a sample around the first non-ASCII byte.

    Detectors cost milliseconds per KB, so they see a few KB of text, not the page.
    """
    first = _FIRST_HIGH_BYTE.search(body)
    start = max(0, first.start() - SNIFF_CONTEXT_BYTES) if first else 0
    dammit = UnicodeDammit(body[start : start + DETECT_BYTES], is_html=True)
    return _codec(dammit.original_encoding)


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode a page body; raise UndecodableContent for empty or binary input."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            try:
                return body.decode(codec)
            except UnicodeDecodeError:
                break
    _refuse_binary(body, content_type)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mixed = _looks_mixed(body)
    for codec in _declared(body, content_type):
        if mixed and codec in _SINGLE_BYTE_WESTERN | {"utf-8"}:
            break  # a Western label on a body with UTF-8 runs: repair below instead
        try:
            return body.decode(codec)
        except UnicodeDecodeError:
            continue
    if mixed:
        # UTF-8 with Windows-1252 islands (e.g. a CMS pasting legacy snippets).
        return _repair_mixed(body)
    codec = _sniff(body) or "cp1252"  # the web's most common undeclared legacy encoding
    try:
        return body.decode(codec)
    except UnicodeDecodeError:
        return body.decode(codec, "replace")
