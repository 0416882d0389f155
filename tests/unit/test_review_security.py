"""Passwords, session cookies, CSRF tokens, the sign-in limiter and terminal output."""

from __future__ import annotations

from review.passwords import hash_password, verify_password
from review.ratelimit import SlidingWindowLimiter
from review.rendering import safe_next
from review.sessions import SessionCodec
from review.terminal import inert
from review.users import token_hash


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_password_hashes_are_salted_and_verified() -> None:
    first, second = hash_password("s3cret-pass"), hash_password("s3cret-pass")
    assert first != second
    assert verify_password("s3cret-pass", first)
    assert not verify_password("s3cret-pasS", first)
    assert not verify_password("s3cret-pass", None)
    assert not verify_password("s3cret-pass", "scrypt$broken")
    assert not verify_password("s3cret-pass", first.replace("scrypt", "md5"))


def test_token_hash_is_sha256_hex() -> None:
    assert token_hash("nd_abc") == token_hash("nd_abc")
    assert len(token_hash("nd_abc")) == 64


def test_session_cookie_round_trip_tamper_and_expiry() -> None:
    clock = FakeClock()
    codec = SessionCodec(b"k" * 32, max_age=100, clock=clock)
    cookie = codec.encode("rita")
    session = codec.decode(cookie)
    assert session is not None
    assert session.user == "rita"
    payload, mac = cookie.rsplit(".", 1)
    assert codec.decode(payload[:-2] + "AA." + mac) is None
    assert codec.decode(cookie + "x") is None
    assert SessionCodec(b"other" * 8, clock=clock).decode(cookie) is None
    assert codec.decode(None) is None
    clock.now += 101
    assert codec.decode(cookie) is None


def test_csrf_tokens_are_bound_to_the_session() -> None:
    codec = SessionCodec(b"k" * 32)
    one, two = codec.decode(codec.encode("rita")), codec.decode(codec.encode("rita"))
    assert one is not None
    assert two is not None
    assert codec.check_csrf(one, codec.csrf_token(one))
    assert not codec.check_csrf(one, codec.csrf_token(two))
    assert not codec.check_csrf(one, None)
    assert not codec.check_csrf(one, "")
    assert codec.check_login_csrf("nonce", codec.login_csrf("nonce"))
    assert not codec.check_login_csrf("other", codec.login_csrf("nonce"))
    assert not codec.check_login_csrf(None, codec.login_csrf("nonce"))


def test_limiter_window_slides() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(2, window=60, clock=clock)
    assert limiter.hit("a")
    assert limiter.hit("a")
    assert not limiter.hit("a")
    assert limiter.hit("b")
    clock.now += 61
    assert limiter.hit("a")
    assert SlidingWindowLimiter(0).hit("a")  # 0 switches the limit off


def test_safe_next_stays_on_site() -> None:
    assert safe_next("/items/3") == "/items/3"
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example", "", None, "javascript:alert(1)"):
        assert safe_next(target) == "/"


def test_inert_shows_control_characters() -> None:
    assert inert("a\x1b[31mb\nc\td") == "a\\u001b[31mb\nc\td"
    assert inert("x\u202ey") == "x\\u202ey"
    assert inert("Grüße") == "Grüße"
