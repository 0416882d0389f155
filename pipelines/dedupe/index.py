"""The shared duplicate index: one atomic Lua call per document, on any number of workers."""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import redis

from pipelines import keys
from pipelines.dedupe.anchors import anchor_sample, posted_anchors, stored_anchors
from pipelines.dedupe.features import fingerprint, posted_shingles
from pipelines.dedupe.lua_scripts import CHECK_AND_ADD, FORGET, SWEEP
from pipelines.dedupe.params import DedupeParams
from pipelines.dedupe.shards import Posted, PostingShards
from pipelines.errors import RedisUnavailable
from pipelines.models import DedupeVerdict, DuplicateKind, OriginEvidence, OriginReason

_KINDS: dict[int, DuplicateKind | None] = {0: None, 1: "exact", 2: "near", 3: "rewritten"}
_REASONS: dict[int, OriginReason] = {0: "first", 1: "named", 2: "role", 3: "published", 4: "fetched"}
_ROLE_RANK = {"original_reporting": 0, None: 1, "aggregator": 2}
MAX_NAMES = 2  # named sources kept per document: keeps its evidence under Redis's compact-hash value size
NO_DUPLICATE = DedupeVerdict(duplicate_of=None, similarity=0.0, kind=None)


def _epoch_seconds(published: str | None) -> tuple[float, bool]:
    """A metadata date (ISO 8601, see ArticleMetadata) as epoch seconds (0: none or unreadable), and whether it
    gives only a day; a time without an offset is read as UTC."""
    if not published:
        return 0.0, False
    try:
        if len(published) == 10:
            return datetime.combine(date.fromisoformat(published), datetime.min.time(), UTC).timestamp(), True
        moment = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return 0.0, False
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp(), False


def evidence_blob(evidence: OriginEvidence | None) -> bytes:
    """The Lua scripts' form of ``evidence`` (lua_common's layout); empty when there is none."""
    if evidence is None:
        return b""
    published, day_only = _epoch_seconds(evidence.published)
    names = [bytes.fromhex(name) for name in dict.fromkeys(evidence.names)][:MAX_NAMES]
    head = struct.pack(
        ">BBBddB", 2 if day_only else 0, 0, _ROLE_RANK[evidence.role], max(published, 0.0),
        evidence.fetched_at.timestamp(), len(names),
    )  # fmt: skip
    return head + b"".join(names)


@contextmanager
def _redis_errors() -> Iterator[None]:
    try:
        yield
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise RedisUnavailable(f"dedupe index unreachable: {exc}") from exc
    except redis.ResponseError as exc:
        # A full Redis refuses the script's first write; scripts read first, so nothing was written.
        if "OOM" in str(exc):
            raise RedisUnavailable(f"dedupe index full: {exc}") from exc
        raise


def _verdict_of(doc_id: str, reply: list[Any]) -> DedupeVerdict:
    kind, similarity, epoch, reason = int(reply[0]), int(reply[2]), int(reply[5]), _REASONS.get(int(reply[6]), "first")
    anchor, original = reply[1].decode("utf-8"), reply[4].decode("utf-8")
    if not anchor or (anchor == doc_id and original == doc_id and epoch == 0 and reason == "first"):
        return NO_DUPLICATE  # a cluster of its own so far
    return DedupeVerdict(
        duplicate_of=None if original == doc_id else original,
        similarity=similarity / 10000.0,
        kind=_KINDS[kind],
        cluster_id=anchor,
        original_id=original,
        epoch=epoch,
        reason=reason,
    )


class DedupeIndex:
    """Exact and near-duplicate detection shared by every worker through one Redis.

    A document either joins the cluster of an earlier *canonical* document
    (verdict names the canonical, never another copy, so clusters cannot drift)
    or becomes a canonical itself.  Entries older than ``retention_seconds``
    are evicted a few at a time by later calls, so memory stays bounded.
    With ``posting_shards`` > 0 the postings live in that many slots of their own
    and a call takes up to three steps instead of one script (lua_shards); 0 keeps
    the whole index in the namespace's slot, one call per document.
    """

    def __init__(
        self,
        redis: redis.Redis,
        *,
        namespace: str = "dedupe",
        retention_seconds: int = 30 * 86400,
        params: DedupeParams | None = None,
        posting_shards: int = 0,
        pending_seconds: int = 10,
    ) -> None:
        self.redis = redis
        self.namespace = namespace
        self.retention_seconds = retention_seconds
        self.pending_seconds = pending_seconds
        self.shards = PostingShards(redis, namespace, posting_shards) if posting_shards else None
        self.params = params or DedupeParams()
        if self.params.index_rate_bits < 4:
            # posted shingle hashes must fit 28 bits: a posting keeps 24 of them, its bucket number the lowest 4
            # (and a sharded index's pending list tells an anchor pair's feature by 2**28 added: lua_shards)
            raise ValueError("index_rate_bits must be at least 4")
        self._check = redis.register_script(CHECK_AND_ADD)
        self._forget = redis.register_script(FORGET)
        self._sweep = redis.register_script(SWEEP)
        self._keys = [keys.dedupe(namespace, "m")]  # KEYS of every script: the tagged meta hash (lua_common)
        self._config = self._config_args()

    def _config_args(self) -> list[Any]:
        """ARGV[1..14] of every script (see lua_common.COMMON)."""
        p = self.params
        return [
            self.retention_seconds,
            p.threshold,
            p.segment_quorum,
            p.min_compared_samples,
            p.candidates,
            p.evict_per_call,
            p.posting_cap,
            p.min_shared,
            p.rewrite_threshold,
            p.min_anchor_shared,
            p.rewrite_candidates,
            1 << (16 - p.anchor_post_rate_bits),
            p.anchor_cover,
            p.anchor_region_quorum,
        ]

    def check_and_add(self, doc_id: str, text: str, evidence: OriginEvidence | None = None) -> DedupeVerdict:
        """The verdict for ``doc_id``; indexes it unless it was indexed before (idempotent: a second call gives the
        cluster as it stands then).  With ``evidence`` the document may become its cluster's original."""
        return self._verdict(doc_id, text, evidence, peek=False)

    def peek(self, doc_id: str, text: str) -> DedupeVerdict:
        """The verdict ``check_and_add`` would give, without indexing anything (for previews)."""
        return self._verdict(doc_id, text, None, peek=True)

    def _verdict(self, doc_id: str, text: str, evidence: OriginEvidence | None, *, peek: bool) -> DedupeVerdict:
        fp = fingerprint(text, self.params)
        if fp.token_count == 0:
            return NO_DUPLICATE  # nothing to compare: empty or punctuation-only text
        exact_key = bytes.fromhex(fp.content_hash)[:8]
        anchor = anchor_sample(text, self.params) if fp.sample else b""
        args = [
            *self._config, doc_id, exact_key, fp.sample, "1" if peek else "0", anchor, evidence_blob(evidence),
            fp.stored, stored_anchors(anchor),
        ]  # fmt: skip
        with _redis_errors():
            if self.shards is None:
                return _verdict_of(doc_id, self._check(keys=self._keys, args=args))
            posted = Posted(posted_shingles(fp.sample), posted_anchors(anchor, self.params))
            looked = self.shards.lookup(posted, self._config)
            reply = self._check(keys=self._keys, args=[*args, looked, self.pending_seconds])
            if len(reply) > 7 and int(reply[7]):  # a canonical whose postings are not known to be in the shards
                inserted = int(reply[3]) == 1  # else a repeated call, posting again (idempotent) after a failed post
                purge = 1 if inserted else 0
                self.shards.post(int(reply[7]), int(reply[8]), posted, self._config, purge=purge)
        return _verdict_of(doc_id, reply)

    def forget(self, doc_id: str) -> bool:
        """Remove ``doc_id`` from the index; True when it was there."""
        with _redis_errors():
            return bool(self._forget(keys=self._keys, args=[*self._config, doc_id]))

    def sweep(self, limit: int = 1000) -> int:
        """Evict up to ``limit`` expired documents now (calls to check_and_add do a few each); a sharded index's
        shards drop up to ``limit`` buckets' worth of evicted postings each."""
        with _redis_errors():
            evicted = int(self._sweep(keys=self._keys, args=[*self._config, limit]))
            if self.shards is not None:
                seq, tail = (int(v or 0) for v in self.redis.hmget(self._keys[0], ["seq", "tail"]))
                self.shards.purge(seq, tail, self._config, limit)
        return evicted

    def clear(self) -> int:
        """Delete every key of this namespace; returns how many."""
        patterns = [keys.dedupe(self.namespace, "*")]
        if self.shards is not None:
            patterns += [keys.dedupe_shard(self.namespace, shard, "*") for shard in range(self.shards.count)]
        with _redis_errors():
            return sum(self._delete_matching(pattern) for pattern in patterns)

    def _delete_matching(self, pattern: str) -> int:
        """Delete the keys matching ``pattern``, 500 a call (one pattern's keys share a hash tag: one slot)."""
        deleted = 0
        batch: list[bytes] = []
        for key in self.redis.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 500:
                deleted += int(self.redis.delete(*batch))
                batch = []
        if batch:
            deleted += int(self.redis.delete(*batch))
        return deleted

    def rebuild(self, docs: Iterable[tuple[str, str]]) -> int:
        """Re-index from stored ``(doc_id, text)`` rows in publication order; returns how many were seen."""
        self.clear()
        count = 0
        for doc_id, text in docs:
            self.check_and_add(doc_id, text)
            count += 1
        return count
