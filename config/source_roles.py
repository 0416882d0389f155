"""A source's role in the copy judgement, in a module of its own: the pipeline's models need the type without
loading the sources file's validators (their cron check imports Celery)."""

from __future__ import annotations

from typing import Literal

# original_reporting: the source reports its own stories; aggregator: it republishes other sources' stories.
SourceRole = Literal["original_reporting", "aggregator"]
SOURCE_ROLES: tuple[str, ...] = ("original_reporting", "aggregator")
