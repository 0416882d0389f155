"""The bench's news sites on 127.0.0.1..127.0.0.k: one route table served on several loopback hosts.

Several loopback addresses stand for several sites: the crawler keeps a minimum
interval per host (plus a 25 ms margin even at interval 0), so one host alone
caps a crawl at about 40 pages/s however fast everything else is.
"""

from __future__ import annotations

from contextlib import ExitStack
from types import TracebackType

from newsdesk.demo_pages import Route
from newsdesk.demo_server import RouteServer


class TimedSite:
    """Serves ``routes`` on ``hosts`` addresses; ``hits`` holds (epoch seconds, path) of every request."""

    def __init__(self, hosts: int = 1) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[tuple[float, str]] = []
        self.hosts = [f"127.0.0.{n}" for n in range(1, hosts + 1)]
        self.servers = [RouteServer(self.routes, host=host, hits=self.hits) for host in self.hosts]
        self._stack = ExitStack()

    @property
    def base_urls(self) -> list[str]:
        return [server.base_url for server in self.servers]

    def __enter__(self) -> TimedSite:
        for server in self.servers:
            self._stack.enter_context(server)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stack.close()
