"""Logging set-up: readable lines by default, one JSON object per line on request.

Records carry ``article_id`` / ``url`` / ``source_id`` when the code logging
them passes them in ``extra``, so one item can be followed from crawl to review.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

CONTEXT_FIELDS = ("article_id", "url", "source_id", "task_id", "crawl_run_id")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                data[name] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str)


NOISY_LOGGERS = (
    "scrapy",
    "twisted",
    "celery",
    "kombu",
    "amqp",
    "alembic",
    "httpx",
    "urllib3",
    "py.warnings",
    "protego",
)


class QuietLibraries(logging.Filter):
    """Drops libraries' records below WARNING (Scrapy resets its loggers' levels, so a filter is needed)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return not record.name.startswith(NOISY_LOGGERS)


def configure_logging(level: str, fmt: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if level != "DEBUG":
        handler.addFilter(QuietLibraries())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
