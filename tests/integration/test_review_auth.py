"""Authentication, roles, CSRF, sign-in limits and security headers of the review desk."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from review.app import create_app
from review.headers import SECURITY_HEADERS
from review.users import revoke_tokens
from tests.support.review_seed import SeedArticle, make_user, migrated_engine, seed_article, sqlite_settings
from tests.support.review_server import client_for, live_server
from tests.support.review_signin import PASSWORD, page_csrf, sign_in


@pytest.fixture()
def engine(data_dir: Path) -> Iterator[Engine]:
    engine = migrated_engine(f"sqlite:///{data_dir / 'review.db'}")
    yield engine
    engine.dispose()


@contextmanager
def serve(engine: Engine, data_dir: Path, attempts: int = 10, **review: Any) -> Iterator[str]:
    with live_server(create_app(sqlite_settings(data_dir, attempts=attempts, **review), engine)) as base:
        yield base


@pytest.fixture()
def base(engine: Engine, data_dir: Path) -> Iterator[str]:
    with serve(engine, data_dir) as url:
        yield url


def test_no_or_bad_credentials_get_401(base: str, engine: Engine) -> None:
    token = make_user(engine, "rita")
    with client_for(base) as http:
        for method, path in [
            ("GET", "/api/queue"),
            ("POST", "/api/queue/claim"),
            ("GET", "/api/stats"),
            ("GET", "/api/audit"),
            ("GET", "/api/items/1"),
            ("GET", "/api/decisions/export"),
        ]:
            assert http.request(method, path).status_code == 401, path
            bad = http.request(method, path, headers={"Authorization": "Bearer nd_wrong"})
            assert bad.status_code == 401, path
            assert bad.headers["www-authenticate"] == "Bearer"
        assert http.get("/api/queue", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        revoke_tokens(engine, "rita", actor="test")
        assert http.get("/api/queue", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_reviewer_on_admin_routes_gets_403(base: str, engine: Engine) -> None:
    reviewer = make_user(engine, "rita", password=PASSWORD)
    admin = make_user(engine, "ada", "admin")
    with client_for(base) as http:
        for path in ("/api/audit", "/api/users"):
            assert http.get(path, headers={"Authorization": f"Bearer {reviewer}"}).status_code == 403
            assert http.get(path, headers={"Authorization": f"Bearer {admin}"}).status_code == 200
        assert sign_in(http, "rita").status_code == 303
        assert http.get("/audit").status_code == 403


def test_pages_redirect_to_sign_in(base: str) -> None:
    with client_for(base) as http:
        response = http.get("/items/3?x=1")
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=%2Fitems%2F3%3Fx%3D1"


def test_session_cookie_and_csrf(base: str, engine: Engine) -> None:
    item_id = seed_article(engine, SeedArticle("art1"))
    make_user(engine, "rita", password=PASSWORD)
    with client_for(base) as http:
        signed = sign_in(http, "rita")
        assert signed.status_code == 303
        cookie = signed.headers["set-cookie"]
        assert "nd_session=" in cookie
        assert "httponly" in cookie.lower()
        assert "samesite=lax" in cookie.lower()
        assert "secure" not in cookie.lower()  # plain http here; see the https test
        csrf = page_csrf(http)

        # Cookie-authenticated state changes without (or with a wrong) CSRF token are refused.
        assert http.post("/api/queue/claim").status_code == 403
        assert http.post("/api/queue/claim", headers={"X-CSRF-Token": "forged"}).status_code == 403
        assert http.post("/claim", data={}).status_code == 403
        assert http.post("/claim", data={"csrf_token": "forged"}).status_code == 403
        assert http.get("/api/queue?state=claimed").json()["items"] == []

        claimed = http.post("/api/queue/claim", headers={"X-CSRF-Token": csrf})
        assert claimed.status_code == 200
        assert claimed.json()["item"]["id"] == item_id
        released = http.post(f"/items/{item_id}/release", data={"csrf_token": csrf})
        assert released.status_code == 303
        assert http.post("/claim", data={"csrf_token": csrf}).headers["location"] == f"/items/{item_id}"

        # A CSRF token belongs to its session: another sign-in gets another one.
        with client_for(base) as other:
            sign_in(other, "rita")
            assert page_csrf(other) != csrf
            assert other.post("/api/queue/claim", headers={"X-CSRF-Token": csrf}).status_code == 403

        assert http.post("/logout", data={"csrf_token": csrf}).status_code == 303
        assert http.get("/").status_code == 303


def test_secure_cookie_behind_a_trusted_tls_proxy(engine: Engine, data_dir: Path) -> None:
    make_user(engine, "rita", password=PASSWORD)
    with serve(engine, data_dir, trusted_proxies=("127.0.0.1",)) as url, client_for(url) as http:
        # The test client stands in for a TLS proxy on 127.0.0.1.
        http.headers["X-Forwarded-Proto"] = "https"
        page = http.get("/login")
        nonce_cookie = page.headers["set-cookie"]
        assert "secure" in nonce_cookie.lower()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        # The client will not send a Secure cookie over plain http, so pass it by hand.
        response = http.post(
            "/login",
            data={"username": "rita", "password": PASSWORD, "csrf_token": token.group(1)},
            headers={"Cookie": nonce_cookie.split(";", 1)[0]},
        )
        assert response.status_code == 303
        cookies = response.headers.get_list("set-cookie")
        session = next(c for c in cookies if c.startswith("nd_session="))
        assert "secure" in session.lower()


def test_forwarded_proto_from_an_untrusted_peer_is_ignored(base: str) -> None:
    with client_for(base) as http:
        page = http.get("/login", headers={"X-Forwarded-Proto": "https"})
        assert "secure" not in page.headers["set-cookie"].lower()


def test_sign_in_failures_and_audit(base: str, engine: Engine) -> None:
    admin = make_user(engine, "ada", "admin", password=PASSWORD)
    with client_for(base) as http:
        assert sign_in(http, "ada", "wrong password").status_code == 401
        assert sign_in(http, "nobody", "wrong password").status_code == 401
        # Without the sign-in form's token (login CSRF) the attempt is refused outright.
        refused = http.post("/login", data={"username": "ada", "password": PASSWORD, "csrf_token": "x"})
        assert refused.status_code == 403
        assert sign_in(http, "ada").status_code == 303
        entries = http.get("/api/audit", headers={"Authorization": f"Bearer {admin}"}).json()["entries"]
    actions = [(entry["action"], entry["target"]) for entry in entries]
    assert actions[:3] == [("sign_in", "user:ada"), ("sign_in_failed", "user:nobody"), ("sign_in_failed", "user:ada")]


def test_sign_in_rate_limited_per_address(engine: Engine, data_dir: Path) -> None:
    make_user(engine, "rita", password=PASSWORD)
    with serve(engine, data_dir, attempts=3) as url, client_for(url) as http:
        for _ in range(3):
            assert sign_in(http, "rita", "wrong password").status_code == 401
        # Over the limit even the right password is refused for now.
        assert sign_in(http, "rita").status_code == 429
    with serve(engine, data_dir, attempts=3) as url, client_for(url) as http:
        codes = [sign_in(http, f"user{n}", "wrong password").status_code for n in range(4)]
        assert codes == [401, 401, 401, 429]


def test_forged_forwarded_for_does_not_escape_the_limit(engine: Engine, data_dir: Path) -> None:
    """No trusted proxies: X-Forwarded-For from 127.0.0.1 is the client's own claim, not its address."""
    with serve(engine, data_dir, attempts=3) as url, client_for(url) as http:
        codes = []
        for n in range(6):
            http.headers["X-Forwarded-For"] = f"198.51.100.{n}"
            codes.append(sign_in(http, f"user{n}", "wrong password").status_code)
    assert codes == [401, 401, 401, 429, 429, 429]


def test_security_headers_on_every_response(base: str, engine: Engine) -> None:
    item_id = seed_article(engine, SeedArticle("art1"))
    token = make_user(engine, "rita", password=PASSWORD)
    with client_for(base) as http:
        responses = [
            http.get("/login"),
            http.get("/"),
            http.get("/healthz"),
            http.get("/readyz"),
            http.get("/openapi.json"),
            http.get("/static/review.js"),
            http.get("/static/review.css"),
            http.get("/nowhere"),
            http.get("/api/queue"),
            http.post("/login", data={}),
        ]
        sign_in(http, "rita")
        responses += [http.get("/"), http.get(f"/items/{item_id}"), http.get("/items/999"), http.get("/audit")]
        responses.append(http.get("/api/decisions/export", headers={"Authorization": f"Bearer {token}"}))
    for response in responses:
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (response.request.url, name)
    csp = SECURITY_HEADERS["Content-Security-Policy"]
    for directive in ("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"):
        assert directive in csp


def test_openapi_is_published(base: str) -> None:
    with client_for(base) as http:
        spec = http.get("/openapi.json").json()
    for path in (
        "/api/queue",
        "/api/queue/claim",
        "/api/items/{item_id}/decision",
        "/api/items/{item_id}/undo",
        "/api/audit",
        "/api/decisions/export",
        "/api/stats",
        "/healthz",
        "/readyz",
    ):
        assert path in spec["paths"], path
    assert "/login" not in spec["paths"]
