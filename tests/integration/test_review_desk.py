"""The desk's second generation through its HTTP API and pages, against a real database and a live server:
search, filters with counts, claims that honour filters, escalation, blind second opinions, batches,
side by side, the stored page, re-extraction, rules that learn, the overview, bounded ids, and the
401/403/CSRF/CSP guarantees of every new route."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import Engine, select, update

from config.settings import Settings
from newsdesk.cli import main
from pipelines.flagging.loader import bundled_rules, load_rules
from pipelines.storage.schema import audit_log, decisions, flags, review_items
from review.app import create_app
from review.pageview import PAGE_CSP
from tests.support.review_seed import (
    SeedArticle,
    SeedFlag,
    make_user,
    seed_article,
    sqlite_settings,
)
from tests.support.review_server import client_for, live_server

PASSWORD = "reviewer password"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def serve(engine: Engine, settings: Settings) -> Iterator[httpx.Client]:
    with live_server(create_app(settings, engine)) as base, client_for(base) as http:
        yield http


@pytest.fixture()
def client(engine: Engine, data_dir: Path) -> Iterator[httpx.Client]:
    with serve(engine, sqlite_settings(data_dir)) as http:
        yield http


def sign_in(http: httpx.Client, name: str) -> str:
    """Sign in with a session cookie; returns the page CSRF token."""
    page = http.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    http.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token.group(1), "next": "/"})
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', http.get("/").text)
    assert match
    return match.group(1)


def test_search_filters_with_counts_and_claims_that_honour_them(client: httpx.Client, engine: Engine) -> None:
    flood = seed_article(
        engine, SeedArticle("a1", title="River floods the valley", text="Water rose overnight.", priority=9000)
    )
    market = seed_article(
        engine,
        SeedArticle("a2", title="Markets", text="Shares in Zürich fell.", source_id="wire", language="de"),
    )
    seed_article(engine, SeedArticle("a3", title="Council", text="A meeting.", flags=(SeedFlag("hate"),)))
    token = make_user(engine, "rita", password=PASSWORD)

    found = client.get("/api/queue", params={"q": "zurich"}, headers=bearer(token)).json()
    assert [i["id"] for i in found["items"]] == [market]  # diacritics folded, prefix matched
    assert (
        client.get("/api/queue", params={"q": "flood valley"}, headers=bearer(token)).json()["items"][0]["id"] == flood
    )
    assert client.get("/api/queue", params={"q": '"unbalanced ( AND'}, headers=bearer(token)).status_code == 200

    listing = client.get("/api/queue", params={"code": "spam"}, headers=bearer(token)).json()
    facets = listing["facets"]
    assert facets["codes"] == {"spam": 2, "hate": 1}  # a facet ignores its own filter
    assert facets["sources"] == {"example": 1, "wire": 1}
    assert facets["states"]["pending"] == 2
    assert listing["items"][0]["priority_label"].startswith("flag · ")

    claimed = client.post("/api/queue/claim", params={"q": "shares"}, headers=bearer(token)).json()
    assert claimed["item"]["id"] == market  # not the higher-priority flood story
    assert client.post("/api/queue/claim", params={"source": "nowhere"}, headers=bearer(token)).json() == {"item": None}
    opened = client.post(f"/api/items/{flood}/claim", headers=bearer(token))
    assert opened.status_code == 200 and opened.json()["item"]["lease_owner"] == "rita"
    other = make_user(engine, "sam", password=PASSWORD)
    assert client.post(f"/api/items/{flood}/claim", headers=bearer(other)).status_code == 409


def test_escalation_goes_to_the_admins_queue(client: httpx.Client, engine: Engine) -> None:
    item = seed_article(engine, SeedArticle("a1"))
    rita, ada = make_user(engine, "rita", password=PASSWORD), make_user(engine, "ada", "admin", password=PASSWORD)
    client.post("/api/queue/claim", headers=bearer(rita))
    done = client.post(
        f"/api/items/{item}/decision", headers=bearer(rita), json={"decision": "escalate", "reason": "legal must see"}
    ).json()
    assert done["outcome"] == "escalated" and done["decided"] == []
    view = client.get(f"/api/items/{item}", headers=bearer(rita)).json()["item"]
    assert (view["queue"], view["state"], view["escalation_reason"]) == ("admin", "pending", "legal must see")
    assert client.post("/api/queue/claim", headers=bearer(rita)).json() == {"item": None}
    assert client.post(f"/api/items/{item}/claim", headers=bearer(rita)).status_code == 409
    assert client.post("/api/queue/claim", params={"queue": "admin"}, headers=bearer(ada)).json()["item"]["id"] == item
    again = client.post(
        f"/api/items/{item}/decision", headers=bearer(ada), json={"decision": "escalate", "reason": "x"}
    )
    assert again.status_code == 422
    final = client.post(f"/api/items/{item}/decision", headers=bearer(ada), json={"decision": "reject", "reason": "ok"})
    assert final.json()["outcome"] == "decided"
    with engine.connect() as conn:
        opinions = [(r.reviewer, r.decision, r.opinion) for r in conn.execute(select(decisions))]
    assert opinions == [("rita", "escalate", "first"), ("ada", "reject", "admin")]


def test_blind_second_opinions_and_kappa(engine: Engine, data_dir: Path) -> None:
    items = [seed_article(engine, SeedArticle(f"a{i}", flags=(SeedFlag("spam"),))) for i in range(4)]
    rita, sam, ada = (
        make_user(engine, "rita", password=PASSWORD),
        make_user(engine, "sam", password=PASSWORD),
        make_user(engine, "ada", "admin", password=PASSWORD),
    )
    with serve(engine, sqlite_settings(data_dir, second_opinion_rate=1.0)) as http:
        for verdict in ("reject", "reject", "approve", "approve"):
            claimed = http.post("/api/queue/claim", headers=bearer(rita)).json()["item"]["id"]
            done = http.post(
                f"/api/items/{claimed}/decision", headers=bearer(rita), json={"decision": verdict, "reason": "r1"}
            ).json()
            assert done["outcome"] == "second_opinion_due"
        assert http.post("/api/queue/claim", headers=bearer(rita)).json() == {"item": None}  # not your own
        blind = http.get(f"/api/items/{items[0]}", headers=bearer(sam)).json()
        assert blind["blind"] is True and blind["decisions"] == []
        assert all(e["action"] != "decision" for e in blind["audit"])
        assert http.get(f"/api/items/{items[0]}", headers=bearer(ada)).json()["decisions"] != []
        outcomes = []
        for verdict in ("reject", "approve", "approve", "approve"):  # agrees on 3 of 4
            claimed = http.post("/api/queue/claim", headers=bearer(sam)).json()["item"]["id"]
            done = http.post(
                f"/api/items/{claimed}/decision", headers=bearer(sam), json={"decision": verdict, "reason": "r2"}
            ).json()
            outcomes.append(done["outcome"])
        assert outcomes == ["decided", "escalated", "decided", "decided"]
        numbers = http.get("/api/stats", headers=bearer(ada)).json()
    # first: R R A A, second: R A A A -> p_o = 3/4, p_e = (2*1 + 2*3)/16 = 1/2, kappa = 1/2
    assert numbers["agreement"]["kappa"] == pytest.approx(0.5)
    assert numbers["agreement"]["codes"]["spam"] == {"pairs": 4, "agreed": 3, "kappa": pytest.approx(0.5)}
    assert numbers["reviewers"]["sam"]["agreement_with_second_opinions"] == pytest.approx(0.75)
    assert numbers["reviewers"]["rita"]["decisions"] == 4
    assert numbers["reviewers"]["rita"]["median_handling_seconds"] >= 0
    assert numbers["admin_queue"] == 1  # the disagreement waits for an admin


def test_batch_decisions_respect_leases(client: httpx.Client, engine: Engine) -> None:
    ids = [seed_article(engine, SeedArticle(f"a{i}", priority=5000 - i)) for i in range(4)]
    rita, sam = make_user(engine, "rita", password=PASSWORD), make_user(engine, "sam", password=PASSWORD)
    assert client.post("/api/queue/claim", headers=bearer(sam)).json()["item"]["id"] == ids[0]
    result = client.post(
        "/api/batch/decision",
        headers=bearer(rita),
        json={"item_ids": [ids[0], ids[1], ids[2], 999_999], "decision": "reject", "reason": "spam wave"},
    ).json()
    assert result["decided"] == [ids[1], ids[2]]
    assert [s["id"] for s in result["skipped"]] == [ids[0], 999_999]
    assert "claimed by sam" in result["skipped"][0]["why"]
    with engine.connect() as conn:
        rows = conn.execute(select(decisions.c.review_item_id, decisions.c.reason)).all()
        entries = conn.execute(select(audit_log.c.target).where(audit_log.c.action == "decision")).scalars().all()
    assert sorted(rows) == [(ids[1], "spam wave"), (ids[2], "spam wave")]
    assert sorted(entries) == [f"item:{ids[1]}", f"item:{ids[2]}"]
    bad = client.post("/api/batch/decision", headers=bearer(rita), json={"decision": "reject", "reason": "x"})
    assert bad.status_code == 422


def test_cluster_batch_and_side_by_side(client: httpx.Client, engine: Engine) -> None:
    original = "The council approved the new budget on Monday after a long debate."
    rewritten = "On Monday the council approved its new budget after a long and heated debate."
    first = seed_article(engine, SeedArticle("orig", title="Budget", text=original, age_minutes=30))
    copy = seed_article(
        engine,
        SeedArticle("copy", title="Budget (copy)", text=rewritten, duplicate_of="orig", similarity=0.71),
    )
    third = seed_article(engine, SeedArticle("copy2", text=original, duplicate_of="orig", duplicate_kind="exact"))
    rita = make_user(engine, "rita", password=PASSWORD)

    side = client.get(f"/api/items/{copy}/compare", headers=bearer(rita)).json()
    comparison = side["comparison"]
    assert comparison["original"]["article_id"] == "orig" and comparison["item_is_original"] is False
    assert comparison["kind"] == "near" or comparison["kind"] == "rewritten"
    assert "heated" in comparison["added"] and comparison["similarity"] == pytest.approx(0.71)
    assert any("fetched first" in line for line in comparison["evidence"])
    assert {m["article_id"] for m in side["members"]} == {"orig", "copy2"}
    chosen = client.get(f"/api/items/{first}/compare", params={"with": "copy2"}, headers=bearer(rita)).json()
    assert chosen["comparison"]["kind"] == "exact" and chosen["comparison"]["item_is_original"] is True
    assert (
        client.get(f"/api/items/{first}/compare", params={"with": "elsewhere"}, headers=bearer(rita)).status_code == 404
    )

    sam = make_user(engine, "sam", password=PASSWORD)
    client.post(f"/api/items/{third}/claim", headers=bearer(sam))
    batch = client.post(
        "/api/batch/decision",
        headers=bearer(rita),
        json={"cluster_of": first, "decision": "reject", "reason": "copies"},
    ).json()
    assert sorted(batch["decided"]) == sorted([first, copy])
    assert [s["id"] for s in batch["skipped"]] == [third]


def test_stored_page_is_sanitized_sandboxed_and_reextracted(client: httpx.Client, engine: Engine) -> None:
    page = (
        "<html><head><title>T</title><script>alert(1)</script></head><body>"
        '<article><h1>Real headline</h1><p onclick="steal()">First paragraph of the story with enough words '
        "to count as an article body for the extractor to keep.</p><img src=http://evil.test/x.png>"
        '<iframe src="http://evil.test"></iframe><p>Second paragraph goes on with more words about the story '
        "and what happened next in the town.</p></article></body></html>"
    )
    item = seed_article(engine, SeedArticle("a1", text="", page=page, flags=(SeedFlag("extraction_failed"),)))
    rita, ada = make_user(engine, "rita", password=PASSWORD), make_user(engine, "ada", "admin", password=PASSWORD)
    with client_for(str(client.base_url)) as browser:
        sign_in(browser, "rita")
        framed = browser.get(f"/items/{item}/page")
        assert framed.status_code == 200
        assert framed.headers["content-security-policy"] == PAGE_CSP
        assert framed.headers["x-frame-options"] == "SAMEORIGIN"
        assert "sandbox" in PAGE_CSP and "default-src 'none'" in PAGE_CSP
        body = framed.text
        for banned in ("<script", "onclick", "<img", "<iframe", "evil.test", "alert(1)"):
            assert banned not in body
        assert "Real headline" in body and "Second paragraph" in body
        info = browser.get(f"/items/{item}/page-info").text
        assert "scripts" in info and "event handlers" in info
        item_html = browser.get(f"/items/{item}").text
        assert f'<iframe class="stored-page" src="/items/{item}/page" sandbox' in item_html
        assert "Re-run extraction" not in item_html  # reviewers do not get the button
    assert client.post(f"/api/items/{item}/reextract", headers=bearer(rita)).status_code == 403
    redone = client.post(f"/api/items/{item}/reextract", headers=bearer(ada)).json()["reextracted"]
    assert redone["chars_before"] == 0 and redone["chars_after"] > 50
    article = client.get(f"/api/items/{item}", headers=bearer(ada)).json()["article"]
    assert "Second paragraph" in article["text"]
    assert client.get("/api/queue", params={"q": "paragraph"}, headers=bearer(ada)).json()["items"][0]["id"] == item
    no_page = seed_article(engine, SeedArticle("a2"))
    assert client.post(f"/api/items/{no_page}/reextract", headers=bearer(ada)).status_code == 404


def test_rules_report_and_audited_promotion(engine: Engine, data_dir: Path) -> None:
    rules_dir = data_dir / "rules"
    shutil.copytree(bundled_rules().parent, rules_dir, dirs_exist_ok=True)
    rules_file = rules_dir / "rules.yaml"
    shadow = next(r for r in load_rules(rules_file).rules if r.shadow)
    for i in range(40):
        seed_shadow(engine, f"s{i:02d}", shadow.id, shadow.code)
    rita, ada = make_user(engine, "rita", password=PASSWORD), make_user(engine, "ada", "admin", password=PASSWORD)
    with serve(engine, sqlite_settings(data_dir, rules_file=str(rules_file))) as http:
        result = http.post(
            "/api/batch/decision",
            headers=bearer(rita),
            json={"item_ids": list(range(1, 41)), "decision": "reject", "reason": "confirmed"},
        ).json()
        assert len(result["decided"]) == 40
        report = http.get("/api/rules/report", headers=bearer(rita)).json()
        mine = next(r for r in report["rules"] if r["id"] == shadow.id)
        assert mine["judged"] == 40 and mine["proposal"] == "promote" and mine["interval"][0] > 0.8
        assert (
            http.post(f"/api/rules/{shadow.id}/promote", headers=bearer(rita), json={"reason": "x"}).status_code == 403
        )
        changed = http.post(f"/api/rules/{shadow.id}/promote", headers=bearer(ada), json={"reason": "precise"}).json()
    assert changed["shadow"] is False
    text = rules_file.read_text(encoding="utf-8")
    assert f'version: "{changed["version"]}"' in text and "# newsdesk flagging rules" in text  # comments kept
    assert not next(r for r in load_rules(rules_file).rules if r.id == shadow.id).shadow
    assert yaml.safe_load(text)["version"] == changed["version"]
    with engine.connect() as conn:
        entry = conn.execute(select(audit_log).where(audit_log.c.action == "rule_promote")).one()
    assert (entry.actor, entry.target, entry.detail["reason"]) == ("ada", f"rule:{shadow.id}", "precise")


def seed_shadow(engine: Engine, article_id: str, rule_id: str, code: str) -> int:
    """An item queued by spam, on which a shadow rule also fired."""
    item = seed_article(engine, SeedArticle(article_id, flags=(SeedFlag("spam"), SeedFlag(code))))
    with engine.begin() as conn:
        conn.execute(
            update(flags)
            .where(flags.c.article_id == article_id, flags.c.code == code)
            .values(rule_id=rule_id, shadow=True)
        )
    return item


def test_bounded_ids_never_500(client: httpx.Client, engine: Engine) -> None:
    token = make_user(engine, "ada", "admin", password=PASSWORD)
    for path in ("/api/items/36893488147419103231", "/api/items/0", "/api/items/-1", "/api/items/1e30"):
        assert client.get(path, headers=bearer(token)).status_code == 422, path
    assert client.get("/api/queue", params={"offset": 10**20}, headers=bearer(token)).status_code == 422
    assert client.post("/api/items/99999999999/claim", headers=bearer(token)).status_code == 422
    with client_for(str(client.base_url)) as http:
        sign_in(http, "ada")
        assert http.get("/items/1e30").status_code == 422
        assert http.get("/items/36893488147419103231/compare").status_code == 422
        assert http.get("/items/2147483647").status_code == 404


def test_new_routes_keep_401_403_csrf_and_csp(client: httpx.Client, engine: Engine) -> None:
    item = seed_article(engine, SeedArticle("a1", page="<p>hi</p>"))
    make_user(engine, "rita", password=PASSWORD)
    api_get = [f"/api/items/{item}/compare", "/api/rules/report"]
    api_post = [
        f"/api/items/{item}/claim",
        f"/api/items/{item}/reextract",
        "/api/batch/decision",
        "/api/rules/x/promote",
    ]
    for path in api_get:
        assert client.get(path).status_code == 401
    for path in api_post:
        assert client.post(path, json={}).status_code == 401
    for path in (f"/items/{item}/compare", f"/items/{item}/page", f"/items/{item}/page-info", "/overview", "/rules"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    with client_for(str(client.base_url)) as http:
        csrf = sign_in(http, "rita")
        for path in (f"/items/{item}/claim", f"/items/{item}/reextract", "/batch", "/rules/x/promote"):
            assert http.post(path, data={"reason": "x", "decision": "approve"}).status_code == 403, path
        assert http.post(f"/api/items/{item}/claim").status_code == 403  # a cookie call needs the CSRF header
        assert http.post(f"/items/{item}/reextract", data={"csrf_token": csrf}).status_code == 403  # admins only
        assert http.get("/rules").status_code == 403
        claimed = http.post(f"/items/{item}/claim", data={"csrf_token": csrf})
        assert claimed.status_code == 303
        for path in (f"/items/{item}", f"/items/{item}/compare", f"/items/{item}/page-info", "/overview"):
            response = http.get(path)
            assert response.status_code == 200, path
            csp = response.headers["content-security-policy"]
            assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "<script>" not in http.get("/overview").text


def test_overview_and_report_command(client: httpx.Client, engine: Engine, data_dir: Path) -> None:
    for i in range(3):
        seed_article(engine, SeedArticle(f"a{i}", age_minutes=60 * 24 * i, flags=(SeedFlag("spam"), SeedFlag("hate"))))
    token = make_user(engine, "rita", password=PASSWORD)
    claimed = client.post("/api/queue/claim", headers=bearer(token)).json()["item"]["id"]
    client.post(f"/api/items/{claimed}/decision", headers=bearer(token), json={"decision": "reject", "reason": "r"})
    out = data_dir / "report.html"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSDESK_DATABASE_URL", engine.url.render_as_string(hide_password=False))
        assert main(["--data-dir", str(data_dir), "report", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.count("<svg") == 5 and "Backlog" in html and "<script" not in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing to fetch
    with engine.connect() as conn:
        assert conn.execute(select(review_items.c.state).where(review_items.c.id == claimed)).scalar() == "decided"


def test_rules_report_command(engine: Engine, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(3):
        seed_article(engine, SeedArticle(f"a{i}", flags=(SeedFlag("spam"),)))
    rita = make_user(engine, "rita", password=PASSWORD)
    with serve(engine, sqlite_settings(data_dir)) as http:
        http.post(
            "/api/batch/decision",
            headers=bearer(rita),
            json={"item_ids": [1, 2, 3], "decision": "reject", "reason": "spam"},
        )
    url = engine.url.render_as_string(hide_password=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSDESK_DATABASE_URL", url)
        assert main(["--data-dir", str(data_dir), "rules", "report"]) == 0
        table = capsys.readouterr().out
        assert main(["--data-dir", str(data_dir), "rules", "report", "--json", "--target", "0.5"]) == 0
        doc = json.loads(capsys.readouterr().out)
    assert "rule-spam-0" in table and "proposals (target 0.80)" in table
    seeded = next(r for r in doc["rules"] if r["id"] == "rule-spam-0")
    assert (seeded["judged"], seeded["confirmed"], doc["target"]) == (3, 3, 0.5)
    assert any(r["id"] == "extremism-promotion" for r in doc["rules"])  # every rule of the rules file is listed
