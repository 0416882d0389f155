"""Passwords, session cookies, CSRF tokens, the sign-in limiter and terminal output."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from markupsafe import Markup
from sqlalchemy import update

from pipelines.storage.schema import users
from review.passwords import LEGACY_COST, OWASP_COST, Cost, hash_password, needs_rehash, verify_password
from review.ratelimit import SignInLimits, SlidingWindowLimiter
from review.rendering import neutralise_bidi, safe_next
from review.sessions import DEVICE_MAX_AGE, Session, SessionCodec
from review.terminal import inert
from review.users import add_user, authenticate, deactivate_user, token_hash
from tests.support.review_seed import migrated_engine

T0 = datetime(2026, 1, 1, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_password_hashes_are_salted_and_verified() -> None:
    first, second = hash_password("s3cret-pass", LEGACY_COST), hash_password("s3cret-pass", LEGACY_COST)
    assert first != second
    assert verify_password("s3cret-pass", first)
    assert not verify_password("s3cret-pasS", first)
    assert not verify_password("s3cret-pass", None)
    assert not verify_password("s3cret-pass", "scrypt$broken")
    assert not verify_password("s3cret-pass", first.replace("scrypt", "md5"))


def test_token_hash_is_sha256_hex() -> None:
    assert token_hash("nd_abc") == token_hash("nd_abc")
    assert len(token_hash("nd_abc")) == 64


def session(sid: str) -> Session:
    return Session(sid, 1, T0, T0)


def test_csrf_tokens_are_bound_to_the_session() -> None:
    codec = SessionCodec(b"k" * 32)
    one, two = session("a" * 64), session("b" * 64)
    assert codec.check_csrf(one, codec.csrf_token(one))
    assert not codec.check_csrf(one, codec.csrf_token(two))
    assert not codec.check_csrf(one, None)
    assert not codec.check_csrf(one, "")
    assert SessionCodec(b"other" * 8).csrf_token(one) != codec.csrf_token(one)
    assert codec.check_login_csrf("nonce", codec.login_csrf("nonce"))
    assert not codec.check_login_csrf("other", codec.login_csrf("nonce"))
    assert not codec.check_login_csrf(None, codec.login_csrf("nonce"))


def test_device_cookie_names_its_user_and_expires() -> None:
    clock = FakeClock()
    codec = SessionCodec(b"k" * 32, clock=clock)
    cookie = codec.device_cookie("Rita")
    device = codec.device_for(cookie, "rita")
    assert device is not None
    assert codec.device_for(cookie, "ada") is None
    assert SessionCodec(b"other" * 8, clock=clock).device_for(cookie, "rita") is None
    nonce, issued, mac = cookie.split(".")
    assert codec.device_for(f"{nonce}.{int(issued) + 1}.{mac}", "rita") is None
    assert codec.device_for(None, "rita") is None
    assert codec.device_for("a.b", "rita") is None
    clock.now += DEVICE_MAX_AGE + 1
    assert codec.device_for(cookie, "rita") is None
    # A cookie dated far ahead is refused even when properly signed (issued by a clock gone wrong).
    future = SessionCodec(b"k" * 32, clock=lambda: clock.now + 10 * 365 * 86400).device_cookie("rita")
    assert codec.device_for(future, "rita") is None


def test_limiter_window_slides_and_refunds() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(window=60, clock=clock)
    assert limiter.hit("a", 2)
    assert limiter.hit("a", 2)
    assert not limiter.hit("a", 2)
    assert limiter.hit("b", 2)
    limiter.refund(["a"])
    assert limiter.hit("a", 2)
    clock.now += 61
    assert limiter.hit("a", 2)
    assert limiter.hit("z", 0)  # 0 switches the limit off


def test_reserve_counts_on_all_keys_or_none() -> None:
    limiter = SlidingWindowLimiter(clock=FakeClock())
    assert limiter.hit("full", 1)
    assert not limiter.reserve([("free", 5), ("full", 1)])
    # The refused attempt left "free" untouched: five more fit.
    assert all(limiter.hit("free", 5) for _ in range(5))


def test_one_address_cannot_lock_an_account_out() -> None:
    limits = SignInLimits(per_address=3, per_account=6, limiter=SlidingWindowLimiter(clock=FakeClock()))
    for _ in range(3):
        assert limits.admit("rita", "203.0.113.9", None) is not None
    assert limits.admit("rita", "203.0.113.9", None) is None
    assert limits.admit("Rita", "198.51.100.7", None) is not None


def test_many_addresses_stop_at_the_account_budget_but_not_a_known_browser() -> None:
    limits = SignInLimits(per_address=3, per_account=6, limiter=SlidingWindowLimiter(clock=FakeClock()))
    admitted = [limits.admit("rita", f"203.0.113.{n}", None) for n in range(10)]
    assert sum(a is not None for a in admitted) == 6
    assert limits.admit("rita", "198.51.100.7", None) is None  # a new browser waits out the minute
    attempt = limits.admit("rita", "198.51.100.7", "device-1")  # her own browser does not
    assert attempt is not None
    limits.succeeded(attempt)


def test_an_address_that_signed_in_before_is_no_stranger() -> None:
    clock = FakeClock()
    limits = SignInLimits(per_address=3, per_account=6, limiter=SlidingWindowLimiter(clock=clock), clock=clock)
    attempt = limits.admit("rita", "198.51.100.7", None)
    assert attempt is not None
    limits.succeeded(attempt)
    for n in range(10):
        limits.admit("rita", f"203.0.113.{n}", None)
    assert limits.admit("rita", "192.0.2.1", None) is None
    assert limits.admit("rita", "198.51.100.7", None) is not None  # her office, without the cookie
    clock.now += 31 * 86400
    assert limits.admit("rita", "198.51.100.7", None) is not None  # a new minute: the account budget is free
    for n in range(6):
        limits.admit("rita", f"203.0.114.{n}", None)
    assert limits.admit("rita", "198.51.100.7", None) is None  # known no longer: 30 days have passed


def test_successes_are_not_failures() -> None:
    limits = SignInLimits(per_address=100, per_account=3, limiter=SlidingWindowLimiter(clock=FakeClock()))
    for n in range(10):
        attempt = limits.admit("rita", f"192.0.2.{n}", None)
        assert attempt is not None
        limits.succeeded(attempt)


def test_passwords_use_owasp_cost_and_old_hashes_are_rehashed() -> None:
    assert Cost(n=2**17, r=8, p=1) == OWASP_COST
    current = hash_password("s3cret-pass")
    assert current.split("$")[1:4] == ["131072", "8", "1"]
    legacy = hash_password("s3cret-pass", LEGACY_COST)
    assert verify_password("s3cret-pass", legacy)
    assert needs_rehash(legacy)
    assert not needs_rehash(current)
    assert not needs_rehash(None)
    assert not verify_password("x", "scrypt$1048576$8$1$AAAA$AAAA")  # a cost above MAX_N is not run


class WorkMeter:
    """Counts the scrypt work (N * r * p) done through hashlib."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.work = 0
        real = hashlib.scrypt

        def counting(password: bytes, *, salt: bytes, n: int, r: int, p: int, **kw: int) -> bytes:
            self.work += n * r * p
            return real(password, salt=salt, n=n, r=r, p=p, **kw)

        monkeypatch.setattr(hashlib, "scrypt", counting)

    def take(self) -> int:
        done, self.work = self.work, 0
        return done


def test_sign_in_work_is_the_same_for_every_kind_of_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = migrated_engine(f"sqlite:///{tmp_path / 'users.db'}")
    add_user(engine, "tokenonly", "reviewer", None, actor="test")
    add_user(engine, "gone", "reviewer", "right password", actor="test")
    add_user(engine, "rita", "reviewer", "right password", actor="test")
    add_user(engine, "old", "reviewer", None, actor="test")
    with engine.begin() as conn:
        conn.execute(
            update(users)
            .where(users.c.name == "old")
            .values(password_hash=hash_password("right password", LEGACY_COST))
        )
    deactivate_user(engine, "gone", actor="test")
    meter = WorkMeter(monkeypatch)
    one_hash = OWASP_COST.n * OWASP_COST.r * OWASP_COST.p
    with engine.connect() as conn:
        for name, password in [
            ("nobody", "right password"),
            ("tokenonly", "right password"),
            ("gone", "right password"),
            ("rita", "wrong password"),
            ("old", "wrong password"),
            ("rita", "right password"),
        ]:
            user = authenticate(conn, name, password)
            assert (user is not None) == (name == "rita" and password == "right password")
            assert meter.take() == one_hash, name
    engine.dispose()


def test_safe_next_stays_on_site() -> None:
    assert safe_next("/items/3") == "/items/3"
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example", "", None, "javascript:alert(1)"):
        assert safe_next(target) == "/"


def test_inert_shows_control_characters() -> None:
    assert inert("a\x1b[31mb\nc\td") == "a\\u001b[31mb\nc\td"
    assert inert("x\u202ey") == "x\\u202ey"
    assert inert("Grüße") == "Grüße"


def test_bidi_controls_are_shown_not_obeyed() -> None:
    assert neutralise_bidi("evil\u202etxt.exe") == "evil[U+202E]txt.exe"
    marked = neutralise_bidi(Markup("<mark>a\u2067b</mark>"))
    assert isinstance(marked, Markup)
    assert marked == Markup("<mark>a[U+2067]b</mark>")
    assert neutralise_bidi("\u05e9\u05dc\u05d5\u05dd") == "\u05e9\u05dc\u05d5\u05dd"  # Hebrew text itself stays
    assert neutralise_bidi(3) == 3
