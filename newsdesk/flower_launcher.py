"""Flower behind a gate: every request needs the basic-auth credentials, and read-only mode refuses writes.

Flower 2.2 protects its UI and API with ``--basic-auth`` but deliberately
serves ``/metrics`` and ``/healthcheck`` without it (mher/flower#1129, #1342),
and its ``read_only`` option covers only the control and task-apply handlers
it knows about.  So newsdesk runs Flower's tornado application behind
:class:`GateRouter`, which sees each request before Flower's own routing:

* no valid ``Authorization: Basic`` header -> 401, on every path (metrics,
  healthcheck and static files included);
* read-only mode -> any method but GET/HEAD is 403, whatever the handler.

Flower's own basic auth and ``read_only`` stay switched on behind the gate.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import os
import secrets
import signal
import threading
from dataclasses import dataclass
from types import FrameType
from typing import Any

from celery import Celery
from flower.app import Flower
from flower.options import default_options
from flower.urls import settings as flower_app_settings
from tornado.httpserver import HTTPServer
from tornado.httputil import HTTPHeaders, HTTPMessageDelegate, HTTPServerRequest
from tornado.log import access_log
from tornado.netutil import bind_sockets
from tornado.routing import Router
from tornado.web import Application, OutputTransform, RequestHandler

from pipelines.errors import TransientError

log = logging.getLogger("newsdesk.flower")
READ_METHODS = frozenset({"GET", "HEAD"})
# Basic auth has no lock-out: a short password falls to guessing over the network.
MIN_PASSWORD_LENGTH = 12
# After SIGTERM or Ctrl+C, how long a clean stop may take before the process exits anyway: with Redis gone,
# Flower's executor threads sit in broker reconnects that nothing can interrupt.
STOP_GRACE_SECONDS = 3.0
NO_FRAMING = {"X-Frame-Options": "DENY", "Content-Security-Policy": "frame-ancestors 'none'"}
REALM = 'Basic realm="newsdesk flower", charset="UTF-8"'


class PortUnavailable(TransientError):
    """Raised when Flower's address cannot be bound (the port is taken, or the address is not ours)."""


@dataclass(frozen=True)
class FlowerLaunch:
    """What to start: where, with which credentials (``user:password``), read-only or not."""

    host: str
    port: int
    credentials: str
    read_only: bool


def credentials_problem(credentials: str) -> str | None:
    """Why ``credentials`` cannot protect Flower, or None when they can."""
    if not credentials:
        return "Flower needs credentials: set NEWSDESK_FLOWER_BASIC_AUTH=user:password (or flower.basic_auth)"
    user, _, password = credentials.partition(":")
    if not user or not password:
        return "flower.basic_auth must be USER:PASSWORD with both parts non-empty"
    if len(password) < MIN_PASSWORD_LENGTH:
        return (
            f"the Flower password is {len(password)} characters; use at least {MIN_PASSWORD_LENGTH} "
            "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"
        )
    return None


def authorized(header: str | None, credentials: str) -> bool:
    """Whether an ``Authorization`` header carries exactly ``credentials`` (constant-time comparison)."""
    if not header:
        return False
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        given = base64.b64decode(token.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(given, credentials.encode("utf-8"))


def gate_status(method: str, header: str | None, credentials: str, read_only: bool) -> int | None:
    """The status that refuses a request (401, 403), or None to let Flower handle it."""
    if not authorized(header, credentials):
        return 401
    if read_only and method.upper() not in READ_METHODS:
        return 403
    return None


class Refusal(RequestHandler):
    """Answers a refused request, whatever its method, before any Flower code runs."""

    def initialize(self, status: int) -> None:
        self.refusal = status

    def check_xsrf_cookie(self) -> None:
        return  # the request is refused anyway; a 403 for a missing token would hide the 401

    def prepare(self) -> None:
        self.set_status(self.refusal)
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        if self.refusal == 401:
            self.set_header("WWW-Authenticate", REALM)
            self.finish("authentication required\n")
        else:
            self.finish("this Flower is read-only\n")


class GateRouter(Router):
    """Routes each request to a refusal or on to the Flower application."""

    def __init__(self, app: Application, credentials: str, read_only: bool) -> None:
        self.app = app
        self.credentials = credentials
        self.read_only = read_only

    def find_handler(self, request: HTTPServerRequest, **kwargs: Any) -> HTTPMessageDelegate | None:
        status = gate_status(request.method or "", request.headers.get("Authorization"), self.credentials,
                             self.read_only)  # fmt: skip
        if status is None:
            return self.app.find_handler(request, **kwargs)
        return self.app.get_handler_delegate(request, Refusal, {"status": status})


class NoFraming(OutputTransform):
    """Every response, Flower's and the gate's refusals alike, forbids being framed (clickjacking)."""

    def transform_first_chunk(
        self, status_code: int, headers: HTTPHeaders, chunk: bytes, finishing: bool
    ) -> tuple[int, HTTPHeaders, bytes]:
        for name, value in NO_FRAMING.items():
            if name not in headers:
                headers[name] = value
        return status_code, headers, chunk


def log_request(handler: RequestHandler) -> None:
    """Tornado's access log, with static files at DEBUG: one page load is not twenty INFO lines."""
    status = handler.get_status()
    request = handler.request
    static = request.path.startswith("/static/") and status < 400
    level = logging.DEBUG if static else logging.INFO if status < 400 else logging.WARNING
    access_log.log(level, "%d %s %.1fms", status, handler._request_summary(), 1000 * request.request_time())


def build_flower(capp: Celery, launch: FlowerLaunch) -> Any:
    """Flower's tornado application for ``capp``, with its own auth and read-only switches on as well."""
    options = default_options
    options.address = launch.host
    options.port = launch.port
    options.basic_auth = [launch.credentials]
    options.read_only = launch.read_only
    options.persistent = False
    app_settings = dict(flower_app_settings)
    app_settings["cookie_secret"] = secrets.token_urlsafe(32)
    app_settings["log_function"] = log_request
    flower = Flower(capp=capp, options=options, **app_settings)
    flower.add_transform(NoFraming)
    return flower


def _exit_soon(grace: float) -> None:
    """Make sure the process ends ``grace`` seconds from now even if threads are stuck in broker calls."""
    timer = threading.Timer(grace, os._exit, args=(0,))
    timer.daemon = True
    timer.start()


def serve_flower(capp: Celery, launch: FlowerLaunch) -> int:
    """Run Flower behind the gate until SIGTERM or SIGINT."""
    flower = build_flower(capp, launch)
    server = HTTPServer(GateRouter(flower, launch.credentials, launch.read_only))
    try:
        server.add_sockets(bind_sockets(launch.port, address=launch.host))
    except OSError as exc:
        raise PortUnavailable(f"cannot listen on {launch.host}:{launch.port}: {exc.strerror}; choose --port") from exc

    def on_signal(signum: int, frame: FrameType | None) -> None:
        _exit_soon(STOP_GRACE_SECONDS)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    mode = "read-only" if launch.read_only else "read-write"
    log.info("Flower on http://%s:%d (basic auth on every path, %s)", launch.host, launch.port, mode)
    try:
        flower.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        _exit_soon(STOP_GRACE_SECONDS)  # however the loop ended, the executor threads must not hold the exit
        server.stop()
        flower.stop()
        logging.shutdown()
    return 0
