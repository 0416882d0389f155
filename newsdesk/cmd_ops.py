"""Operations commands: ``flower`` (authenticated monitor), ``doctor`` (deployment checks), ``metrics serve``."""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import sys

from config.settings import Settings
from newsdesk import doctor
from newsdesk.doctor_probes import CHECK_GROUPS, run_checks
from newsdesk.flower_launcher import FlowerLaunch, credentials_problem, serve_flower
from workers.metrics_server import DEFAULT_PORT, MetricsAccess, build_registry, make_metrics_server
from workers.runtime import celery_app_for

log = logging.getLogger("newsdesk.ops")


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def cmd_flower(settings: Settings, args: argparse.Namespace) -> int:
    credentials = settings.flower.basic_auth
    problem = credentials_problem(credentials)
    if problem:
        print(f"newsdesk flower: refusing to start without authentication. {problem}", file=sys.stderr)
        return 2
    host = args.host or settings.flower.host
    if not is_loopback(host):
        print(f"newsdesk flower: serving on {host}; basic auth is sent in clear: put TLS in front", file=sys.stderr)
    launch = FlowerLaunch(
        host=host,
        port=settings.flower.port if args.port is None else args.port,
        credentials=credentials,
        read_only=args.read_only or settings.flower.read_only,
    )
    capp = celery_app_for(settings)
    return serve_flower(capp, launch)


def cmd_doctor(settings: Settings, args: argparse.Namespace) -> int:
    results = run_checks(settings, args.flower_url, args.review_url, args.only or CHECK_GROUPS)
    if args.json:
        print(json.dumps(doctor.as_json(results), sort_keys=True))
    else:
        print(doctor.render_table(results))
    return doctor.exit_code(results)


def cmd_metrics_serve(settings: Settings, args: argparse.Namespace) -> int:
    port = args.port if args.port is not None else (settings.metrics_port or DEFAULT_PORT)
    host = args.host or settings.metrics_host
    if not is_loopback(host) and not settings.metrics_auth:
        print(f"newsdesk metrics: serving on {host} without metrics_auth; anyone who reaches it may read it",
              file=sys.stderr)  # fmt: skip
    access = MetricsAccess.from_settings(settings, host)
    server = make_metrics_server(build_registry(settings), host, port, access)
    log.info("metrics on http://%s:%d/metrics (worker files in %s)", host, port, settings.metrics_dir)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    flower = subparsers.add_parser(
        "flower",
        help="run the Flower monitor behind basic auth (NEWSDESK_FLOWER_BASIC_AUTH=user:password)",
        description="Start Flower for the configured broker. Every path, /metrics and /healthcheck included, "
        "needs the basic-auth credentials; it will not start without them.",
    )
    flower.add_argument("--host", help="address to bind (default: flower.host, 127.0.0.1)")
    flower.add_argument("--port", type=int, help="port (default: flower.port, 5555)")
    flower.add_argument("--read-only", action="store_true", help="refuse every request but GET and HEAD")
    flower.set_defaults(func=cmd_flower)

    check = subparsers.add_parser(
        "doctor",
        help="check the deployment: Redis safety, database, workers, beat, Flower auth",
        description="Print PASS/WARN/FAIL per check with a reason; exits 1 if any check fails.",
    )
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.add_argument("--flower-url", help="Flower to probe (default: from flower.host and flower.port)")
    check.add_argument("--review-url", help="review desk to probe (default: from review.host and review.port)")
    check.add_argument(
        "--only", action="append", choices=CHECK_GROUPS, help="run only this group of checks (repeatable)"
    )
    check.set_defaults(func=cmd_doctor, needs_database=False)

    metrics = subparsers.add_parser("metrics", help="Prometheus metrics of workers, queues and the review desk")
    metrics_sub = metrics.add_subparsers(dest="metrics_command", required=True)
    serve = metrics_sub.add_parser(
        "serve",
        help="serve /metrics: worker counters (all pool processes) plus queue, review and source gauges",
        description="Serve Prometheus metrics aggregated from the worker metrics files and read from SQL/Redis.",
    )
    serve.add_argument("--host", help="address to bind (default: metrics_host, 127.0.0.1)")
    serve.add_argument("--port", type=int, help=f"port (default: metrics_port, else {DEFAULT_PORT})")
    serve.set_defaults(func=cmd_metrics_serve)
