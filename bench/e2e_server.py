"""The bench's news sites on 127.0.0.1..127.0.0.k: fixed routes over HTTP/1.1 keep-alive, each request time-stamped.

Several loopback addresses stand for several sites: the crawler keeps a minimum
interval per host (plus a 25 ms margin even at interval 0), so one host alone
caps a crawl at about 40 pages/s however fast everything else is.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

Route = tuple[int, str, bytes]


class TimedSite:
    """Serves ``routes`` on ``hosts`` addresses; ``hits`` holds (epoch seconds, path) of every request."""

    def __init__(self, hosts: int = 1) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[tuple[float, str]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real site offers

            def do_GET(self) -> None:
                site.hits.append((time.time(), self.path))
                status, content_type, body = site.routes.get(self.path, (404, "text/plain", b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.hosts = [f"127.0.0.{n}" for n in range(1, hosts + 1)]
        self.servers = [ThreadingHTTPServer((host, 0), Handler) for host in self.hosts]
        for server in self.servers:
            server.daemon_threads = True
        self.threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in self.servers]

    @property
    def base_urls(self) -> list[str]:
        ports = [server.server_address[1] for server in self.servers]
        return [f"http://{host}:{port}" for host, port in zip(self.hosts, ports, strict=True)]

    def __enter__(self) -> TimedSite:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()
