"""Deduplication on random and malformed text against a real Redis: total, idempotent, exact copies found."""

from __future__ import annotations

import re
import uuid

import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.dedupe import DedupeIndex, DedupeParams, content_hash
from pipelines.dedupe.features import fingerprint
from tests.property.html_strategies import rule_bait_text

DEADLINE_MS = 3000
# Each example gets its own sub-namespace of the test's namespace, which the fixture cleans up.
REDIS_EXAMPLES = settings(
    max_examples=60, deadline=DEADLINE_MS, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
texts = st.one_of(rule_bait_text, st.text(max_size=3000), st.text(alphabet="ab \n.", max_size=3000))


@settings(max_examples=200, deadline=DEADLINE_MS)
@given(texts)
def test_content_hash_is_a_total_stable_digest(text: str) -> None:
    digest = content_hash(text)
    assert re.fullmatch(r"[0-9a-f]{32}", digest)
    assert content_hash(text) == digest
    # Layout is not content: the exact-duplicate key ignores how whitespace is laid out.
    assert content_hash("  " + "   ".join(text.split(" ")) + "\n") == digest


@REDIS_EXAMPLES
@given(texts)
def test_check_and_add_is_idempotent_and_finds_exact_copies(
    redis_client: redis.Redis, namespace: str, text: str
) -> None:
    index = DedupeIndex(redis_client, namespace=f"{namespace}:{uuid.uuid4().hex[:8]}")
    first = index.check_and_add("doc-a", text)
    assert first.duplicate_of is None, "a fresh index has nothing to match"
    assert index.check_and_add("doc-a", text) == first, "a redelivered document gets the same verdict"
    copy = index.check_and_add("doc-b", text)
    assert copy.duplicate_of != "doc-b"
    if fingerprint(text, DedupeParams()).token_count:
        assert copy.duplicate_of == "doc-a" and copy.kind == "exact"
        assert index.check_and_add("doc-b", text) == copy
    else:
        assert copy.duplicate_of is None, "text without tokens is never a duplicate"


@REDIS_EXAMPLES
@given(st.lists(texts, min_size=2, max_size=6))
def test_verdicts_name_a_canonical_document(redis_client: redis.Redis, namespace: str, batch: list[str]) -> None:
    index = DedupeIndex(redis_client, namespace=f"{namespace}:{uuid.uuid4().hex[:8]}")
    canonical: set[str] = set()
    for n, text in enumerate(batch):
        verdict = index.check_and_add(f"doc-{n}", text)
        if verdict.duplicate_of is None:
            canonical.add(f"doc-{n}")
        else:
            # Clusters cannot drift: a verdict always names a document that was not itself a copy.
            assert verdict.duplicate_of in canonical
            assert 0.0 <= verdict.similarity <= 1.0
