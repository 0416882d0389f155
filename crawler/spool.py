"""A disk spool for pages that could not be queued (Redis down): nothing fetched is lost.

Each page is one JSON file written atomically (temporary name, then rename);
a file is deleted only after its page was queued.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from config.settings import Settings
from pipelines.errors import InvalidPayload, NewsdeskError
from pipelines.models import Page
from workers.records import SpooledPage, body_digest

log = logging.getLogger("newsdesk.spool")


class Spool:
    """Pages waiting on disk under ``directory``."""

    def __init__(self, directory: Path, max_body_bytes: int) -> None:
        self.directory = directory
        self.max_body_bytes = max_body_bytes

    @classmethod
    def of(cls, settings: Settings) -> Spool:
        """The data directory's spool, with the crawl's body cap."""
        return cls(settings.spool_dir, settings.crawl.max_response_bytes)

    def put(self, page: Page) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{body_digest(page.body)[:24]}-{body_digest(page.final_url.encode())[:12]}.json"
        target = self.directory / name
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps(SpooledPage(page).to_json()), encoding="utf-8")
        os.replace(temporary, target)
        return target

    def files(self) -> Iterator[Path]:
        if self.directory.is_dir():
            yield from sorted(self.directory.glob("*.json"))

    def __len__(self) -> int:
        return sum(1 for _ in self.files())

    def drain(self, send: Callable[[Page], object]) -> int:
        """Send spooled pages oldest first; stop at the first failure. Returns how many were sent."""
        sent = 0
        for path in self.files():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                page = SpooledPage.from_json(data, max_body_bytes=self.max_body_bytes).page
            except (OSError, ValueError, InvalidPayload) as exc:
                log.error("spool file %s is unreadable (%s); moved aside", path, exc)
                path.rename(path.with_suffix(".bad"))
                continue
            try:
                send(page)
            except NewsdeskError as exc:
                log.warning("spool: still cannot queue (%s); %d waiting", exc, len(self))
                break
            path.unlink(missing_ok=True)
            sent += 1
        return sent
