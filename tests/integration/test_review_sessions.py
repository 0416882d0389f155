"""Sessions end when they should; proxies, sign-in limits and Host names are judged as configured.

Every test drives the real FastAPI app under uvicorn over HTTP, on SQLite.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select, update

from pipelines.storage.schema import review_sessions, users
from review.app import create_app
from review.headers import SECURITY_HEADERS
from review.passwords import LEGACY_COST, OWASP_COST, hash_password
from review.secret import load_secret
from review.users import add_user, deactivate_user, set_password
from tests.support.review_seed import SeedArticle, make_user, migrated_engine, seed_article, sqlite_settings
from tests.support.review_server import client_for, live_server
from tests.support.review_signin import PASSWORD, page_csrf, sign_in

PROXY = ("127.0.0.1",)  # the test client plays a trusted proxy where a test says so


@pytest.fixture()
def engine(data_dir: Path) -> Iterator[Engine]:
    engine = migrated_engine(f"sqlite:///{data_dir / 'review.db'}")
    yield engine
    engine.dispose()


@contextmanager
def serve(engine: Engine, data_dir: Path, **review: Any) -> Iterator[str]:
    with live_server(create_app(sqlite_settings(data_dir, **review), engine)) as base:
        yield base


def session_cookie(response: httpx.Response) -> str:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith("nd_session="):
            return header.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError(f"no session cookie in {response.headers}")


def with_cookie(base: str, value: str) -> httpx.Client:
    http = client_for(base)
    http.cookies.set("nd_session", value)
    return http


def me(base: str, cookie: str) -> int:
    with with_cookie(base, cookie) as http:
        return http.get("/api/me").status_code


def test_sign_out_ends_the_session_on_the_server(engine: Engine, data_dir: Path) -> None:
    make_user(engine, "rita", password=PASSWORD)
    with serve(engine, data_dir) as base, client_for(base) as http:
        cookie = session_cookie(sign_in(http, "rita"))
        assert me(base, cookie) == 200
        assert http.post("/logout", data={"csrf_token": page_csrf(http)}).status_code == 303
        # The browser forgot the cookie; a copy of it is now worthless too.
        assert me(base, cookie) == 401
        with with_cookie(base, cookie) as replay:
            assert replay.get("/").status_code == 303
    with engine.connect() as conn:
        assert conn.execute(select(review_sessions)).all() == []


def test_password_change_and_deactivation_end_every_session(engine: Engine, data_dir: Path) -> None:
    token = make_user(engine, "rita", password=PASSWORD)
    with serve(engine, data_dir) as base:
        with client_for(base) as one, client_for(base) as two:
            first, second = session_cookie(sign_in(one, "rita")), session_cookie(sign_in(two, "rita"))
        assert me(base, first) == me(base, second) == 200
        assert set_password(engine, "rita", "another good password", actor="test") == 2
        assert me(base, first) == me(base, second) == 401

        with client_for(base) as again:
            third = session_cookie(sign_in(again, "rita", "another good password"))
        assert me(base, third) == 200
        assert deactivate_user(engine, "rita", actor="test") == (1, 1)
        assert me(base, third) == 401
        with client_for(base) as http:
            assert http.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
            assert sign_in(http, "rita", "another good password").status_code == 401


def _old_style_cookie(secret: bytes, user: str, issued: int) -> str:
    """What the desk used to accept: a signed, self-dated cookie."""
    payload = base64.urlsafe_b64encode(json.dumps({"u": user, "s": "x", "t": issued}).encode()).decode().rstrip("=")
    mac = hmac.new(secret, f"session:{payload}".encode(), hashlib.sha256).digest()
    return f"{payload}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def test_a_cookie_dated_ten_years_ahead_is_refused(engine: Engine, data_dir: Path) -> None:
    make_user(engine, "rita", password=PASSWORD)
    settings = sqlite_settings(data_dir)
    forged = _old_style_cookie(load_secret(settings), "rita", int(time.time()) + 10 * 365 * 86400)
    with serve(engine, data_dir) as base:
        assert me(base, forged) == 401


def test_a_session_ends_at_its_maximum_age(engine: Engine, data_dir: Path) -> None:
    make_user(engine, "rita", password=PASSWORD)
    with serve(engine, data_dir, session_max_age=600) as base, client_for(base) as http:
        response = sign_in(http, "rita")
        assert "max-age=600" in response.headers["set-cookie"].lower()
        cookie = session_cookie(response)
        with engine.connect() as conn:
            row = conn.execute(select(review_sessions)).one()
        assert row.expires_at - row.created_at == timedelta(seconds=600)
        assert me(base, cookie) == 200
        # The clock moves past the expiry the server set at sign-in: whatever the browser keeps, it is over.
        with engine.begin() as conn:
            conn.execute(update(review_sessions).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        assert me(base, cookie) == 401


def test_one_time_password_must_be_replaced_before_anything_else(engine: Engine, data_dir: Path) -> None:
    item_id = seed_article(engine, SeedArticle("art1"))
    add_user(engine, "alice", "reviewer", "one time pass 1", actor="test", one_time=True)
    with serve(engine, data_dir) as base, client_for(base) as http, client_for(base) as elsewhere:
        signed = sign_in(http, "alice", "one time pass 1", next_url=f"/items/{item_id}")
        assert signed.status_code == 303
        assert signed.headers["location"] == f"/password?next=%2Fitems%2F{item_id}"
        other_cookie = session_cookie(sign_in(elsewhere, "alice", "one time pass 1"))
        assert http.get("/").headers["location"] == "/password"
        assert http.get("/api/me").status_code == 403
        csrf = page_csrf(http, "/password")
        form = {"csrf_token": csrf, "current": "one time pass 1", "next": f"/items/{item_id}"}
        differ = http.post("/password", data=form | {"new_password": "alice's own pass", "confirm": "typo"})
        assert differ.status_code == 422
        wrong = http.post("/password", data=form | {"current": "guess", "new_password": "x" * 12, "confirm": "x" * 12})
        assert wrong.status_code == 422
        done = http.post("/password", data=form | {"new_password": "alice's own pass", "confirm": "alice's own pass"})
        assert done.status_code == 303
        assert done.headers["location"] == f"/items/{item_id}"
        assert http.get("/api/me").json()["must_change_password"] is False
        assert me(base, other_cookie) == 401  # the change ended the other session
        assert sign_in(elsewhere, "alice", "one time pass 1").status_code == 401


def test_sign_in_replaces_a_hash_of_the_old_cost(engine: Engine, data_dir: Path) -> None:
    make_user(engine, "rita")
    with engine.begin() as conn:
        conn.execute(update(users).values(password_hash=hash_password(PASSWORD, LEGACY_COST)))
    with serve(engine, data_dir) as base, client_for(base) as http:
        assert sign_in(http, "rita").status_code == 303
    with engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert stored.split("$")[1:4] == [str(OWASP_COST.n), str(OWASP_COST.r), str(OWASP_COST.p)]
    with serve(engine, data_dir) as base, client_for(base) as http:
        assert sign_in(http, "rita").status_code == 303


def test_trusted_proxy_reports_each_client_and_one_cannot_lock_out_another(engine: Engine, data_dir: Path) -> None:
    make_user(engine, "rita", password=PASSWORD)
    with serve(engine, data_dir, attempts=3, trusted_proxies=PROXY) as base:
        with client_for(base) as attacker:
            attacker.headers["X-Forwarded-For"] = "203.0.113.9"
            codes = [sign_in(attacker, "rita", "guess").status_code for _ in range(5)]
            # A client cannot forge its way out by adding its own entry on the left.
            attacker.headers["X-Forwarded-For"] = "10.9.9.9, 203.0.113.9"
            codes.append(sign_in(attacker, "rita", "guess").status_code)
        assert codes == [401, 401, 401, 429, 429, 429]
        with client_for(base) as rita:
            rita.headers["X-Forwarded-For"] = "198.51.100.7"
            assert sign_in(rita, "rita").status_code == 303


def test_distributed_guessing_cannot_lock_out_a_browser_that_signed_in_before(engine: Engine, data_dir: Path) -> None:
    make_user(engine, "rita", password=PASSWORD)
    limits: dict[str, Any] = {"attempts": 3, "login_account_failures_per_minute": 5, "trusted_proxies": PROXY}
    with serve(engine, data_dir, **limits) as base, client_for(base) as rita:
        rita.headers["X-Forwarded-For"] = "198.51.100.7"
        assert sign_in(rita, "rita").status_code == 303
        assert rita.post("/logout", data={"csrf_token": page_csrf(rita)}).status_code == 303
        codes = []
        with client_for(base) as botnet:
            for n in range(8):
                botnet.headers["X-Forwarded-For"] = f"203.0.113.{n}"
                codes.append(sign_in(botnet, "rita", "guess").status_code)
        assert codes == [401] * 5 + [429] * 3
        with client_for(base) as new_browser:
            new_browser.headers["X-Forwarded-For"] = "192.0.2.1"
            assert sign_in(new_browser, "rita").status_code == 429  # a stranger's browser waits a minute
        # Her own browser, from yet another address, still signs in.
        rita.headers["X-Forwarded-For"] = "192.0.2.50"
        assert sign_in(rita, "rita").status_code == 303


def test_host_check(engine: Engine, data_dir: Path) -> None:
    with serve(engine, data_dir, allowed_hosts=("desk.example.org",)) as base, client_for(base) as http:
        port = base.rsplit(":", 1)[1]
        assert http.get("/healthz").status_code == 200  # Host 127.0.0.1:port
        for good in (f"localhost:{port}", "desk.example.org", f"DESK.example.org:{port}", f"[::1]:{port}"):
            assert http.get("/healthz", headers={"Host": good}).status_code == 200, good
        for bad in ("rebind.evil.test", f"evil.test:{port}", "desk.example.org.evil.test", "", "a b"):
            refused = http.get("/login", headers={"Host": bad})
            assert refused.status_code == 400, bad
            assert refused.headers["X-Frame-Options"] == SECURITY_HEADERS["X-Frame-Options"]


def test_bidi_overrides_in_scraped_text_are_shown_not_obeyed(engine: Engine, data_dir: Path) -> None:
    title = "Invoice \u202egpj.exe"
    item_id = seed_article(engine, SeedArticle("art1", title=title, text="Pay \u2067now\u2069 please."))
    make_user(engine, "rita", password=PASSWORD)
    with serve(engine, data_dir) as base, client_for(base) as http:
        sign_in(http, "rita")
        pages = [http.get(f"/items/{item_id}").text, http.get("/").text]
        assert http.get(f"/api/items/{item_id}").json()["article"]["title"] == title  # data is untouched
    for html in pages:
        assert "Invoice [U+202E]gpj.exe" in html
        for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
            assert char not in html
