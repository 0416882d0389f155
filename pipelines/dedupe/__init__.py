"""Exact and near-duplicate detection shared by all workers through Redis.

``content_hash`` is the exact key stored with each article; ``DedupeIndex``
answers "is this a copy of an article seen in the last N days, and of which".

How (features.py, lua_*.py): every text gets a hash-threshold sample of its
shingles (1 in 4, at most 96, each tagged with its paragraph); 1 in 16 are
posted to an inverted index of *canonical* documents only.  A new text looks up
its posted shingles, takes the three canonicals sharing most, and accepts the
best whose paragraphs cover >= 78% of either text (a paragraph counts when >= 30%
of its samples reappear) while >= 35% of the smaller text's samples are shared.
Exact copies are told by the normalised-text hash (kept in each record, and in a
table of its own only for texts with no posted shingle).  All of it, and the
insert, is one Lua call, so racing workers see a serial order; on a Redis Cluster
the postings may be spread over slots of their own (``posting_shards``,
lua_shards.py), with the decision still one call in the namespace's slot.
"""

from pipelines.dedupe.index import NO_DUPLICATE, DedupeIndex
from pipelines.dedupe.normalize import content_hash
from pipelines.dedupe.params import DedupeParams

__all__ = ["NO_DUPLICATE", "DedupeIndex", "DedupeParams", "content_hash"]
