"""``newsdesk ingest``: queue pages from local files, checking each input first and saying what it skipped."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from config.settings import Settings
from config.sources import Source, load_sources
from newsdesk import cmd_warc
from newsdesk.errors import UsageError
from newsdesk.ingest_readers import Found, Skipped, check_body, input_files, reader_for
from newsdesk.progress import Bars, wants_bars
from pipelines.models import Page
from workers.runtime import build_runtime

DEFAULT_SOURCE = "ingest"


def known_sources(settings: Settings) -> dict[str, Source]:
    sources = load_sources(Path(settings.sources_file) if settings.sources_file else None)
    return {source.id: source for source in sources}


def resolve_source(source_id: str, sources: dict[str, Source]) -> Source | None:
    """The configured source named by ``--source`` (None for the default ``ingest``); unknown ids are refused."""
    if source_id in sources:
        return sources[source_id]
    if source_id == DEFAULT_SOURCE:
        return None
    known = ", ".join(sorted(sources)) or "none configured"
    raise UsageError(f"--source {source_id!r} is not a configured source (known: {known}; or leave it out)")


def _page(found: Found, source: Source | None, sources: dict[str, Source], now: datetime) -> Page | str:
    source_id = found.source_id or (source.id if source else DEFAULT_SOURCE)
    own = sources.get(source_id) if found.source_id else source
    if found.source_id and own is None and found.source_id != DEFAULT_SOURCE:
        return f"source_id {found.source_id!r} is not a configured source"
    language = own.language if own else None
    return Page(found.url, found.url, 200, found.body, source_id, now, found.content_type, source_language=language)


def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    # --- WARC input: .warc/.warc.gz paths, --warc-list and --warc-status go to newsdesk.cmd_warc ---
    if cmd_warc.wants_warc(args):
        code = cmd_warc.cmd_ingest_warc(settings, args, [raw for raw in args.paths if cmd_warc.is_warc_path(raw)])
        args.paths = [raw for raw in args.paths if not cmd_warc.is_warc_path(raw)]
        if not args.paths:
            return code
    # --- end WARC input ---
    if not args.paths:
        raise UsageError("give at least one path (or --warc-list FILE)")
    paths = [Path(raw) for raw in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"{missing[0]}: no such file or directory")
    sources = known_sources(settings)
    source = resolve_source(args.source, sources)
    files, skipped = input_files(paths)
    cap = settings.crawl.max_response_bytes
    runtime = build_runtime(settings)
    batch_size = settings.crawl.handoff_batch_size
    now = datetime.now(UTC)
    queued, batch = 0, []
    show = wants_bars(args.quiet, args.json)
    with Bars(show) as bars:
        bars.bar("ingest", "ingest", len(files))
        for done, path in enumerate(files, 1):
            reader = reader_for(path)
            assert reader is not None  # input_files kept only files a reader takes
            for item in reader(path, cap):
                if isinstance(item, Skipped):
                    skipped.append(item)
                    continue
                problem = check_body(item, cap)
                page = _page(item, source, sources, now) if problem is None else problem
                if isinstance(page, str):
                    skipped.append(Skipped(item.origin, page))
                    continue
                batch.append(page)
                if len(batch) == batch_size:
                    runtime.dispatcher.enqueue_pages(batch)
                    queued, batch = queued + len(batch), []
            bars.set("ingest", done, len(files), f"queued {queued + len(batch)}  skipped {len(skipped)}")
        if batch:
            runtime.dispatcher.enqueue_pages(batch)
            queued += len(batch)
    reasons = Counter(s.reason.split(" (")[0] for s in skipped)
    if args.json:
        print(json.dumps({"queued": queued, "skipped": [{"input": s.origin, "reason": s.reason} for s in skipped]}))
    else:
        for item in skipped:
            print(f"{item.origin}: skipped: {item.reason}", file=sys.stderr)
        language = f", language {source.language}" if source and source.language else ""
        where = f"source {source.id if source else DEFAULT_SOURCE}{language}"
        print(f"queued {queued} page(s) for processing ({where}); skipped {len(skipped)}", file=sys.stderr)
        if len(reasons) > 1:
            for reason, count in reasons.most_common():
                print(f"  {count:>5} {reason}", file=sys.stderr)
    return 1 if queued == 0 and skipped else 0
