"""Every Redis key newsdesk writes, built in one place.

All keys start with ``newsdesk:`` so that one Redis can be shared with other
applications and a test or operator can see at a glance what belongs to us.
Each helper documents the key's type and lifetime.
"""

PREFIX = "newsdesk"


def page_body(task_id: str) -> str:
    """STRING: a compressed page body passed by reference to one processing task; expires."""
    return f"{PREFIX}:body:{task_id}"


def dedupe(namespace: str, *parts: str) -> str:
    """Keys of the near-duplicate index ``namespace`` (see pipelines.dedupe) in its record slot.

    The ``{namespace}`` hash tag puts them in one Redis Cluster slot, where a check-and-insert is one atomic
    script; so are the postings unless the index has posting shards (``dedupe_shard``).
    """
    return ":".join((PREFIX, "{" + namespace + "}", *parts))


def dedupe_shard(namespace: str, shard: int, *parts: str) -> str:
    """Keys of posting shard ``shard`` of the near-duplicate index ``namespace``: a slot of its own
    (``{<namespace>:p<K>}``), so a sharded index's postings spread over a cluster (pipelines.dedupe.lua_shards)."""
    return ":".join((PREFIX, "{" + f"{namespace}:p{shard}" + "}", *parts))


def task_attempts(task_key: str) -> str:
    """STRING counter: deliveries of one task; drives the dead-letter decision; expires."""
    return f"{PREFIX}:attempts:{task_key}"


def dead_letters() -> str:
    """LIST of JSON: tasks given up after too many deliveries, kept for operators."""
    return f"{PREFIX}:dead"


def source_lock(source_id: str) -> str:
    """STRING with expiry: the lease of the crawl worker that crawls ``source_id`` now."""
    return f"{PREFIX}:lock:source:{source_id}"


def beat_lock() -> str:
    """STRING with expiry: the lease of the one active scheduler; value is its fencing token."""
    return f"{PREFIX}:lock:beat"


def beat_fence() -> str:
    """STRING counter: monotonically increasing fencing tokens for the scheduler lease."""
    return f"{PREFIX}:fence:beat"


def beat_last_run(source_id: str) -> str:
    """STRING: epoch seconds of the last scheduled crawl of ``source_id``."""
    return f"{PREFIX}:beat:last:{source_id}"


def host_rate(host: str) -> str:
    """STRING with expiry: earliest time (ms) of the next request to ``host``, shared by all crawlers."""
    return f"{PREFIX}:rate:{host}"


def fetch_state(url_digest: str) -> str:
    """HASH with expiry: ETag, Last-Modified and content hash of a fetched URL (incremental crawls)."""
    return f"{PREFIX}:fetched:{url_digest}"


def heartbeat(role: str, name: str) -> str:
    """STRING with expiry: liveness of a beat, crawler or worker process."""
    return f"{PREFIX}:alive:{role}:{name}"


def outbox_index() -> str:
    """ZSET task id -> time queued (or last re-sent): processing tasks not yet finished.

    The ``{outbox}`` hash tag keeps the index and its payloads in one Redis Cluster slot (one pipeline writes both).
    """
    return f"{PREFIX}:{{outbox}}"


def outbox_payloads() -> str:
    """HASH task id -> JSON task kwargs, for re-sending a message that vanished in transit."""
    return f"{PREFIX}:{{outbox}}:payload"


def reconcile_lock() -> str:
    """STRING with expiry: the one worker currently reconciling the outbox."""
    return f"{PREFIX}:lock:reconcile"
