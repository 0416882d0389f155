"""What to read from a WARC file: its location, the filters, and where its pages are stored.

A :class:`WarcJob` crosses a process boundary (the per-file task on the crawl
queue), so it has one ``to_json``/``from_json`` pair that validates and raises
:class:`~pipelines.errors.InvalidPayload`, and nothing else unpacks it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipelines.errors import InvalidPayload

JOB_VERSION = 1
# What a news reader wants by default: HTML documents; feeds, images and scripts are skipped.
DEFAULT_MIME_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def file_id(location: str) -> str:
    """The checkpoint key of a WARC file: a digest of where it lives (a path or a URL)."""
    return hashlib.sha256(location.encode("utf-8")).hexdigest()[:32]


def _host_matches(host: str, patterns: frozenset[str]) -> bool:
    """``example.com`` matches itself and every subdomain, never ``badexample.com``."""
    parts = host.split(".")
    return any(".".join(parts[i:]) in patterns for i in range(len(parts)))


@dataclass(frozen=True)
class WarcFilters:
    """Which response records become pages.  Empty sets mean "no restriction"."""

    languages: frozenset[str] = frozenset()  # primary language subtags: en, de
    allow_hosts: frozenset[str] = frozenset()
    deny_hosts: frozenset[str] = frozenset()
    mime_types: frozenset[str] = DEFAULT_MIME_TYPES
    since: datetime | None = None  # WARC-Date at or after
    until: datetime | None = None  # WARC-Date before

    def host_allowed(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        if self.deny_hosts and _host_matches(host, self.deny_hosts):
            return False
        return not self.allow_hosts or _host_matches(host, self.allow_hosts)

    def date_allowed(self, when: datetime) -> bool:
        return (self.since is None or when >= self.since) and (self.until is None or when < self.until)

    def to_json(self) -> dict[str, Any]:
        return {
            "languages": sorted(self.languages),
            "allow_hosts": sorted(self.allow_hosts),
            "deny_hosts": sorted(self.deny_hosts),
            "mime_types": sorted(self.mime_types),
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }

    @classmethod
    def from_json(cls, data: Any) -> WarcFilters:
        if not isinstance(data, dict) or set(data) - set(cls().to_json()):
            raise InvalidPayload(f"WARC filters must be an object with {sorted(cls().to_json())}")

        def names(key: str, default: frozenset[str]) -> frozenset[str]:
            value = data.get(key, sorted(default))
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise InvalidPayload(f"WARC filter {key!r} must be a list of non-empty strings")
            return frozenset(v.lower() for v in value)

        def moment(key: str) -> datetime | None:
            value = data.get(key)
            if value is None:
                return None
            try:
                parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                parsed = None
            if parsed is None or parsed.tzinfo is None:
                raise InvalidPayload(f"WARC filter {key!r} must be an ISO time with a zone, got {value!r:.40}")
            return parsed

        return cls(
            languages=names("languages", frozenset()),
            allow_hosts=names("allow_hosts", frozenset()),
            deny_hosts=names("deny_hosts", frozenset()),
            mime_types=names("mime_types", DEFAULT_MIME_TYPES),
            since=moment("since"),
            until=moment("until"),
        )


@dataclass(frozen=True)
class WarcJob:
    """One WARC file to read into the processing queue."""

    location: str  # a local path or an http(s) URL
    source_id: str = "warc"
    filters: WarcFilters = field(default_factory=WarcFilters)

    @property
    def file_id(self) -> str:
        return file_id(self.location)

    def to_json(self) -> dict[str, Any]:
        filters = self.filters.to_json()
        return {"v": JOB_VERSION, "location": self.location, "source_id": self.source_id, "filters": filters}

    @classmethod
    def from_json(cls, data: Any) -> WarcJob:
        if not isinstance(data, dict) or data.get("v") != JOB_VERSION:
            raise InvalidPayload(f"unsupported WARC job: {data!r:.100}")
        location, source_id = data.get("location"), data.get("source_id")
        if not isinstance(location, str) or not location or not isinstance(source_id, str) or not source_id:
            raise InvalidPayload("a WARC job needs a non-empty 'location' and 'source_id'")
        return cls(location, source_id, WarcFilters.from_json(data.get("filters", {})))
