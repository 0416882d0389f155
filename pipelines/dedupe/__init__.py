"""Exact and near-duplicate detection shared by all workers through Redis.

``content_hash`` is the exact key stored with each article; ``DedupeIndex``
answers "is this a copy of an article seen in the last N days, and of which".
"""

from pipelines.dedupe.index import NO_DUPLICATE, DedupeIndex
from pipelines.dedupe.normalize import content_hash
from pipelines.dedupe.params import DedupeParams

__all__ = ["NO_DUPLICATE", "DedupeIndex", "DedupeParams", "content_hash"]
