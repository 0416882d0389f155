"""Arguments of the operations commands: flower, doctor, metrics serve (implemented elsewhere)."""

from __future__ import annotations

from newsdesk.registry import Handler, Subparsers

CHECK_GROUPS = ("redis", "database", "spool", "workers", "beat", "flower", "review")
DEFAULT_METRICS_PORT = 9108  # workers.metrics_server.DEFAULT_PORT (a test keeps them equal)


def register(subparsers: Subparsers) -> None:
    flower = subparsers.add_parser(
        "flower",
        help="run the Flower monitor behind basic auth (NEWSDESK_FLOWER_BASIC_AUTH=user:password)",
        description="Start Flower for the configured broker. Every path, /metrics and /healthcheck included, "
        "needs the basic-auth credentials; it will not start without them, or with a password shorter than 12 "
        "characters. SIGTERM or Ctrl+C stops it within 5 seconds.",
    )
    flower.add_argument("--host", help="address to bind (default: flower.host, 127.0.0.1)")
    flower.add_argument("--port", type=int, help="port (default: flower.port, 5555)")
    flower.add_argument("--read-only", action="store_true", help="refuse every request but GET and HEAD")
    flower.set_defaults(func=Handler("newsdesk.cmd_ops", "cmd_flower"), data_dir_use="optional")

    check = subparsers.add_parser(
        "doctor",
        help="check the deployment: Redis safety, database, workers, beat, spool, Flower auth",
        description="Print PASS/WARN/FAIL per check with a reason; exits 1 if any check fails. It never starts "
        "the embedded Redis: a stopped one is reported.",
    )
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.add_argument("--flower-url", help="Flower to probe (default: from flower.host and flower.port)")
    check.add_argument("--review-url", help="review desk to probe (default: from review.host and review.port)")
    check.add_argument(
        "--only", action="append", choices=CHECK_GROUPS, help="run only this group of checks (repeatable)"
    )
    check.set_defaults(func=Handler("newsdesk.cmd_ops", "cmd_doctor"), data_dir_use="optional")

    metrics = subparsers.add_parser(
        "metrics",
        help="Prometheus metrics of workers, queues and the review desk",
        description="Prometheus metrics (metrics serve).",
    )
    metrics_sub = metrics.add_subparsers(dest="metrics_command", required=True, metavar="SUBCOMMAND")
    serve = metrics_sub.add_parser(
        "serve",
        help="serve /metrics: worker counters (all pool processes) plus queue, review and source gauges",
        description="Serve Prometheus metrics aggregated from the worker metrics files and read from SQL/Redis.",
    )
    serve.add_argument("--host", help="address to bind (default: metrics_host, 127.0.0.1)")
    serve.add_argument("--port", type=int, help=f"port (default: metrics_port, else {DEFAULT_METRICS_PORT})")
    serve.set_defaults(func=Handler("newsdesk.cmd_ops", "cmd_metrics_serve"), data_dir_use="create")
