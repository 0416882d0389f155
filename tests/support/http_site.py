"""A small local web site for tests: a threaded HTTP server on 127.0.0.1 that records every request.

Usage::

    with HttpSite({"/": (200, {"Content-Type": "text/html"}, b"<a href='/a'>a</a>"),
                   "/a": lambda req: Reply(404)}) as site:
        ... crawl site.url("/") ...
        assert [r.path for r in site.requests] == ["/", "/a"]

A route is a ``Reply``, a ``(status, headers, body)`` tuple, or a callable
taking the :class:`RecordedRequest` and returning either; routes may be
changed while the site runs (``site.routes["/x"] = ...``).  Unknown paths
answer 404.  Routes are looked up by path plus query first, then by path.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

__all__ = ["HttpSite", "RecordedRequest", "Reply", "Route"]


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it; ``arrived`` is ``time.monotonic()`` when its headers were read."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    arrived: float
    wall_time: float
    body: bytes = b""

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)


ReplyLike = Reply | tuple[int, Mapping[str, str], bytes]
Route = ReplyLike | Callable[[RecordedRequest], ReplyLike]


def _as_reply(value: ReplyLike) -> Reply:
    return value if isinstance(value, Reply) else Reply(*value)


class HttpSite:
    """A context manager serving ``routes`` on a free loopback port."""

    def __init__(self, routes: Mapping[str, Route] | None = None, *, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.host = host
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None

    @property
    def port(self) -> int:
        """The port it listens on; still known after ``stop`` so results can be compared to URLs."""
        if self._port is None:
            raise RuntimeError("the site was never started")
        return self._port

    def url(self, path: str = "/", *, host: str | None = None) -> str:
        """The URL of ``path``; ``host="localhost"`` gives a second host name for the same server."""
        return f"http://{host or self.host}:{self.port}{path}"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def _record(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self._requests.append(request)
        target = f"{request.path}?{request.query}" if request.query else request.path
        route = self.routes.get(target, self.routes.get(request.path))
        if route is None:
            return Reply(404, {"Content-Type": "text/plain"}, b"not found")
        return _as_reply(route(request) if callable(route) else route)

    def start(self) -> HttpSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                arrived, wall = time.monotonic(), time.time()
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                recorded = RecordedRequest(
                    method=self.command,
                    path=parts.path,
                    query=parts.query,
                    headers=dict(self.headers.items()),
                    arrived=arrived,
                    wall_time=wall,
                    body=self.rfile.read(length) if length else b"",
                )
                reply = site._record(recorded)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if self.command != "HEAD" and reply.status not in (204, 304):
                    self.wfile.write(reply.body)

            do_GET = do_POST = do_HEAD = _handle

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output quiet

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self._port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name="http-site", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> HttpSite:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
