"""Which copy is the original, through real worker processes on a real Redis and SQLite: the demo's pages in
20 shuffled orders, a rewritten copy and its original in separate workers (the late original taking over),
two workers racing on one cluster, and every page delivered again."""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlalchemy import Engine, select

from pipelines.dedupe import DedupeIndex
from pipelines.models import Page
from pipelines.storage.schema import articles, clusters, flags, review_items
from tests.support.chaos import ChaosRig
from tests.support.demo_corpus import page_id, refetched, story_pages

pytestmark = pytest.mark.chaos
PAIRS = {"troops-withdrawal": ("troops-withdrawal-copy", "rewritten"), "wheat-prices": ("wheat-prices-copy", "exact")}
COPY_CODE = "near_duplicate_of_other_source"


def cluster_rows(engine: Engine, original: Page, copy: Page) -> dict[str, Any]:
    """The two members' rows and their cluster's, as the desk reads them."""
    ids = [page_id(original), page_id(copy)]
    with engine.connect() as connection:
        members = {
            row.id: row
            for row in connection.execute(
                select(articles.c.id, articles.c.cluster_id, articles.c.duplicate_of, articles.c.duplicate_kind)
                .where(articles.c.id.in_(ids))
            )
        }  # fmt: skip
        codes = {row.article_id: row.code for row in connection.execute(select(flags).where(flags.c.code == COPY_CODE))}
        cluster = connection.execute(select(clusters).where(clusters.c.id == members[ids[0]].cluster_id)).one()
        items = {
            row.article_id: row.state
            for row in connection.execute(
                select(review_items.c.article_id, review_items.c.state).where(review_items.c.article_id.in_(ids))
            )
        }
    return {"original": members[ids[0]], "copy": members[ids[1]], "cluster": cluster, "copy_flagged": codes,
            "items": items}  # fmt: skip


def assert_original_stands(rows: dict[str, Any], original: Page, copy: Page, kind: str) -> None:
    assert rows["original"].duplicate_of is None, "the real publisher's article is never a copy"
    assert page_id(original) not in rows["copy_flagged"], "nor flagged as one"
    assert rows["copy"].duplicate_of == page_id(original), "the auto-blog's copy is never the original"
    assert rows["copy"].duplicate_kind == kind
    assert rows["copy"].cluster_id == rows["original"].cluster_id
    assert (rows["cluster"].original_id, rows["cluster"].reason) == (page_id(original), "named")
    assert page_id(copy) in rows["copy_flagged"], "the copy carries the copy flag"
    assert rows["items"].get(page_id(copy)) == "pending", "and waits for a reviewer, in either arrival order"
    assert rows["items"].get(page_id(original), "decided") == "decided", "the original is not in the queue"


def test_demo_pages_in_20_shuffled_orders_never_make_the_auto_blog_the_original(rig: ChaosRig) -> None:
    rig.start_worker(concurrency=2)
    index = DedupeIndex(rig.redis, namespace=rig.settings.dedupe.namespace)
    rng = random.Random(2020)
    firsts = set()
    for round_number in range(20):
        pages = story_pages(f"-r{round_number}")
        order = list(pages.values())
        rng.shuffle(order)
        # Fetched in the order processed: "first fetched" speaks for whichever copy comes first.
        batch = [refetched(page, minute) for minute, page in enumerate(order)]
        rig.enqueue(batch)
        audit = rig.settle(batch, timeout=90, message=f"round {round_number} stored")
        assert (audit.lost, audit.dead_letters) == (0, 0)
        for original_slug, (copy_slug, kind) in PAIRS.items():
            original, copy = pages[original_slug], pages[copy_slug]
            assert_original_stands(cluster_rows(rig.engine, original, copy), original, copy, kind)
            firsts.add(order.index(original) < order.index(copy))
        index.clear()  # a fresh dedupe index for the next round (its pages are new URLs, new rows)
    assert firsts == {True, False}, "both arrival orders were tried"


def test_a_late_original_in_another_worker_takes_over_races_and_redeliveries_settle_alike(rig: ChaosRig) -> None:
    pages = story_pages()
    index = DedupeIndex(rig.redis, namespace=rig.settings.dedupe.namespace)
    originals = [pages[slug] for slug in PAIRS]
    copies = [pages[copy_slug] for copy_slug, _ in PAIRS.values()]

    # The copies in one worker process; later, the originals in another: they take over each cluster.
    first = rig.start_worker(concurrency=1)
    rig.enqueue(copies)
    rig.settle(copies, timeout=60, message="copies stored")
    first.stop()
    for copy in copies:
        with rig.engine.connect() as connection:
            alone = connection.execute(select(articles.c.duplicate_of).where(articles.c.id == page_id(copy))).scalar()
        assert alone is None, "a copy seen alone stands as its own story until its original arrives"
    rig.start_worker(concurrency=1)
    rig.enqueue(originals)
    rig.settle([*copies, *originals], timeout=60, message="originals stored")
    settled = {}
    for (original_slug, (_copy_slug, kind)), original, copy in zip(PAIRS.items(), originals, copies, strict=True):
        rows = cluster_rows(rig.engine, original, copy)
        assert_original_stands(rows, original, copy, kind)
        assert rows["cluster"].id == page_id(copy) and rows["cluster"].epoch == 1, "the copy's cluster, taken over"
        settled[original_slug] = rows

    # Every page delivered again, as fresh tasks: the same clusters, the same originals, no new epoch.
    rig.enqueue([*originals, *copies])
    rig.wait(lambda: rig.log().count("processed") >= 8, timeout=60, message="redeliveries processed")
    rig.settle([*copies, *originals], timeout=60, message="redeliveries settled")
    for (original_slug, (_copy_slug, kind)), original, copy in zip(PAIRS.items(), originals, copies, strict=True):
        rows = cluster_rows(rig.engine, original, copy)
        assert_original_stands(rows, original, copy, kind)
        assert rows["cluster"].epoch == settled[original_slug]["cluster"].epoch

    # Two worker processes racing on each cluster: copy and original queued together, five times over.
    rig.start_worker(concurrency=1)
    for round_number in range(5):
        index.clear()
        raced = story_pages(f"-race{round_number}")
        both = [page for slug in PAIRS for page in (raced[slug], raced[PAIRS[slug][0]])]
        rig.enqueue(both if round_number % 2 else both[::-1])
        rig.settle(both, timeout=60, message=f"race {round_number} stored")
        for original_slug, (copy_slug, kind) in PAIRS.items():
            original, copy = raced[original_slug], raced[copy_slug]
            assert_original_stands(cluster_rows(rig.engine, original, copy), original, copy, kind)
