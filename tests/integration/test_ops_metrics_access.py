"""``newsdesk metrics serve``'s door: one path, known Host names, and basic auth when configured (real HTTP)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from prometheus_client import CollectorRegistry, Counter

from workers.metrics_server import MetricsAccess, make_metrics_server

CREDENTIALS = "prometheus:a-long-scrape-secret"


@contextmanager
def metrics_server(access: MetricsAccess | None) -> Iterator[str]:
    registry = CollectorRegistry()
    Counter("newsdesk_probe", "a counter the test can find", registry=registry).inc()
    server = make_metrics_server(registry, "127.0.0.1", 0, access)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_only_metrics_path_and_known_hosts_are_answered() -> None:
    with metrics_server(None) as base, httpx.Client(base_url=base, timeout=10) as http:
        port = base.rsplit(":", 1)[1]
        good = http.get("/metrics")
        assert good.status_code == 200
        assert "newsdesk_probe_total 1.0" in good.text
        assert http.get("/metrics", headers={"Host": f"localhost:{port}"}).status_code == 200
        for path in ("/", "/metrics/", "/anything", "/favicon.ico"):
            assert http.get(path).status_code == 404, path
        assert http.post("/metrics").status_code == 405
        for host in ("rebind.evil.test", f"evil.test:{port}", ""):
            refused = http.get("/metrics", headers={"Host": host})
            assert refused.status_code == 400, host
            assert "newsdesk_probe" not in refused.text


def test_configured_names_and_credentials() -> None:
    access = MetricsAccess(hosts=("localhost", "127.0.0.1", "metrics"), credentials=CREDENTIALS)
    with metrics_server(access) as base, httpx.Client(base_url=base, timeout=10) as http:
        refused = http.get("/metrics")
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith("Basic")
        assert http.get("/metrics", auth=("prometheus", "wrong")).status_code == 401
        assert http.get("/metrics", headers={"Authorization": "Basic !!!"}).status_code == 401
        user, password = CREDENTIALS.split(":", 1)
        assert http.get("/metrics", auth=(user, password)).status_code == 200
        assert http.get("/metrics", auth=(user, password), headers={"Host": "metrics:9108"}).status_code == 200
        assert http.get("/metrics", auth=(user, password), headers={"Host": "evil.test"}).status_code == 400
