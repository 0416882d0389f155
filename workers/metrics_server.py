"""The one metrics endpoint: every worker process's counters (multiprocess files) plus the scrape-time facts."""

from __future__ import annotations

from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer
from prometheus_client.multiprocess import MultiProcessCollector

from config.settings import Settings
from pipelines.storage.engine import make_engine
from workers.metrics_scrape import DeploymentCollector
from workers.runtime import build_runtime

DEFAULT_PORT = 9108


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


def make_metrics_server(registry: CollectorRegistry, host: str, port: int) -> WSGIServer:
    """An HTTP server answering every path with the metrics (threads, so a slow scrape blocks no other)."""
    app = make_wsgi_app(registry)
    return make_server(host, port, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler)
