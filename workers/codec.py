"""Pages at the queue edge: JSON task arguments that name the article, with the body by reference.

A task's kwargs carry the page's fields (URL, source, fetch time, headers)
and a Redis key of its zlib-compressed body, so Flower shows something a
person can read and the broker never holds megabytes of HTML.  The same field
mapping serves the crawler's disk spool (:mod:`crawler.spool`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipelines.errors import InvalidPayload
from pipelines.models import Page, Provenance

PAYLOAD_VERSION = 1
_PAGE_FIELDS = tuple(f.name for f in dataclasses.fields(Page) if f.name != "body")
_REQUIRED_TEXT = ("url", "final_url", "source_id", "fetched_at")


@dataclass(frozen=True)
class PageRef:
    """A page's fields, validated, whose body waits in Redis under ``body_key``."""

    fields: dict[str, Any]
    body_key: str
    body_sha256: str

    @property
    def url(self) -> str:
        return str(self.fields["url"])

    def payload(self) -> dict[str, Any]:
        """Task kwargs for this page; JSON-safe (the inverse of :func:`decode_ref`)."""
        return {"v": PAYLOAD_VERSION, **self.fields, "body_key": self.body_key, "body_sha256": self.body_sha256}


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def compress_body(body: bytes) -> bytes:
    return zlib.compress(body, 3)


def decompress_body(blob: bytes) -> bytes:
    try:
        return zlib.decompress(blob)
    except zlib.error as exc:
        raise InvalidPayload(f"page body does not decompress: {exc}") from exc


def page_fields(page: Page) -> dict[str, Any]:
    """Every field of ``page`` but its body, JSON-safe."""
    fields = {name: getattr(page, name) for name in _PAGE_FIELDS}
    fields["fetched_at"] = page.fetched_at.isoformat()
    # WARC provenance: three plain fields as a list, left out when there is none (payloads stay as they were).
    provenance = fields.pop("provenance")
    if isinstance(provenance, Provenance):
        fields["provenance"] = [provenance.file, provenance.offset, provenance.record_id]
    return fields


def _provenance(value: Any) -> Provenance | None:
    """The inverse of the list :func:`page_fields` writes; anything else is a permanent error."""
    if value is None:
        return None
    if isinstance(value, list) and len(value) == 3:
        file, offset, record_id = value
        if isinstance(file, str) and isinstance(offset, int) and offset >= 0 and isinstance(record_id, str):
            return Provenance(file, offset, record_id)
    raise InvalidPayload(f"page field 'provenance' must be [file, offset, record id], got {value!r:.100}")


def page_from_fields(fields: dict[str, Any], body: bytes) -> Page:
    """The inverse of :func:`page_fields`; anything malformed is a permanent error."""
    unknown = set(fields) - set(_PAGE_FIELDS)
    if unknown:
        raise InvalidPayload(f"unexpected page fields: {sorted(unknown)}")
    for name in _REQUIRED_TEXT:
        if not isinstance(fields.get(name), str) or not fields[name]:
            raise InvalidPayload(f"page field {name!r} must be a non-empty string")
    if not isinstance(fields.get("status"), int):
        raise InvalidPayload("page field 'status' must be an integer")
    try:
        fetched_at = datetime.fromisoformat(fields["fetched_at"])
        provenance = _provenance(fields.get("provenance"))
        return Page(**{**fields, "fetched_at": fetched_at, "body": body, "provenance": provenance})
    except (TypeError, ValueError) as exc:
        raise InvalidPayload(f"malformed page fields: {exc}") from exc


def encode_ref(page: Page, body_key: str) -> dict[str, Any]:
    """Task kwargs for ``page``; JSON-safe."""
    return PageRef(page_fields(page), body_key, body_digest(page.body)).payload()


def decode_ref(payload: dict[str, Any]) -> PageRef:
    """Validate task kwargs; anything malformed is a permanent error."""
    if not isinstance(payload, dict) or payload.get("v") != PAYLOAD_VERSION:
        version = payload.get("v") if isinstance(payload, dict) else payload
        raise InvalidPayload(f"unsupported page payload version: {version!r}")
    fields = {k: v for k, v in payload.items() if k not in ("v", "body_key", "body_sha256")}
    body_key, body_sha256 = payload.get("body_key"), payload.get("body_sha256")
    if not isinstance(body_key, str) or not body_key or not isinstance(body_sha256, str) or not body_sha256:
        raise InvalidPayload("page payload needs 'body_key' and 'body_sha256'")
    # Validate the fields now, with a stand-in body, so a bad message fails before any Redis read.
    page_from_fields(fields, b"")
    return PageRef(fields, body_key, body_sha256)


def page_from_ref(ref: PageRef, body: bytes) -> Page:
    if body_digest(body) != ref.body_sha256:
        raise InvalidPayload(f"page body for {ref.url} does not match its digest")
    return page_from_fields(ref.fields, body)
