"""Systems compared by bench/dedupe.py: newsdesk's index and datasketch's MinHashLSH (memory, Redis)."""

from __future__ import annotations

from typing import Protocol

import redis
from datasketch import MinHash, MinHashLSH

from pipelines.dedupe import DedupeIndex
from pipelines.dedupe.normalize import normalize, tokens


class System(Protocol):
    name: str

    def check(self, doc_id: str, text: str) -> str | None: ...


class Newsdesk:
    def __init__(self, client: redis.Redis, namespace: str = "bench") -> None:
        self.name = "newsdesk DedupeIndex"
        self.index = DedupeIndex(client, namespace=namespace)

    def check(self, doc_id: str, text: str) -> str | None:
        return self.index.check_and_add(doc_id, text).duplicate_of


class DatasketchLSH:
    """Word 3-shingles, 128-permutation MinHash, LSH at ``threshold``; the best candidate's cluster wins.

    Signatures and the cluster map stay in Python memory in both modes (datasketch
    stores only the LSH buckets in Redis), so the Redis column understates its total.
    """

    def __init__(self, threshold: float = 0.5, redis_port: int | None = None, num_perm: int = 128) -> None:
        mode = "redis" if redis_port else "memory"
        self.name = f"datasketch LSH {threshold} {mode}"
        config = None
        if redis_port:
            config = {"type": "redis", "basename": b"dsbench", "redis": {"host": "127.0.0.1", "port": redis_port}}
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, storage_config=config)
        self.threshold = threshold
        self.num_perm = num_perm
        self.signatures: dict[str, MinHash] = {}
        self.canonical: dict[str, str] = {}

    def check(self, doc_id: str, text: str) -> str | None:
        words = tokens(normalize(text))
        shingles = {" ".join(words[i : i + 3]).encode() for i in range(max(1, len(words) - 2))}
        m = MinHash(num_perm=self.num_perm)
        m.update_batch(list(shingles))
        best, best_j = None, 0.0
        for key in self.lsh.query(m):
            j = m.jaccard(self.signatures[key])
            if j > best_j:
                best, best_j = key, j
        self.lsh.insert(doc_id, m)
        self.signatures[doc_id] = m
        if best is None or best_j < self.threshold:
            self.canonical[doc_id] = doc_id
            return None
        self.canonical[doc_id] = self.canonical[best]
        return self.canonical[best]
