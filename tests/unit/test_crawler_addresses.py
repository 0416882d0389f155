"""crawler.addresses: which URLs are refused as crawl targets, with a fake resolver."""

from __future__ import annotations

from ipaddress import ip_address

import pytest

from crawler.addresses import check_url, forbidden_reason, parse_numeric_host
from pipelines.errors import RefusedAddress

FAKE_DNS: dict[str, list[str]] = {
    "news.example": ["93.184.216.34"],
    "dual.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "sneaky.example": ["93.184.216.34", "10.0.0.7"],  # one bad address among good ones
    "metadata.example": ["169.254.169.254"],
    "rebind.example": ["127.0.0.1"],
    "v6local.example": ["fd12:3456::1"],
    "mapped.example": ["::ffff:192.168.1.1"],
    "empty.example": [],
}


def fake_resolve(host: str) -> list[str]:
    if host not in FAKE_DNS:
        raise OSError(f"no such host {host}")
    return FAKE_DNS[host]


REFUSED = [
    # (url, words the message must contain)
    ("ftp://news.example/", "scheme 'ftp'"),
    ("file:///etc/passwd", "scheme 'file'"),
    ("gopher://news.example/", "scheme"),
    ("news.example/path", "scheme"),
    ("http:///nohost", "no host"),
    ("http://10.1.2.3/", "private"),
    ("http://172.16.0.1/", "private"),
    ("http://172.31.255.255/", "private"),
    ("http://192.168.0.1/", "private"),
    ("http://127.0.0.1/", "loopback"),
    ("http://127.255.255.254:8080/", "loopback"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://100.64.0.1/", "carrier-grade NAT"),
    ("http://100.127.255.254/", "carrier-grade NAT"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://224.0.0.251/", "multicast"),
    ("http://239.255.255.250/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://255.255.255.255/", "broadcast"),
    ("http://198.18.0.1/", "benchmarking"),
    ("http://192.0.2.1/", "documentation"),
    ("http://[::1]/", "loopback"),
    ("http://[::]/", "unspecified"),
    ("http://[fe80::1]/", "link-local"),
    ("http://[fc00::1]/", "unique-local"),
    ("http://[fd00:ec2::254]/", "unique-local"),
    ("http://[ff02::1]/", "multicast"),
    ("http://[2001:db8::1]/", "documentation"),
    ("http://[::ffff:127.0.0.1]/", "loopback (IPv4-mapped"),
    ("http://[::ffff:169.254.169.254]/", "metadata service) (IPv4-mapped"),
    ("http://[::ffff:7f00:1]/", "loopback (IPv4-mapped"),
    ("http://[::127.0.0.1]/", "loopback (IPv4-compatible"),
    ("http://[::8.8.8.8]/", "IPv4-compatible (deprecated)"),
    ("http://[2002:7f00:1::1]/", "loopback (6to4"),
    ("http://[2002:a9fe:a9fe::]/", "metadata service) (6to4"),
    ("http://169.254.1.1/", "link-local"),
    ("http://[64:ff9b::7f00:1]/", "loopback (NAT64"),
    ("http://[64:ff9b::a00:1]/", "private (NAT64"),
    ("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "Teredo"),
    # numeric spellings the C resolver accepts
    ("http://2130706433/", "loopback"),
    ("http://0x7f000001/", "loopback"),
    ("http://0x7f.1/", "loopback"),
    ("http://0177.0.0.1/", "loopback"),
    ("http://0177.1/", "loopback"),
    ("http://127.1/", "loopback"),
    ("http://127.0.1/", "loopback"),
    ("http://017700000001/", "loopback"),
    ("http://0xA9.0xFE.0xA9.0xFE/", "link-local"),
    ("http://2852039166/", "link-local"),
    ("http://0/", "unspecified"),
    ("http://127.0.0.1./", "loopback"),
    ("http://user:pw@127.0.0.1/", "loopback"),
    ("http://news.example@127.0.0.1/", "loopback"),
    # malformed numeric hosts are refused, not resolved as names
    ("http://1.2.3.256/", "malformed numeric host"),
    ("http://1.2.3.4.5/", "malformed numeric host"),
    ("http://08.0.0.1/", "malformed numeric host"),
    ("http://4294967296/", "malformed numeric host"),
    ("http://127.0.0.1:99999/", "malformed URL"),
    # host names, via every resolved address
    ("http://metadata.example/", "resolves to 169.254.169.254"),
    ("http://rebind.example/", "loopback"),
    ("http://sneaky.example/", "resolves to 10.0.0.7"),
    ("http://v6local.example/", "unique-local"),
    ("http://mapped.example/", "private (IPv4-mapped"),
    ("http://empty.example/", "resolves to no address"),
]

ALLOWED = [
    "http://news.example/",
    "https://news.example/a/b?c=d#e",
    "HTTPS://NEWS.EXAMPLE/",
    "http://news.example./",
    "http://dual.example:8080/",
    "http://93.184.216.34/",
    "http://[2606:2800:220:1:248:1893:25c8:1946]/",
    "http://[::ffff:93.184.216.34]/",
    "http://[2002:5db8:d822::1]/",  # 6to4 of a public address
    "http://[64:ff9b::5db8:d822]/",  # NAT64 of a public address
    "http://0x5d.0xb8.0xd8.0x22/",  # odd spelling of a public address
    "http://100.63.255.255/",  # just below carrier-grade NAT
    "http://100.128.0.1/",  # just above it
    "http://172.32.0.1/",  # just above 172.16/12
]


@pytest.mark.parametrize(("url", "expected"), REFUSED)
def test_refused(url: str, expected: str) -> None:
    with pytest.raises(RefusedAddress) as caught:
        check_url(url, resolve=fake_resolve)
    assert expected in str(caught.value)


@pytest.mark.parametrize("url", ALLOWED)
def test_allowed(url: str) -> None:
    check_url(url, resolve=fake_resolve)  # raises on refusal


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000/", "http://10.0.0.1/", "http://localhost/", "http://[::1]/", "http://2130706433/"],
)
def test_allow_private_lifts_address_checks(url: str) -> None:
    def no_dns(host: str) -> list[str]:
        raise AssertionError("allow_private must not resolve")

    check_url(url, allow_private=True, resolve=no_dns)


@pytest.mark.parametrize(
    ("url", "expected"),
    [("ftp://127.0.0.1/", "scheme"), ("javascript:alert(1)", "scheme"), ("http://1.2.3.4.5/", "malformed")],
)
def test_allow_private_keeps_scheme_and_syntax_checks(url: str, expected: str) -> None:
    with pytest.raises(RefusedAddress) as caught:
        check_url(url, allow_private=True, resolve=fake_resolve)
    assert expected in str(caught.value)


def test_resolution_failure_is_not_a_refusal() -> None:
    with pytest.raises(OSError, match="no such host"):
        check_url("http://unknown.example/", resolve=fake_resolve)


def test_literal_addresses_are_not_resolved() -> None:
    asked: list[str] = []

    def recording(host: str) -> list[str]:
        asked.append(host)
        return ["93.184.216.34"]

    check_url("http://8.8.8.8/", resolve=recording)
    check_url("http://news.example/", resolve=recording)
    assert asked == ["news.example"]


def test_message_names_url_host_and_reason() -> None:
    with pytest.raises(RefusedAddress) as caught:
        check_url("http://metadata.example/latest", resolve=fake_resolve)
    assert str(caught.value) == (
        "refused 'http://metadata.example/latest': host 'metadata.example' resolves to "
        "169.254.169.254, which is link-local (the cloud metadata service)"
    )


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1.258", "10.1.1.2"),
        ("0x", "0.0.0.0"),
        ("1.2.3.4.", "1.2.3.4"),
        ("::1", "::1"),
        ("news.example", None),
        ("1.2.example", None),
    ],
)
def test_parse_numeric_host(host: str, expected: str | None) -> None:
    parsed = parse_numeric_host(host)
    assert (str(parsed) if parsed is not None else None) == expected


@pytest.mark.parametrize("host", ["example.0x", "a.b.123", "1.2.3.4.5", "1.2.3.0x100", "09.1.1.1"])
def test_hosts_ending_in_a_number_must_be_valid_ipv4(host: str) -> None:
    # WHATWG: a host whose last label is a number is an IPv4 address or invalid, never a name.
    with pytest.raises(RefusedAddress, match="malformed numeric host"):
        parse_numeric_host(host)


def test_forbidden_reason_public_addresses() -> None:
    for text in ("8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"):
        assert forbidden_reason(ip_address(text)) is None
