"""The bench's news site on 127.0.0.1: fixed routes over HTTP/1.1 keep-alive, each request time-stamped."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

Route = tuple[int, str, bytes]


class TimedSite:
    """Serves ``routes``; ``hits`` holds (epoch seconds, path) of every request, in arrival order."""

    def __init__(self) -> None:
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

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def first_hit(self) -> float | None:
        return self.hits[0][0] if self.hits else None

    def last_hit(self, prefix: str = "/") -> float | None:
        times = [t for t, path in self.hits if path.startswith(prefix) and path not in ("/robots.txt", "/sitemap.xml")]
        return max(times) if times else None

    def __enter__(self) -> TimedSite:
        self.thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
