"""Reading pages from local files for ``newsdesk ingest``: one reader per file type, each input checked.

A reader turns one file into :class:`Found` pages and :class:`Skipped` inputs
(with the reason).  :data:`READERS` maps a file-name ending (matched in any
case) to its reader; a new file type is one more entry (a WARC reader plugs in
the same way).  :func:`check_body` applies to every page the checks the
worker would otherwise fail on later: the size cap, empty and binary bodies.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipelines.decode import decode_html
from pipelines.errors import UndecodableContent


@dataclass(frozen=True)
class Found:
    """A page read from ``origin`` (a file, or ``file:line``)."""

    origin: str
    url: str
    body: bytes
    source_id: str | None = None  # a JSONL record may name its own source
    content_type: str | None = None


@dataclass(frozen=True)
class Skipped:
    """An input not queued, and why."""

    origin: str
    reason: str


Reader = Callable[[Path, int], Iterable[Found | Skipped]]


def read_html_file(path: Path, max_bytes: int) -> Iterator[Found | Skipped]:
    size = path.stat().st_size
    if size > max_bytes:
        yield Skipped(str(path), f"{size:,} bytes is over the {max_bytes:,}-byte cap (crawl.max_response_bytes)")
        return
    url = path.resolve().as_uri()
    yield Found(str(path), url, path.read_bytes())


def read_json_lines(path: Path, max_bytes: int) -> Iterator[Found | Skipped]:
    """JSONL / NDJSON: one ``{"url": ..., "html": ..., "source_id"?: ...}`` object per line."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            origin = f"{path}:{number}"
            if not raw.strip():
                continue
            if len(raw) > max_bytes + 4096:
                yield Skipped(origin, f"line of {len(raw):,} bytes is over the {max_bytes:,}-byte cap")
                continue
            try:
                record = json.loads(raw)
                url, html = record["url"], record["html"]
            except (ValueError, KeyError, TypeError) as exc:
                yield Skipped(origin, f"expected a JSON object with 'url' and 'html' ({type(exc).__name__}: {exc})")
                continue
            if not isinstance(url, str) or not url or not isinstance(html, str):
                yield Skipped(origin, "'url' must be a non-empty string and 'html' a string")
                continue
            source_id = record.get("source_id")
            yield Found(origin, url, html.encode("utf-8"), source_id if isinstance(source_id, str) else None,
                        "text/html; charset=utf-8")  # fmt: skip


READERS: dict[str, Reader] = {
    ".html": read_html_file,
    ".htm": read_html_file,
    ".jsonl": read_json_lines,
    ".ndjson": read_json_lines,
}


def reader_for(path: Path) -> Reader | None:
    name = path.name.lower()
    for ending in sorted(READERS, key=len, reverse=True):  # ".warc.gz" before ".gz"
        if name.endswith(ending):
            return READERS[ending]
    return None


def input_files(paths: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """The files to read under ``paths`` (directories searched), and the ones no reader takes."""
    files: list[Path] = []
    skipped: list[Skipped] = []
    known = ", ".join(sorted(READERS))
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if reader_for(child) is not None:
                    files.append(child)
                else:
                    skipped.append(Skipped(str(child), f"not a file ingest reads ({known})"))
        elif reader_for(path) is not None:
            files.append(path)
        else:
            skipped.append(Skipped(str(path), f"not a file ingest reads ({known})"))
    return files, skipped


def check_body(found: Found, max_bytes: int) -> str | None:
    """Why this page would fail processing (over the cap, empty, binary), or None when it can be queued."""
    if len(found.body) > max_bytes:
        return f"{len(found.body):,} bytes is over the {max_bytes:,}-byte cap (crawl.max_response_bytes)"
    if not found.body.strip():
        return "empty"
    try:
        decode_html(found.body, found.content_type)  # the worker's own check: binary or undecodable
    except UndecodableContent as exc:
        return f"not text: {exc}"
    return None
