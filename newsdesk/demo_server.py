"""A small threaded HTTP server for fixed routes on a loopback address (the demo site, tests, benches)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from newsdesk.demo_pages import Route


class RouteServer:
    """Serves ``routes`` (path -> status, content type, body) over HTTP/1.1 keep-alive until closed.

    ``port`` is the port to try first (0: any free one); when it is taken, any free one is used.

    ``hits`` records (epoch seconds, path) of every request; pass the same
    ``routes`` and ``hits`` to several servers to serve one site on several hosts.
    """

    def __init__(
        self,
        routes: dict[str, Route] | None = None,
        delay_seconds: float = 0.0,
        *,
        host: str = "127.0.0.1",
        hits: list[tuple[float, str]] | None = None,
        port: int = 0,
    ) -> None:
        self.routes: dict[str, Route] = routes if routes is not None else {}
        self.hits: list[tuple[float, str]] = hits if hits is not None else []
        self.delay_seconds = delay_seconds
        self.host = host
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real site offers

            def do_GET(self) -> None:
                server.hits.append((time.time(), self.path))
                if server.delay_seconds:
                    time.sleep(server.delay_seconds)
                status, content_type, body = server.routes.get(self.path, (404, "text/plain", b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        try:
            self.httpd = ThreadingHTTPServer((host, port), Handler)
        except OSError:
            if not port:
                raise
            self.httpd = ThreadingHTTPServer((host, 0), Handler)  # the port asked for is taken: any free one
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def also_on(self, host: str) -> RouteServer | None:
        """A server of the same routes (and hits) on another loopback address, on this one's port when that is free
        there; None where the address is not this machine's (only 127.0.0.1 is, on some systems)."""
        try:
            return RouteServer(self.routes, self.delay_seconds, host=host, hits=self.hits, port=self.port)
        except OSError:
            return None

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def requests(self) -> list[str]:
        """The paths requested so far, in order."""
        return [path for _, path in self.hits]

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> RouteServer:
        self.thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
