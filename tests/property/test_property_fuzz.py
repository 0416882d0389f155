"""A bounded fuzz run of the whole HTML path: bytes -> decode -> extract -> strip -> dedupe -> flag.

A fixed budget of derandomised examples (the same inputs in every CI run, about
30 s on a shared 2-core machine): random documents, mutated real pages, raw
bytes and UTF-16.  Each page either becomes a processed article or is refused
with a permanent error that the worker dead-letters; nothing else may escape.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.dedupe import DedupeIndex
from pipelines.errors import PermanentError
from pipelines.flagging import load_rules
from pipelines.models import ACTION_RANK, Page
from pipelines.process import ProcessingDeps, process_page
from tests.property.html_strategies import any_html_bytes

FUZZ_EXAMPLES = 1000
RULES = load_rules()
CONTENT_TYPES = st.sampled_from(
    [None, "text/html", "text/html; charset=utf-8", "text/html; charset=bogus", "text/html; charset=utf-16",
     "application/xhtml+xml", "text/plain; charset=latin-1"]
)  # fmt: skip


@settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=5000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(any_html_bytes, CONTENT_TYPES)
def test_fuzz_html_path(redis_client: redis.Redis, namespace: str, body: bytes, content_type: str | None) -> None:
    deps = ProcessingDeps(
        duplicates=DedupeIndex(redis_client, namespace=f"{namespace}:{uuid.uuid4().hex[:8]}"),
        rules=RULES,
        source_of=lambda _doc_id: None,
    )
    url = "https://news.test/fuzz/1"
    page = Page(url, url, 200, body, "fuzz", datetime(2026, 11, 1, tzinfo=UTC), content_type)
    try:
        processed = process_page(page, deps)
    except PermanentError:
        return  # refused by design (empty, binary, undecodable): dead-lettered, never retried
    assert processed.outcome.action in ACTION_RANK
    assert len(processed.article_id) == 32
    assert isinstance(processed.article.text, str)
