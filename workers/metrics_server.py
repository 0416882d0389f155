"""The one metrics endpoint: every worker process's counters (multiprocess files) plus the scrape-time facts.

Only ``GET /metrics`` (and HEAD) is answered, only for a ``Host`` in ``metrics_allowed_hosts`` (a
DNS-rebinding page cannot read it), and, with ``metrics_auth`` set, only with those basic-auth
credentials (Prometheus: ``basic_auth`` in the scrape config).
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer
from prometheus_client.multiprocess import MultiProcessCollector

from config.hosts import allowed_hosts, host_allowed
from config.settings import Settings
from pipelines.storage.engine import make_engine
from workers.metrics_scrape import DeploymentCollector
from workers.runtime import build_runtime

DEFAULT_PORT = 9108
METRICS_PATH = "/metrics"
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class MetricsAccess:
    """Who may read the metrics: the Host names answered and the basic-auth credentials (if any)."""

    hosts: tuple[str, ...]
    credentials: str = ""  # USER:PASSWORD

    @classmethod
    def from_settings(cls, settings: Settings, bind: str) -> MetricsAccess:
        return cls(allowed_hosts(settings.metrics_allowed_hosts, bind), settings.metrics_auth)

    def authorized(self, header: str) -> bool:
        if not self.credentials:
            return True
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            given = base64.b64decode(value.strip(), validate=True)
        except ValueError:
            return False
        return hmac.compare_digest(given, self.credentials.encode("utf-8"))


def _refuse(start_response: Callable[..., Any], status: str, extra: Sequence[tuple[str, str]] = ()) -> list[bytes]:
    body = status.split(" ", 1)[1].encode() + b"\n"
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))), *extra])
    return [body]


def guarded(app: WSGIApp, access: MetricsAccess) -> WSGIApp:
    """``app`` behind the Host check, the one path and the credentials."""

    def guarded_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not host_allowed(environ.get("HTTP_HOST"), access.hosts):
            return _refuse(start_response, "400 Bad Request")
        if environ.get("PATH_INFO") != METRICS_PATH:
            return _refuse(start_response, "404 Not Found")
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return _refuse(start_response, "405 Method Not Allowed", [("Allow", "GET, HEAD")])
        if not access.authorized(environ.get("HTTP_AUTHORIZATION", "")):
            return _refuse(start_response, "401 Unauthorized", [("WWW-Authenticate", 'Basic realm="newsdesk metrics"')])
        return app(environ, start_response)

    return guarded_app


class QuietHandler(WSGIRequestHandler):
    """No access log line per scrape."""

    def log_message(self, format: str, *args: Any) -> None:
        return


def build_registry(settings: Settings) -> CollectorRegistry:
    """A registry that reads ``settings.metrics_dir`` and the database and broker at each scrape."""
    settings.metrics_dir.mkdir(parents=True, exist_ok=True)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(settings.metrics_dir.resolve()))  # type: ignore[no-untyped-call]
    runtime = build_runtime(settings)
    registry.register(DeploymentCollector(make_engine(settings.sqlalchemy_url), runtime.redis))
    return registry


def make_metrics_server(
    registry: CollectorRegistry, host: str, port: int, access: MetricsAccess | None = None
) -> WSGIServer:
    """An HTTP server for ``/metrics`` (threads, so a slow scrape blocks no other).

    ``access`` defaults to loopback Host names plus ``host``, without credentials.
    """
    app = guarded(make_wsgi_app(registry), access or MetricsAccess(allowed_hosts((), host)))
    return make_server(host, port, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler)
