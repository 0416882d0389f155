"""The review desk's JSON API against a real SQLite database (FastAPI httpx.Client)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select

from pipelines.storage.engine import make_engine
from pipelines.storage.schema import decisions, review_items
from review.app import create_app
from tests.support.review_seed import (
    SeedArticle,
    SeedFlag,
    make_user,
    migrated_engine,
    seed_article,
    sqlite_settings,
)
from tests.support.review_server import client_for, live_server


@pytest.fixture()
def engine(data_dir: Path) -> Iterator[Engine]:
    engine = migrated_engine(f"sqlite:///{data_dir / 'review.db'}")
    yield engine
    engine.dispose()


@contextmanager
def serve(engine: Engine, data_dir: Path, lease_seconds: int = 600) -> Iterator[httpx.Client]:
    with live_server(create_app(sqlite_settings(data_dir, lease_seconds), engine)) as base, client_for(base) as http:
        yield http


@pytest.fixture()
def client(engine: Engine, data_dir: Path) -> Iterator[httpx.Client]:
    with serve(engine, data_dir) as http:
        yield http


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_claim_decide_and_export(client: httpx.Client, engine: Engine) -> None:
    text = "Buy cheap pills now at the shop."
    item_id = seed_article(engine, SeedArticle("art1", text=text, flags=(SeedFlag("spam", "cheap pills"),)))
    token = make_user(engine, "rita")

    claimed = client.post("/api/queue/claim", headers=bearer(token))
    assert claimed.status_code == 200
    body = claimed.json()
    assert body["item"]["id"] == item_id
    assert body["item"]["state"] == "claimed"
    assert body["item"]["lease_owner"] == "rita"
    assert body["flags"][0]["evidence"][0]["excerpt"] == "cheap pills"

    decided = client.post(
        f"/api/items/{item_id}/decision", headers=bearer(token), json={"decision": "reject", "reason": "spam ad"}
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["decided"] == [item_id]

    item = client.get(f"/api/items/{item_id}", headers=bearer(token)).json()
    assert item["item"]["state"] == "decided"
    assert item["item"]["decision"] == "reject"
    assert [entry["action"] for entry in item["audit"]] == ["claim", "decision"]

    export = client.get("/api/decisions/export", headers=bearer(token))
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in export.text.splitlines()]
    assert len(rows) == 1
    assert rows[0]["decision"] == "reject"
    assert rows[0]["reason"] == "spam ad"
    assert rows[0]["flags"][0]["code"] == "spam"
    assert rows[0]["flags"][0]["evidence"][0]["excerpt"] == "cheap pills"


def test_reason_is_required(client: httpx.Client, engine: Engine) -> None:
    item_id = seed_article(engine, SeedArticle("art1"))
    token = make_user(engine, "rita")
    client.post("/api/queue/claim", headers=bearer(token))
    for body in (
        {"decision": "approve"},
        {"decision": "approve", "reason": "   "},
        {"decision": "maybe", "reason": "x"},
    ):
        response = client.post(f"/api/items/{item_id}/decision", headers=bearer(token), json=body)
        assert response.status_code == 422, body
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(decisions)).scalar_one() == 0


def test_queue_order_and_filters(client: httpx.Client, engine: Engine) -> None:
    old_low = seed_article(engine, SeedArticle("a1", priority=1000, age_minutes=50))
    new_high = seed_article(engine, SeedArticle("a2", priority=4000, age_minutes=1, source_id="other"))
    old_high = seed_article(
        engine, SeedArticle("a3", priority=4000, age_minutes=30, language="de", flags=(SeedFlag("hate"),))
    )
    spamlink = seed_article(engine, SeedArticle("a4", priority=10, flags=(SeedFlag("spamlink"),)))
    token = make_user(engine, "rita")

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/queue{query}", headers=bearer(token))
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids("") == [old_high, new_high, old_low, spamlink]
    assert ids("?code=spam") == [new_high, old_low]  # "spamlink" is another code
    assert ids("?code=hate") == [old_high]
    assert ids("?source=other") == [new_high]
    assert ids("?language=de") == [old_high]
    assert ids("?limit=2&offset=1") == [new_high, old_low]
    client.post("/api/queue/claim", headers=bearer(token))
    assert ids("?state=claimed") == [old_high]
    assert ids("?state=pending") == [new_high, old_low, spamlink]
    assert ids("?state=decided") == []
    assert client.get("/api/queue?state=nonsense", headers=bearer(token)).status_code == 422


def test_lease_expiry_returns_item_to_queue(engine: Engine, data_dir: Path) -> None:
    item_id = seed_article(engine, SeedArticle("art1"))
    first, second = make_user(engine, "rita"), make_user(engine, "sam")
    with serve(engine, data_dir, lease_seconds=1) as client:
        assert client.post("/api/queue/claim", headers=bearer(first)).json()["item"]["id"] == item_id
        assert client.post("/api/queue/claim", headers=bearer(second)).json() == {"item": None}
        time.sleep(1.2)
        queue = client.get("/api/queue?state=pending", headers=bearer(second)).json()["items"]
        assert [item["id"] for item in queue] == [item_id]
        assert client.post("/api/queue/claim", headers=bearer(second)).json()["item"]["id"] == item_id
        # The first reviewer's lease is gone: no renewal, no decision.
        assert client.post(f"/api/items/{item_id}/heartbeat", headers=bearer(first)).status_code == 409
        late = client.post(
            f"/api/items/{item_id}/decision", headers=bearer(first), json={"decision": "approve", "reason": "ok"}
        )
        assert late.status_code == 409
        ok = client.post(
            f"/api/items/{item_id}/decision", headers=bearer(second), json={"decision": "approve", "reason": "ok"}
        )
        assert ok.status_code == 200


def test_heartbeat_keeps_the_lease(engine: Engine, data_dir: Path) -> None:
    item_id = seed_article(engine, SeedArticle("art1"))
    first, second = make_user(engine, "rita"), make_user(engine, "sam")
    with serve(engine, data_dir, lease_seconds=2) as client:
        client.post("/api/queue/claim", headers=bearer(first))
        for _ in range(3):
            time.sleep(0.8)
            beat = client.post(f"/api/items/{item_id}/heartbeat", headers=bearer(first))
            assert beat.status_code == 200, beat.text
        # 2.4 s after the claim, past the original 2 s lease, the item is still held.
        assert client.post("/api/queue/claim", headers=bearer(second)).json() == {"item": None}
        assert client.post(f"/api/items/{item_id}/heartbeat", headers=bearer(second)).status_code == 409
        decided = client.post(
            f"/api/items/{item_id}/decision", headers=bearer(first), json={"decision": "escalate", "reason": "?"}
        )
        assert decided.status_code == 200


def test_release_hands_the_item_on(client: httpx.Client, engine: Engine) -> None:
    item_id = seed_article(engine, SeedArticle("art1"))
    first, second = make_user(engine, "rita"), make_user(engine, "sam")
    client.post("/api/queue/claim", headers=bearer(first))
    assert client.post(f"/api/items/{item_id}/release", headers=bearer(second)).status_code == 409
    assert client.post(f"/api/items/{item_id}/release", headers=bearer(first)).status_code == 200
    assert client.post("/api/queue/claim", headers=bearer(second)).json()["item"]["id"] == item_id
    assert client.post("/api/items/999/release", headers=bearer(second)).status_code == 404


def test_admin_undo_is_logged(client: httpx.Client, engine: Engine) -> None:
    item_id = seed_article(engine, SeedArticle("art1"))
    reviewer, admin = make_user(engine, "rita"), make_user(engine, "ada", "admin")
    client.post("/api/queue/claim", headers=bearer(reviewer))
    client.post(f"/api/items/{item_id}/decision", headers=bearer(reviewer), json={"decision": "reject", "reason": "r"})

    assert client.post(f"/api/items/{item_id}/undo", headers=bearer(reviewer), json={"reason": "x"}).status_code == 403
    undone = client.post(f"/api/items/{item_id}/undo", headers=bearer(admin), json={"reason": "wrong call"})
    assert undone.status_code == 200, undone.text
    assert client.post(f"/api/items/{item_id}/undo", headers=bearer(admin), json={"reason": "again"}).status_code == 409
    assert client.post(f"/api/items/{item_id}/undo", headers=bearer(admin)).status_code == 409  # body optional

    with engine.connect() as conn:
        row = conn.execute(select(review_items).where(review_items.c.id == item_id)).one()
        assert (row.state, row.decision, row.decided_by) == ("pending", None, None)
        log = conn.execute(select(decisions).order_by(decisions.c.id)).all()
    assert [(d.decision, d.undoes) for d in log] == [("reject", None), ("undo", log[0].id)]

    audit = client.get(f"/api/audit?target=item:{item_id}", headers=bearer(admin)).json()["entries"]
    assert [entry["action"] for entry in audit] == ["undo", "decision", "claim"]
    assert audit[0]["actor"] == "ada"
    assert audit[0]["detail"]["was"] == "reject"
    # Back in the queue for anyone.
    assert client.post("/api/queue/claim", headers=bearer(reviewer)).json()["item"]["id"] == item_id


def test_apply_to_copies(client: httpx.Client, engine: Engine) -> None:
    first = seed_article(engine, SeedArticle("orig", title="Story"))
    copy_a = seed_article(engine, SeedArticle("copy1", duplicate_of="orig", priority=1))
    copy_b = seed_article(engine, SeedArticle("copy2", duplicate_of="orig", priority=1))
    unrelated = seed_article(engine, SeedArticle("other", priority=1))
    reviewer, other = make_user(engine, "rita"), make_user(engine, "sam")
    assert client.post("/api/queue/claim", headers=bearer(reviewer)).json()["item"]["id"] == first
    assert client.post("/api/queue/claim", headers=bearer(other)).json()["item"]["id"] == copy_a

    detail = client.get(f"/api/items/{first}", headers=bearer(reviewer)).json()
    assert sorted(copy["article_id"] for copy in detail["copies"]) == ["copy1", "copy2"]

    response = client.post(
        f"/api/items/{first}/decision",
        headers=bearer(reviewer),
        json={"decision": "reject", "reason": "same spam", "apply_to_copies": True},
    )
    # copy1 is leased by sam, so it stays his to decide.
    assert sorted(response.json()["decided"]) == [first, copy_b]
    with engine.connect() as conn:
        states = dict(conn.execute(select(review_items.c.id, review_items.c.state)).all())
    assert states == {first: "decided", copy_a: "claimed", copy_b: "decided", unrelated: "pending"}
    admin = make_user(engine, "ada", "admin")
    assert client.post(f"/api/items/{copy_b}/undo", headers=bearer(admin)).status_code == 200  # no body needed
    history = client.get(f"/api/items/{copy_b}", headers=bearer(admin)).json()["decisions"]
    assert [(row["decision"], row["reviewer"]) for row in history] == [("reject", "rita"), ("undo", "ada")]


def test_stats(client: httpx.Client, engine: Engine) -> None:
    items = [
        seed_article(engine, SeedArticle(f"a{i}", flags=(SeedFlag("spam"),) + ((SeedFlag("hate"),) if i == 0 else ())))
        for i in range(4)
    ]
    token = make_user(engine, "rita")
    verdicts = ["reject", "approve", "escalate"]
    for verdict in verdicts:
        claimed = client.post("/api/queue/claim", headers=bearer(token)).json()["item"]["id"]
        client.post(f"/api/items/{claimed}/decision", headers=bearer(token), json={"decision": verdict, "reason": "r"})
    numbers = client.get("/api/stats", headers=bearer(token)).json()
    assert numbers["queue_depth"] == 2  # one never claimed, one escalated to the admins' queue
    assert numbers["admin_queue"] == 1
    assert numbers["decided"] == 2
    assert numbers["decisions_last_hour"] == 3
    assert numbers["oldest_pending_age_seconds"] >= 0
    # An escalation is not a verdict: only the reject and the approve judge "spam".
    assert numbers["rules"]["spam"] == {"confirmed": 1, "approved": 1, "confirmation_rate": pytest.approx(1 / 2)}
    assert numbers["rules"]["hate"]["confirmed"] == 1  # item a0 (the first claimed) was rejected
    assert len(items) == 4


def test_health_and_readiness(client: httpx.Client, data_dir: Path) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    bare = make_engine(f"sqlite:///{data_dir / 'empty.db'}")
    with serve(bare, data_dir) as fresh:
        assert fresh.get("/readyz").status_code == 503
    bare.dispose()
