"""Pages at the queue edge: JSON task arguments that name the article, with the body by reference.

A task's kwargs carry the URL, source and a Redis key of the zlib-compressed
body, so Flower shows something a person can read and the broker never holds
megabytes of HTML.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pipelines.errors import InvalidPayload
from pipelines.models import Page

PAYLOAD_VERSION = 1


@dataclass(frozen=True)
class PageRef:
    """A page whose body waits in Redis under ``body_key``."""

    url: str
    final_url: str
    status: int
    source_id: str
    fetched_at: str
    body_key: str
    body_sha256: str
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    source_language: str | None = None
    crawl_run_id: str | None = None


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def compress_body(body: bytes) -> bytes:
    return zlib.compress(body, 3)


def decompress_body(blob: bytes) -> bytes:
    try:
        return zlib.decompress(blob)
    except zlib.error as exc:
        raise InvalidPayload(f"page body does not decompress: {exc}") from exc


def encode_ref(page: Page, body_key: str) -> dict[str, Any]:
    """Task kwargs for ``page``; JSON-safe."""
    return {
        "v": PAYLOAD_VERSION,
        "url": page.url,
        "final_url": page.final_url,
        "status": page.status,
        "source_id": page.source_id,
        "fetched_at": page.fetched_at.isoformat(),
        "body_key": body_key,
        "body_sha256": body_digest(page.body),
        "content_type": page.content_type,
        "etag": page.etag,
        "last_modified": page.last_modified,
        "source_language": page.source_language,
        "crawl_run_id": page.crawl_run_id,
    }


def decode_ref(payload: dict[str, Any]) -> PageRef:
    """Validate task kwargs; anything malformed is a permanent error."""
    if not isinstance(payload, dict) or payload.get("v") != PAYLOAD_VERSION:
        raise InvalidPayload(
            f"unsupported page payload version: {payload.get('v') if isinstance(payload, dict) else payload!r}"
        )
    try:
        ref = PageRef(**{k: v for k, v in payload.items() if k != "v"})
    except TypeError as exc:
        raise InvalidPayload(f"malformed page payload: {exc}") from exc
    for name in ("url", "final_url", "source_id", "fetched_at", "body_key", "body_sha256"):
        if not isinstance(getattr(ref, name), str) or not getattr(ref, name):
            raise InvalidPayload(f"page payload field {name!r} must be a non-empty string")
    if not isinstance(ref.status, int):
        raise InvalidPayload("page payload field 'status' must be an integer")
    return ref


def page_from_ref(ref: PageRef, body: bytes) -> Page:
    if body_digest(body) != ref.body_sha256:
        raise InvalidPayload(f"page body for {ref.url} does not match its digest")
    try:
        fetched_at = datetime.fromisoformat(ref.fetched_at)
    except ValueError as exc:
        raise InvalidPayload(f"bad fetched_at {ref.fetched_at!r}") from exc
    return Page(
        url=ref.url,
        final_url=ref.final_url,
        status=ref.status,
        body=body,
        source_id=ref.source_id,
        fetched_at=fetched_at,
        content_type=ref.content_type,
        etag=ref.etag,
        last_modified=ref.last_modified,
        source_language=ref.source_language,
        crawl_run_id=ref.crawl_run_id,
    )
