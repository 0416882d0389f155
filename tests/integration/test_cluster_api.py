"""The cluster API and page, and ``newsdesk stats``'s cluster counts, over articles processed for real (the demo's
pages through every stage, a real Redis dedupe index) and stored in a real SQLite database."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import Engine, select, update

from config.settings import Settings
from newsdesk.cmd_stats import collect_stats
from pipelines.copy_flags import CopyFlags
from pipelines.dedupe import DedupeIndex
from pipelines.flagging.loader import load_rules
from pipelines.models import Page
from pipelines.process import ProcessingDeps, process_page
from pipelines.storage import repository
from pipelines.storage.schema import articles, review_items
from review.app import create_app
from tests.support.demo_corpus import page_id, refetched, story_pages
from tests.support.review_seed import make_user, migrated_engine, sqlite_settings
from tests.support.review_server import client_for, live_server
from tests.support.review_signin import PASSWORD, sign_in


@pytest.fixture()
def engine(data_dir: Path) -> Iterator[Engine]:
    engine = migrated_engine(f"sqlite:///{data_dir / 'newsdesk.db'}")
    yield engine
    engine.dispose()


def store(engine: Engine, redis_client: redis.Redis, namespace: str, pages: list[Page]) -> None:
    """Process ``pages`` in this order, as one worker would, and store each."""
    index, rules = DedupeIndex(redis_client, namespace=namespace), load_rules()
    deps = ProcessingDeps(duplicates=index, rules=rules, source_of=lambda doc_id: repository.source_of(engine, doc_id))
    for page in pages:
        repository.save_processed(engine, process_page(page, deps), CopyFlags(rules))


@pytest.fixture()
def demo_stored(engine: Engine, redis_client: redis.Redis, namespace: str) -> dict[str, Page]:
    """The demo's stories stored with the copies fetched before their originals (the originals take over)."""
    pages = story_pages()
    copies_first = ["troops-withdrawal-copy", "wheat-prices-copy"]
    order = [*copies_first, *(slug for slug in pages if slug not in copies_first)]
    store(engine, redis_client, namespace, [refetched(pages[slug], n) for n, slug in enumerate(order)])
    return pages


@pytest.fixture()
def client(engine: Engine, data_dir: Path) -> Iterator[httpx.Client]:
    with live_server(create_app(sqlite_settings(data_dir), engine)) as base, client_for(base) as http:
        yield http


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_cluster_api_names_the_original_the_evidence_and_every_member(
    client: httpx.Client, engine: Engine, demo_stored: dict[str, Page]
) -> None:
    token = make_user(engine, "rita")
    original, copy = demo_stored["troops-withdrawal"], demo_stored["troops-withdrawal-copy"]
    cluster_id = stored_cluster_id(engine, original)
    assert cluster_id == page_id(copy)  # the copy came first: the cluster is named after it, the original took over

    answer = client.get(f"/api/clusters/{cluster_id}", headers=bearer(token))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["id"] == cluster_id and body["original_id"] == page_id(original)
    assert body["reason"] == "named" and body["epoch"] >= 1
    assert body["why"] == [
        {"evidence": "source link", "article_id": page_id(copy),
         "detail": f"autoblog article {page_id(copy)} names it as its source (source link)"}
    ]  # fmt: skip
    members = {m["article_id"]: m for m in body["members"]}
    assert set(members) == {page_id(original), page_id(copy)}
    first, second = body["members"]
    assert first["article_id"] == page_id(original) and first["original"] and first["kind"] is None
    assert second["kind"] == "rewritten" and 0.5 < second["similarity"] < 1.0 and not second["original"]
    assert first["source_id"] == "planet" and first["url"] == original.url
    assert first["published"] == "2026-11-23T12:00:00Z" and second["published"] == "2026-11-23T15:47:00Z"
    assert second["names"] == [{"article_id": page_id(original), "url": original.url, "via": "source link"}]
    assert first["title"] == "Prime minister says troops will leave Iraq as ISIL loses ground"
    assert first["fetched_at"].startswith("2026-11-27T08:") and first["item_id"] is None


def test_the_cluster_api_wants_a_user_and_a_known_cluster(
    client: httpx.Client, engine: Engine, demo_stored: dict[str, Page]
) -> None:
    token = make_user(engine, "rita")
    cluster_id = stored_cluster_id(engine, demo_stored["wheat-prices"])
    assert client.get(f"/api/clusters/{cluster_id}").status_code == 401
    assert client.get(f"/api/clusters/{cluster_id}", headers=bearer("not-a-token")).status_code == 401
    assert client.get("/api/clusters/" + "0" * 32, headers=bearer(token)).status_code == 404
    assert client.get("/api/clusters/" + "x" * 33, headers=bearer(token)).status_code == 422
    assert client.get("/api/clusters/a%3Cb", headers=bearer(token)).status_code == 422
    lone = client.get(f"/api/clusters/{stored_cluster_id(engine, demo_stored['tram-line'])}", headers=bearer(token))
    assert lone.status_code == 200
    assert [m["original"] for m in lone.json()["members"]] == [True]
    assert lone.json()["why"][0]["evidence"] == "first seen"


def test_the_item_page_links_to_a_cluster_page_that_escapes_scraped_text(
    client: httpx.Client, engine: Engine, redis_client: redis.Redis, namespace: str
) -> None:
    pages = story_pages()
    store(engine, redis_client, namespace, list(pages.values()))  # originals first: the copy is flagged on arrival
    make_user(engine, "rita", password=PASSWORD)
    copy = pages["wheat-prices-copy"]
    cluster_id = stored_cluster_id(engine, copy)
    with engine.begin() as connection:
        connection.execute(
            update(articles).where(articles.c.id == page_id(copy)).values(title="<script>alert(1)</script> wheat")
        )
    assert client.get(f"/clusters/{cluster_id}").status_code in (303, 307)  # no session: to the sign-in page
    sign_in(client, "rita")
    token = make_user(engine, "api-user")
    item_id = client.get(f"/api/clusters/{cluster_id}", headers=bearer(token)).json()["members"][1]["item_id"]
    item_page = client.get(f"/items/{item_id}").text
    assert f'href="/clusters/{cluster_id}" id="cluster-link"' in item_page
    page = client.get(f"/clusters/{cluster_id}")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt; wheat" in page.text
    assert "source link" in page.text and "Drought pushes wheat prices to a five-year high" in page.text
    assert client.get("/clusters/" + "0" * 32).status_code == 404


def test_stats_counts_clusters_originals_and_copies_per_kind(
    engine: Engine, data_dir: Path, demo_stored: dict[str, Page]
) -> None:
    data = collect_stats(Settings(data_dir=data_dir))
    assert data["clusters"] == 2 and data["originals"] == 2
    assert (data["copies_exact"], data["copies_near"], data["copies_rewritten"]) == (1, 0, 1)
    assert data["duplicates"] == 2


def test_stats_on_a_database_loads_no_celery(engine: Engine, data_dir: Path, demo_stored: dict[str, Page]) -> None:
    script = (
        "import json, sys\nfrom newsdesk.cli import main\ncode = main(sys.argv[1:])\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('celery', 'kombu', 'scrapy'))), "
        "file=sys.stderr)\nraise SystemExit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "--data-dir", str(data_dir), "stats", "--json"],
        capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []
    assert json.loads(done.stdout)["copies_rewritten"] == 1


def stored_cluster_id(engine: Engine, page: Page) -> str:
    with engine.connect() as connection:
        value = connection.execute(select(articles.c.cluster_id).where(articles.c.id == page_id(page))).scalar_one()
    return str(value)


def test_a_copy_stored_before_its_original_is_queued_and_compared_by_evidence(
    client: httpx.Client, engine: Engine, demo_stored: dict[str, Page]
) -> None:
    token = make_user(engine, "rita")
    original, copy = demo_stored["troops-withdrawal"], demo_stored["troops-withdrawal-copy"]
    with engine.connect() as conn:
        items = dict(conn.execute(select(review_items.c.article_id, review_items.c.id)).all())
    assert page_id(copy) in items, "the copy became one when its original arrived, and waits for a reviewer"
    assert page_id(original) not in items
    side = client.get(f"/api/items/{items[page_id(copy)]}/compare", headers=bearer(token)).json()["comparison"]
    assert side["original"]["article_id"] == page_id(original) and side["item_is_original"] is False
    assert any("names it as its source (source link)" in line for line in side["evidence"]), side["evidence"]
    assert not any("fetched first" in line for line in side["evidence"]), "arrival order is not the evidence here"
