"""Operations commands: ``flower`` (authenticated monitor), ``doctor`` (deployment checks), ``metrics serve``."""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import sys

from config.settings import Settings
from newsdesk import doctor
from newsdesk.doctor_probes import run_checks
from newsdesk.flower_launcher import FlowerLaunch, credentials_problem, serve_flower
from newsdesk.ops_args import CHECK_GROUPS
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
