"""One guarded fetch for commands that fetch a URL outside a crawl (``newsdesk extract URL``).

The name is resolved once and every answer checked (:func:`crawler.addresses.checked_addresses`);
the connection goes to that checked address, with the original host in the
``Host`` header and as the TLS server name (so certificates are still verified
against it), so a second DNS answer can never point the fetch elsewhere (DNS
rebinding).  Redirects are followed by hand, each hop checked the same way.
The body is streamed and the size cap enforced while reading, on the bytes
off the wire and on the bytes decompressed: a gzip bomb stops at the cap, it
never inflates in memory.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from ipaddress import IPv6Address
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from config.settings import CrawlSettings
from crawler.addresses import Resolver, checked_addresses, resolve_host
from pipelines.errors import RefusedAddress

CHUNK_BYTES = 64 * 1024
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Only what this module can inflate with a bound: no brotli or zstd.
ACCEPT_ENCODING = "gzip, deflate"


@dataclass(frozen=True)
class Fetched:
    """A fetched response: where it ended up, its status and content type, and the (decoded) body."""

    url: str
    status: int
    content_type: str | None
    body: bytes


class _Inflater:
    """Decodes a Content-Encoding chunk by chunk, never producing more than the cap."""

    def __init__(self, encoding: str, url: str) -> None:
        self.url = url
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._zlib = None
        elif encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)  # zlib-wrapped, as the RFC says
        else:
            raise RefusedAddress(f"refused {url}: content encoding {encoding!r} is not supported")

    def feed(self, chunk: bytes, room: int) -> bytes:
        """At most ``room + 1`` decoded bytes of ``chunk`` (one more than fits tells the caller to stop)."""
        if self._zlib is None:
            return chunk[: room + 1]
        try:
            out = self._zlib.decompress(chunk, room + 1)
        except zlib.error as exc:
            raise RefusedAddress(f"refused {self.url}: the body does not decompress ({exc})") from exc
        return out


def _pinned(url: str, address: object) -> tuple[str, str, str]:
    """``url`` with its host replaced by ``address``; also the Host header value and the TLS server name."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    literal = f"[{address}]" if isinstance(address, IPv6Address) else str(address)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    host_header = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), host_header, host


def _read(response: httpx.Response, url: str, cap: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise RefusedAddress(f"refused {url}: {declared} bytes is over the {cap}-byte cap")
    inflater = _Inflater(response.headers.get("content-encoding", ""), url)
    body = bytearray()
    wire = 0
    raw: Iterator[bytes] = response.iter_raw(CHUNK_BYTES)
    for chunk in raw:
        wire += len(chunk)
        if wire > cap:
            raise RefusedAddress(f"refused {url}: more than {cap} bytes on the wire")
        body += inflater.feed(chunk, cap - len(body))
        if len(body) > cap:
            raise RefusedAddress(f"refused {url}: the body decompresses to more than {cap} bytes")
    return bytes(body)


def fetch(
    url: str,
    crawl: CrawlSettings,
    *,
    resolve: Resolver = resolve_host,
    transport: httpx.BaseTransport | None = None,
) -> Fetched:
    """GET ``url`` as a crawl would: checked address, pinned connection, manual redirects, capped streaming."""
    headers = {"User-Agent": crawl.user_agent, "Accept-Encoding": ACCEPT_ENCODING}
    with httpx.Client(timeout=crawl.download_timeout, follow_redirects=False, transport=transport) as client:
        for _ in range(crawl.max_redirects + 1):
            try:
                addresses = checked_addresses(url, allow_private=crawl.allow_private_hosts, resolve=resolve)
            except OSError as exc:
                raise RefusedAddress(f"cannot resolve {url}: {exc}") from exc
            target, host_header, server_name = _pinned(url, addresses[0])
            request = client.build_request(
                "GET", target, headers={**headers, "Host": host_header}, extensions={"sni_hostname": server_name}
            )
            response = client.send(request, stream=True)
            try:
                location = response.headers.get("location")
                if response.status_code in REDIRECTS and location:
                    url = urljoin(url, location)
                    continue
                body = _read(response, url, crawl.max_response_bytes)
                return Fetched(url, response.status_code, response.headers.get("content-type"), body)
            finally:
                response.close()
    raise RefusedAddress(f"refused {url}: more than {crawl.max_redirects} redirects")
