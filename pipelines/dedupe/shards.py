"""The client side of a sharded index's postings (lua_shards): which shard holds a feature, and the pipelined
``LOOKUP`` and ``POST`` calls, one per shard a text's posted features fall in."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import redis
from redis.commands.core import Script
from redis.exceptions import NoScriptError

from pipelines import keys
from pipelines.dedupe.lua_shards import LOOKUP, POST

_MIX = 0x9E3779B1  # spreads features over shards independently of the low bits their buckets are chosen by
SEQ_MARGIN = 1 << 20  # documents other workers may insert between a check and its post (lua_common.full_num)


@dataclass(frozen=True)
class Posted:
    """A text's posted features: shingle hashes (features.posted_shingles), anchor pairs (anchors.posted_anchors)."""

    shingles: Sequence[int]
    anchors: Sequence[int]


def _packed(shingles: Sequence[int], anchors: Sequence[int]) -> list[bytes]:
    return [struct.pack(f">{len(shingles)}I", *shingles), struct.pack(f">{len(anchors)}H", *anchors)]


class PostingShards:
    """The ``count`` posting shards of index ``namespace`` on ``redis`` (one Redis or a cluster client)."""

    def __init__(self, redis_client: redis.Redis, namespace: str, count: int) -> None:
        if count < 1:
            raise ValueError("a sharded index needs at least one posting shard")
        self.redis = redis_client
        self.count = count
        self.metas = [keys.dedupe_shard(namespace, shard, "m") for shard in range(count)]
        self._lookup = redis_client.register_script(LOOKUP)
        self._post = redis_client.register_script(POST)

    def shard_of(self, value: int) -> int:
        return (((value * _MIX) & 0xFFFFFFFF) >> 16) % self.count

    def _by_shard(self, posted: Posted) -> dict[int, tuple[list[int], list[int]]]:
        groups: dict[int, tuple[list[int], list[int]]] = {}
        for table, values in enumerate((posted.shingles, posted.anchors)):
            for value in values:
                groups.setdefault(self.shard_of(value), ([], []))[table].append(value)
        return groups

    def _run(self, script: Script, calls: list[tuple[int, list[Any]]]) -> list[Any]:
        """``script`` on each (shard, args) in one pipeline; a server without the script gets it loaded."""
        if not calls:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for shard, args in calls:
            script(keys=[self.metas[shard]], args=args, client=pipe)
        try:
            return list(pipe.execute())
        except NoScriptError:  # a cluster pipeline leaves loading to the caller: one direct call per shard loads it
            return [script(keys=[self.metas[shard]], args=args) for shard, args in calls]

    def lookup(self, posted: Posted, config: Sequence[Any]) -> bytes:
        """What the shards hold under ``posted``, as CHECK_AND_ADD's ARGV[23] (lua_shards.parse_looked)."""
        groups = sorted(self._by_shard(posted).items())
        replies = self._run(self._lookup, [(shard, [*config, *_packed(*group)]) for shard, group in groups])
        found: list[dict[int, bytes]] = [{}, {}]
        for (_, group), reply in zip(groups, replies, strict=True):
            for table, values in enumerate(group):
                offset = 0 if table == 0 else len(group[0])
                found[table].update(zip(values, reply[offset : offset + len(values)], strict=True))
        parts = [struct.pack(">HH", len(posted.shingles), len(posted.anchors))]
        for table, asked in enumerate((posted.shingles, posted.anchors)):
            for value in asked:
                lows = found[table].get(value, b"")
                parts.append(struct.pack(">H", len(lows) // 3) + lows)
        return b"".join(parts)

    def post(self, num: int, tail: int, posted: Posted, config: Sequence[Any], *, purge: int) -> None:
        """Post document ``num``'s features to their shards (idempotent), purging ``purge`` buckets of each."""
        groups = sorted(self._by_shard(posted).items())
        head = [num, num + SEQ_MARGIN, tail, purge]
        self._run(self._post, [(shard, [*config, *head, *_packed(*group)]) for shard, group in groups])

    def purge(self, seq: int, tail: int, config: Sequence[Any], limit: int) -> None:
        """Drop evicted documents' entries from up to ``limit`` buckets of each table of every shard."""
        head = [0, seq + SEQ_MARGIN, tail, limit]
        self._run(self._post, [(shard, [*config, *head, b"", b""]) for shard in range(self.count)])
