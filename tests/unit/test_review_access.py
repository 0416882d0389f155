"""Pure parts of the desk's doors: forwarded headers from trusted proxies, Host names, settings."""

from __future__ import annotations

import pytest

from config.errors import ConfigError
from config.hosts import allowed_hosts, host_allowed, host_of
from config.settings import parse_settings, settings_as_dict
from review.proxies import forwarded_client, forwarded_proto, is_trusted, parse_networks

NETS = parse_networks(["10.0.0.0/8", "127.0.0.1"])


def test_forwarded_for_is_walked_from_the_right_through_trusted_hops() -> None:
    assert forwarded_client("10.0.0.5", ["203.0.113.9"], NETS) == "203.0.113.9"
    # The client wrote the left-most entry itself: it is skipped, not believed.
    assert forwarded_client("10.0.0.5", ["6.6.6.6, 203.0.113.9"], NETS) == "203.0.113.9"
    assert forwarded_client("10.0.0.5", ["6.6.6.6", "203.0.113.9, 10.1.1.1"], NETS) == "203.0.113.9"
    assert forwarded_client("10.0.0.5", [], NETS) == "10.0.0.5"
    assert forwarded_client("10.0.0.5", ["unknown"], NETS) == "10.0.0.5"
    assert forwarded_client("10.0.0.5", ["[2001:db8::1]:443"], NETS) == "2001:db8::1"
    assert forwarded_client("10.0.0.5", ["203.0.113.9:51000"], NETS) == "203.0.113.9"
    # An untrusted peer's header is never read.
    assert forwarded_client("198.51.100.1", ["203.0.113.9"], NETS) == "198.51.100.1"
    assert is_trusted("::ffff:10.2.3.4", NETS)
    assert not is_trusted("not-an-address", NETS)


def test_forwarded_proto_takes_the_nearest_proxy() -> None:
    assert forwarded_proto(["https"]) == "https"
    assert forwarded_proto(["http, https"]) == "https"
    assert forwarded_proto(["javascript"]) is None
    assert forwarded_proto([]) is None


def test_host_header_parsing_and_matching() -> None:
    assert host_of("Desk.Example.org:8000") == "desk.example.org"
    assert host_of("[::1]:8000") == "::1"
    assert host_of("example.org.") == "example.org"
    for bad in ("", None, "a b", "host:port", "[::1", "[zz]", "evil.test/x", "x@y"):
        assert host_of(bad) is None, bad
    allowed = allowed_hosts(["*.example.org", "desk.test"], "0.0.0.0")
    assert host_allowed("localhost:8000", allowed)
    assert host_allowed("[::1]", allowed)
    assert host_allowed("a.example.org", allowed)
    assert not host_allowed("example.org", allowed)
    assert not host_allowed("example.org.evil.test", allowed)
    assert not host_allowed("0.0.0.0", allowed)
    assert host_allowed("192.0.2.4:8000", allowed_hosts([], "192.0.2.4"))
    assert host_allowed("anything.test", ["*"])


def test_access_settings_parse_and_are_checked() -> None:
    env = {
        "NEWSDESK_REVIEW_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1",
        "NEWSDESK_REVIEW_ALLOWED_HOSTS": "desk.example.org",
        "NEWSDESK_METRICS_AUTH": "prom:twelve-chars-ok",
        "NEWSDESK_METRICS_HOST": "0.0.0.0",
    }
    settings = parse_settings({"metrics_allowed_hosts": ["metrics", "*.internal"]}, env)
    assert settings.review.trusted_proxies == ("10.0.0.0/8", "192.0.2.1")
    assert settings.review.allowed_hosts == ("desk.example.org",)
    assert settings.metrics_allowed_hosts == ("metrics", "*.internal")
    shown = settings_as_dict(settings)
    assert shown["metrics_auth"] == "prom:(hidden)"


@pytest.mark.parametrize(
    ("file_data", "env", "key"),
    [
        (None, {"NEWSDESK_REVIEW_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}, "review.trusted_proxies[1]"),
        ({"review": {"allowed_hosts": ["ok.test", "bad host"]}}, {}, "review.allowed_hosts[1]"),
        ({"review": {"allowed_hosts": [{"a": 1}]}}, {}, "review.allowed_hosts"),
        (None, {"NEWSDESK_METRICS_AUTH": "prom:short"}, "metrics_auth"),
        (None, {"NEWSDESK_METRICS_ALLOWED_HOSTS": "x/y"}, "metrics_allowed_hosts[0]"),
        (None, {"NEWSDESK_REVIEW_SESSION_MAX_AGE": "10"}, "review.session_max_age"),
        (
            {"review": {"login_attempts_per_minute": 40, "login_account_failures_per_minute": 30}},
            {},
            "review.login_account_failures_per_minute",
        ),
    ],
)
def test_bad_access_settings_name_their_key(file_data: dict[str, object] | None, env: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_settings(file_data, env)
    assert raised.value.key.endswith(key) or raised.value.key == key, raised.value
